package verticles.kafka;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.sqlclient.Pool;
import mraos.config.KafkaConfig;
import mraos.config.MraosConfig;
import mraos.db.Database;
import mraos.events.Addresses;
import mraos.events.Outbox;
import mraos.health.NodeStatus;
import mraos.metrics.Meters;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * This node's link to Kafka (one per node): the producer that relays the outbox, and a periodic check that the Kafka
 * cluster answers, reported as this node's part of the integration status (kafka@<node>). Start-up never waits for the broker.
 */
public final class KafkaVerticle extends VerticleBase {

  static final String COMPONENT = "kafka";
  /** The plant's message bus, as the integration status names it. */
  static final String SYSTEM = "KAFKA";
  /** Kafka's own default request.timeout.ms: one request never waits longer, however long a send may take in all. */
  static final long REQUEST_TIMEOUT_MAX_MS = 30_000;

  private final AtomicLong outboxPending = new AtomicLong();

  private KafkaProducer<String, String> producer;
  private KafkaAdminClient admin;
  private OutboxRelay relay;
  private long healthTimer;

  @Override
  public Future<?> start() {
    MraosConfig config = MraosConfig.from(config());
    KafkaConfig kafka = config.kafka();
    NodeStatus.report(vertx, COMPONENT, SYSTEM, NodeStatus.State.DEGRADED, "not checked yet");
    producer = KafkaProducer.create(vertx, producerConfig(kafka, config.node().name()));
    String checkTimeoutMs = String.valueOf(kafka.healthCheckTimeout().toMillis());
    admin = KafkaAdminClient.create(vertx, Map.of(
        "bootstrap.servers", kafka.bootstrapServers(),
        "request.timeout.ms", checkTimeoutMs,
        "default.api.timeout.ms", checkTimeoutMs));
    Pool pool = Database.pool(vertx, config.database());
    MeterRegistry meters = Meters.registry(config.metricsRegistryName());
    relay = new OutboxRelay(vertx, pool, producer, kafka, meters);
    meters.gauge(Meters.OUTBOX_PENDING, outboxPending);
    vertx.eventBus().localConsumer(Addresses.OUTBOX_WAKE_UP, message -> relay.wakeUp());
    relay.start();
    checkHealth(pool);
    healthTimer = vertx.setPeriodic(kafka.healthCheckInterval().toMillis(), id -> checkHealth(pool));
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(healthTimer);
    relay.stop();
    NodeStatus.forget(vertx, COMPONENT);
    return Future.join(producer.close(), admin.close());
  }

  private void checkHealth(Pool pool) {
    Outbox.pending(pool).onSuccess(outboxPending::set);
    admin.describeCluster().onComplete(ar -> {
      if (ar.succeeded()) {
        NodeStatus.report(vertx, COMPONENT, SYSTEM, NodeStatus.State.UP, ar.result().getNodes().size() + " broker(s), cluster "
            + ar.result().getClusterId());
      } else {
        NodeStatus.report(vertx, COMPONENT, SYSTEM, NodeStatus.State.DOWN, "Kafka unreachable: " + ar.cause().getMessage()
            + "; events wait in the outbox");
      }
    });
  }

  static Map<String, String> producerConfig(KafkaConfig kafka, String nodeName) {
    Map<String, String> config = new HashMap<>();
    config.put("bootstrap.servers", kafka.bootstrapServers());
    config.put("client.id", "mraos-" + nodeName);
    config.put("key.serializer", "org.apache.kafka.common.serialization.StringSerializer");
    config.put("value.serializer", "org.apache.kafka.common.serialization.StringSerializer");
    config.put("acks", "all");
    config.put("enable.idempotence", "true");
    long lingerMs = kafka.linger().toMillis();
    long deliveryTimeoutMs = kafka.deliveryTimeout().toMillis();
    config.put("linger.ms", String.valueOf(lingerMs));
    config.put("delivery.timeout.ms", String.valueOf(deliveryTimeoutMs));
    config.put("request.timeout.ms", String.valueOf(Math.min(REQUEST_TIMEOUT_MAX_MS, deliveryTimeoutMs - lingerMs)));
    config.put("max.block.ms", String.valueOf(deliveryTimeoutMs));
    return config;
  }
}
