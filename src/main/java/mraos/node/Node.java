package mraos.node;

import com.hazelcast.config.Config;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import io.vertx.sqlclient.Pool;
import mraos.cluster.ClusterMembers;
import mraos.cluster.ClusterSingletons;
import mraos.cluster.SharedDatabase;
import mraos.config.MraosConfig;
import mraos.config.OpcUaEndpoint;
import mraos.db.Database;
import mraos.embedded.EmbeddedServices;
import mraos.health.NodeStatus;
import mraos.health.Readiness;
import mraos.outbound.OutboundVerticle;
import mraos.plant.PlantModel;
import mraos.time.NodeClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import verticles.failures.FailuresVerticle;
import verticles.gateway.GatewayVerticle;
import verticles.hr.HrVerticle;
import verticles.inventory.CdcReplica;
import verticles.kafka.KafkaVerticle;
import verticles.lines.LineVerticle;
import verticles.lines.PlantTables;
import verticles.mes.OpcUaEndpointVerticle;
import verticles.scheduler.SchedulerVerticle;

import java.io.FileNotFoundException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One MRAOS node: the embedded services it was asked for, the schema brought up to date, a Vert.x instance (clustered
 * when configured) and its verticles. {@link Main} runs one; tests run as many as they need.
 */
public final class Node implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Node.class);

  private final EmbeddedServices embedded;
  private final MraosConfig config;
  private final Vertx vertx;
  /** The node's deployments, in the order they stop: the gateway, then what runs once in the cluster, then Kafka. */
  private final List<String> stopOrder = new ArrayList<>();

  /**
   * The node's own references to the shared pools, opened before any verticle: a shared pool's connections belong to
   * whoever opened it first, and would close with that verticle (the gateway, say) while the others still write.
   */
  private final Pool pool;
  private final Pool batchPool;

  private Node(EmbeddedServices embedded, MraosConfig config, Vertx vertx, Pool pool, Pool batchPool) {
    this.embedded = embedded;
    this.config = config;
    this.vertx = vertx;
    this.pool = pool;
    this.batchPool = batchPool;
  }

  /** Starts a node and returns once every verticle is deployed (readiness then follows the dependencies). */
  public static Node start(MraosConfig requested) throws Exception {
    return start(requested, Clock.systemUTC());
  }

  /** The same, with the clock the node's verticles read (tests move it). */
  public static Node start(MraosConfig requested, Clock clock) throws Exception {
    EmbeddedServices embedded = EmbeddedServices.startMissing(requested);
    Vertx vertx = null;
    try {
      MraosConfig config = embedded.effectiveConfig();
      long deployTimeoutMs = config.node().deployTimeout().toMillis();
      Database.migrate(config.database());
      SharedDatabase.refuseUnclusteredBesidePeers(config);
      Instant since = Instant.now();
      vertx = vertx(config, since).await(deployTimeoutMs, TimeUnit.MILLISECONDS);
      ClusterMembers.started(vertx, config.node().name(), since);
      NodeClock.install(vertx, clock);
      Pool pool = Database.pool(vertx, config.database());
      Pool batchPool = Database.batchPool(vertx, config.database());
      PlantTables.store(pool, PlantModel.load(config.plantModel())).await(deployTimeoutMs, TimeUnit.MILLISECONDS);
      Node node = new Node(embedded, config, vertx, pool, batchPool);
      node.deploy();
      node.announce();
      return node;
    } catch (Exception e) {
      if (vertx != null) {
        vertx.close().await(requested.node().stopTimeout().toMillis(), TimeUnit.MILLISECONDS);
      }
      embedded.close();
      throw e;
    }
  }

  private void deploy() throws Exception {
    JsonObject json = config.json();
    long deployTimeoutMs = config.node().deployTimeout().toMillis();
    String kafka = vertx.deployVerticle("java:" + KafkaVerticle.class.getName(), new DeploymentOptions().setConfig(json))
        .await(deployTimeoutMs, TimeUnit.MILLISECONDS);
    String gateway = vertx.deployVerticle("java:" + GatewayVerticle.class.getName(), new DeploymentOptions().setConfig(json)
        .setInstances(config.http().instances())).await(deployTimeoutMs, TimeUnit.MILLISECONDS);
    String singletons = vertx.deployVerticle("java:" + ClusterSingletons.class.getName(), new DeploymentOptions()
        .setConfig(singletons(json))).await(deployTimeoutMs, TimeUnit.MILLISECONDS);
    stopOrder.addAll(List.of(gateway, singletons, kafka));
    Readiness.expectDeployments(vertx, new LinkedHashSet<>(List.of(kafka, gateway, singletons)));
    NodeStatus.share(vertx, config.node().name(), config.cluster().singletonCheckInterval());
  }

  static final String LINES = "lines";
  static final String OPCUA_ENDPOINTS = "opcua-endpoints";

  /**
   * What runs once in the cluster: each external system's outbound path, the dead letters' figures, the scheduler,
   * HR's housekeeping (Idempotency-Keys, the API keys' age), the inventory CDC replica, one actor per production line
   * and the OPC UA client of each MES endpoint (each group spread fairly over the live nodes).
   */
  static JsonObject singletons(JsonObject json) {
    JsonArray list = new JsonArray();
    for (String system : MraosConfig.EXTERNAL_SYSTEMS) {
      list.add(new JsonObject().put("name", "outbound-" + system.toLowerCase(java.util.Locale.ROOT))
          .put("verticle", OutboundVerticle.class.getName())
          .put("config", new JsonObject().put("mraos", json).put("system", system)));
    }
    list.add(new JsonObject().put("name", "failures").put("verticle", FailuresVerticle.class.getName())
        .put("config", new JsonObject().put("mraos", json)));
    list.add(new JsonObject().put("name", "scheduler").put("verticle", SchedulerVerticle.class.getName())
        .put("config", new JsonObject().put("mraos", json)));
    list.add(new JsonObject().put("name", "hr").put("verticle", HrVerticle.class.getName())
        .put("config", new JsonObject().put("mraos", json)));
    // one CDC replica in the cluster: one consumer applies the stream in order (a takeover resumes from the offsets
    // committed after each batch's transaction; a batch applied twice changes nothing)
    if (json.getJsonObject("inventory").getJsonObject("cdc").getBoolean("enabled", true)) {
      list.add(new JsonObject().put("name", "inventory-cdc").put("verticle", CdcReplica.class.getName())
          .put("config", new JsonObject().put("mraos", json)));
    }
    for (PlantModel.Line line : PlantModel.load(MraosConfig.from(json).plantModel()).lines()) {
      list.add(new JsonObject().put("name", "line-" + line.id()).put("group", LINES)
          .put("verticle", LineVerticle.class.getName())
          .put("config", new JsonObject().put("mraos", json).put("line", line.id())));
    }
    // one OPC UA client per MES endpoint that has a url (two would each deliver every status change), spread over the
    // nodes as the lines are
    MraosConfig.from(json).opcua().endpoints().values().stream().filter(OpcUaEndpoint::connected)
        .forEach(endpoint -> list.add(new JsonObject().put("name", OpcUaEndpointVerticle.component(endpoint.name()))
            .put("group", OPCUA_ENDPOINTS).put("verticle", OpcUaEndpointVerticle.class.getName())
            .put("config", new JsonObject().put("mraos", json).put("endpoint", endpoint.name()))));
    return new JsonObject().put("mraos", json).put("singletons", list);
  }

  private static Future<Vertx> vertx(MraosConfig config, Instant since) throws FileNotFoundException {
    MicrometerMetricsOptions metrics = new MicrometerMetricsOptions()
        .setEnabled(true)
        .setJvmMetricsEnabled(true)
        .setRegistryName(config.metricsRegistryName())
        .setLabels(EnumSet.of(Label.HTTP_METHOD, Label.HTTP_CODE, Label.HTTP_ROUTE, Label.POOL_TYPE, Label.POOL_NAME,
            Label.EB_ADDRESS, Label.EB_FAILURE))
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true));
    VertxOptions options = new VertxOptions().setMetricsOptions(metrics);
    VertxBuilder builder = Vertx.builder().withMetrics(new MicrometerMetricsFactory());
    if (!config.cluster().enabled()) {
      return Future.succeededFuture(builder.with(options).build());
    }
    Config hazelcast = ClusterMembers.hazelcast(config.cluster(), config.node().name(), since);
    // no Vert.x HA: what must survive a node is a singleton held by an advisory lock (docs/architecture.md)
    options.setEventBusOptions(new EventBusOptions().setHost(config.cluster().host()));
    return builder.with(options).withClusterManager(new HazelcastClusterManager(hazelcast)).buildClustered();
  }

  private void announce() {
    String base = "http://localhost:" + config.http().port();
    LOG.info("MRAOS node {} is up: {} (readiness {}/health/ready, metrics {}/metrics)", config.node().name(), base, base, base);
    embedded.issuer().ifPresent(issuer -> {
      LOG.info(issuer.howToGetAToken());
      LOG.info("Then:         curl -H \"Authorization: Bearer $TOKEN\" {}/api/v1/work-orders", base);
    });
  }

  public MraosConfig config() {
    return config;
  }

  public Vertx vertx() {
    return vertx;
  }

  public EmbeddedServices embedded() {
    return embedded;
  }

  /**
   * Stops the verticles one deployment at a time while the database pools and clients they finish with are still open
   * (the gateway's and the outbound paths' last audit rows, the lines' last batches), then Vert.x. {@code vertx.close()}
   * alone closes the shared pools at the same time as it stops the verticles, and what they still had to write was lost.
   */
  @Override
  public void close() {
    long stopTimeoutMs = config.node().stopTimeout().toMillis();
    for (String id : stopOrder) {
      try {
        vertx.undeploy(id).await(stopTimeoutMs, TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        LOG.warn("Deployment {} did not stop cleanly: {}", id, e.getMessage());
      }
    }
    try {
      Future.join(pool.close(), batchPool.close()).await(stopTimeoutMs, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      LOG.warn("The database pools did not close cleanly: {}", e.getMessage());
    }
    try {
      // Vert.x closes what the deployments left and leaves the cluster: twice a deployment's time
      vertx.close().await(2 * stopTimeoutMs, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      LOG.warn("Vert.x did not close cleanly: {}", e.getMessage());
    }
    embedded.close();
    LOG.info("MRAOS node {} stopped", config.node().name());
  }
}
