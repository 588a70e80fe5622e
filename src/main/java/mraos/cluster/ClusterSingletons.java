package mraos.cluster;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Tuple;
import mraos.Readiness;
import mraos.config.MraosConfig;
import mraos.db.Database;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Runs verticles that must exist once in the whole cluster (each system's outbound path, the scheduler). Every node
 * deploys this verticle; the node whose dedicated PostgreSQL connection holds a singleton's advisory lock deploys that
 * singleton. When the node dies its connection closes, PostgreSQL releases the lock, and another node takes the
 * singleton within {@code cluster.singleton-check-interval}. A node that stops cleanly releases its singletons.
 *
 * <p>Deployment config: {@code {"mraos": <node config>, "singletons": [{"name": ..., "verticle": <class name>,
 * "config": {...}}]}}.
 */
public final class ClusterSingletons extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterSingletons.class);

  static final String TRY_LOCK = "SELECT pg_try_advisory_lock($1) AS held";
  public static final String COMPONENT = "singletons";

  private record Singleton(String name, String verticle, JsonObject config) {
  }

  private MraosConfig mraos;
  private final Map<String, Singleton> wanted = new HashMap<>();
  /** singleton name → deployment id, for those this node runs. */
  private final Map<String, String> running = new HashMap<>();
  private PgConnection connection;
  private boolean connecting;
  private long timer;

  @Override
  public Future<?> start() {
    mraos = MraosConfig.from(config().getJsonObject("mraos"));
    JsonArray list = config().getJsonArray("singletons", new JsonArray());
    for (int i = 0; i < list.size(); i++) {
      JsonObject s = list.getJsonObject(i);
      wanted.put(s.getString("name"), new Singleton(s.getString("name"), s.getString("verticle"), s.getJsonObject("config")));
    }
    timer = vertx.setPeriodic(0, mraos.cluster().singletonCheckInterval().toMillis(), id -> {
      claim();
      report();
    });
    return Future.succeededFuture();
  }

  /** Which singletons run on this node, shown on /health/ready (information: running none is normal). */
  private void report() {
    List<String> here = running.entrySet().stream().filter(e -> !e.getValue().equals("deploying")).map(Map.Entry::getKey)
        .sorted().toList();
    Readiness.report(vertx, COMPONENT, true, here.isEmpty() ? "none on this node" : String.join(", ", here));
  }

  /** The singletons were deployed from here, so Vert.x has already undeployed them; closing frees their locks. */
  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    running.clear();
    Readiness.forget(vertx, COMPONENT);
    return connection == null ? Future.succeededFuture() : connection.close();
  }

  /** Takes every wanted singleton whose lock is free; the lock stays with this connection until it closes. */
  private void claim() {
    if (connection == null) {
      connect();
      return;
    }
    // a singleton that stopped by itself is started again (this connection still holds its lock)
    running.entrySet().removeIf(e -> !e.getValue().equals("deploying") && !vertx.deploymentIDs().contains(e.getValue()));
    for (Singleton singleton : wanted.values()) {
      if (running.containsKey(singleton.name())) {
        continue;
      }
      connection.preparedQuery(TRY_LOCK).execute(Tuple.of(lockKey(singleton.name()))).onSuccess(rows -> {
        if (rows.iterator().next().getBoolean("held") && !running.containsKey(singleton.name())) {
          deploy(singleton);
        }
      });
    }
  }

  private void deploy(Singleton singleton) {
    running.put(singleton.name(), "deploying");
    vertx.deployVerticle("java:" + singleton.verticle(), new DeploymentOptions().setConfig(singleton.config()))
        .onSuccess(id -> {
          running.put(singleton.name(), id);
          LOG.info("This node now runs {} (once in the cluster)", singleton.name());
        })
        .onFailure(err -> {
          running.remove(singleton.name());
          LOG.error("Could not deploy singleton {}: {}", singleton.name(), err.getMessage(), err);
          // give the lock back so another node can try
          connection.preparedQuery("SELECT pg_advisory_unlock($1)").execute(Tuple.of(lockKey(singleton.name())));
        });
  }

  private void connect() {
    if (connecting) {
      return;
    }
    connecting = true;
    PgConnection.connect(vertx, Database.connectOptions(mraos.database()))
        .onComplete(ar -> {
          connecting = false;
          if (ar.failed()) {
            LOG.warn("Singletons: cannot reach PostgreSQL ({}); retrying", ar.cause().getMessage());
            return;
          }
          connection = ar.result();
          connection.closeHandler(v -> lostConnection());
          claim();
        });
  }

  /** Without the connection the locks are gone: another node may already run the singletons. Stop ours at once. */
  private void lostConnection() {
    connection = null;
    if (!running.isEmpty()) {
      LOG.warn("Singletons: lost the PostgreSQL connection holding {}; stopping them here", running.keySet());
    }
    running.values().stream().filter(id -> !id.equals("deploying")).forEach(vertx::undeploy);
    running.clear();
  }

  /** The advisory lock's name (its 64-bit key is derived from it). */
  public static String lockName(String singleton) {
    return "mraos.singleton." + singleton;
  }

  static long lockKey(String singleton) {
    return UUID.nameUUIDFromBytes(lockName(singleton).getBytes(StandardCharsets.UTF_8)).getMostSignificantBits();
  }
}
