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
 * <p>Singletons of a group (the production lines) are spread: a node holds at most its fair share of the group
 * (the group's size over the live nodes, rounded up), and hands extras back when a node joins. Live nodes are the
 * holders of a shared advisory lock each node's connection takes, so PostgreSQL alone knows who is alive.
 *
 * <p>Deployment config: {@code {"mraos": <node config>, "singletons": [{"name": ..., "verticle": <class name>,
 * "group": <optional>, "config": {...}}]}}.
 */
public final class ClusterSingletons extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterSingletons.class);

  static final String TRY_LOCK = "SELECT pg_try_advisory_lock($1) AS held";
  /**
   * Releases one hold of the lock if this session has it, false otherwise. Asked of {@code pg_locks} first (a bigint
   * key shows as its high and low halves in classid and objid, objsubid 1): {@code pg_advisory_unlock} of a lock not
   * held answers false too, but with a warning the pg client logs, once at the end of every release.
   */
  static final String UNLOCK = """
      SELECT CASE WHEN EXISTS (
               SELECT 1 FROM pg_locks
                WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND mode = 'ExclusiveLock' AND granted
                  AND objsubid = 1 AND classid = (($1::bigint >> 32) & 4294967295)::oid
                  AND objid = ($1::bigint & 4294967295)::oid)
             THEN pg_advisory_unlock($1::bigint) ELSE false END AS released""";
  /** In {@code running} instead of a deployment id: being deployed here. */
  private static final String DEPLOYING = "deploying";
  /** In {@code running} instead of a deployment id: being handed over (undeployed, then its lock freed). */
  private static final String HANDING_OVER = "handing-over";

  static final String JOIN = "SELECT pg_advisory_lock_shared($1)";
  /** Holders of the shared member lock (a bigint advisory key is split into classid and objid in pg_locks). */
  static final String LIVE_NODES = """
      SELECT count(*) AS live FROM pg_locks
       WHERE locktype = 'advisory' AND classid::bigint = $1 AND objid::bigint = $2 AND objsubid = 1 AND granted""";
  public static final String COMPONENT = "singletons";
  static final String MEMBER = "member";

  private record Singleton(String name, String verticle, String group, JsonObject config) {
  }

  private MraosConfig mraos;
  private final Map<String, Singleton> wanted = new HashMap<>();
  /** singleton name → deployment id, for those this node runs. */
  private final Map<String, String> running = new HashMap<>();
  private PgConnection connection;
  private boolean connecting;
  private long timer;
  /** When the connection holding the locks dropped (null while it is up). */
  private Long lostAt;

  @Override
  public Future<?> start() {
    mraos = MraosConfig.from(config().getJsonObject("mraos"));
    JsonArray list = config().getJsonArray("singletons", new JsonArray());
    for (int i = 0; i < list.size(); i++) {
      JsonObject s = list.getJsonObject(i);
      wanted.put(s.getString("name"), new Singleton(s.getString("name"), s.getString("verticle"), s.getString("group"),
          s.getJsonObject("config")));
    }
    timer = vertx.setPeriodic(0, mraos.cluster().singletonCheckInterval().toMillis(), id -> {
      claim();
      report();
    });
    return Future.succeededFuture();
  }

  /** Which singletons run on this node, shown on /health/ready (information: running none is normal). */
  private void report() {
    List<String> here = running.entrySet().stream().filter(e -> !transitional(e.getValue())).map(Map.Entry::getKey)
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

  /** Takes every wanted singleton whose lock is free (within the fair share of its group); hands back extras. */
  private void claim() {
    if (connection == null) {
      if (lostAt != null && System.currentTimeMillis() - lostAt > mraos.cluster().singletonGrace().toMillis()) {
        LOG.warn("Singletons: PostgreSQL still unreachable after {}; stopping {} here (another node may run them)",
            mraos.cluster().singletonGrace(), running.keySet());
        stopAll();
        lostAt = null;
      }
      connect();
      return;
    }
    // a singleton that stopped by itself is started again (this connection still holds its lock)
    running.entrySet().removeIf(e -> !transitional(e.getValue()) && !vertx.deploymentIDs().contains(e.getValue()));
    long member = lockKey(MEMBER);
    connection.preparedQuery(LIVE_NODES).execute(Tuple.of(member >>> 32, member & 0xFFFFFFFFL)).onSuccess(rows -> {
      long live = Math.max(1, rows.iterator().next().getLong("live"));
      Map<String, Integer> held = new HashMap<>();
      Map<String, Integer> size = new HashMap<>();
      for (Singleton s : wanted.values()) {
        if (s.group() != null) {
          size.merge(s.group(), 1, Integer::sum);
          // one being handed over is already gone as far as the share goes: counting it would hand over another
          if (running.containsKey(s.name()) && !HANDING_OVER.equals(running.get(s.name()))) {
            held.merge(s.group(), 1, Integer::sum);
          }
        }
      }
      for (Singleton singleton : wanted.values()) {
        boolean mine = running.containsKey(singleton.name());
        if (singleton.group() == null) {
          if (!mine) {
            tryTake(singleton);
          }
          continue;
        }
        int share = (int) Math.ceil(size.get(singleton.group()) / (double) live);
        int holding = held.getOrDefault(singleton.group(), 0);
        if (!mine && holding < share) {
          held.merge(singleton.group(), 1, Integer::sum); // counted now, so one round takes no more than the share
          tryTake(singleton);
        } else if (mine && holding > share && !transitional(running.get(singleton.name()))) {
          held.merge(singleton.group(), -1, Integer::sum);
          handBack(singleton);
        }
      }
    });
  }

  private void tryTake(Singleton singleton) {
    connection.preparedQuery(TRY_LOCK).execute(Tuple.of(lockKey(singleton.name()))).onSuccess(rows -> {
      if (rows.iterator().next().getBoolean("held") && !running.containsKey(singleton.name())) {
        deploy(singleton);
      }
    });
  }

  private static boolean transitional(String state) {
    return DEPLOYING.equals(state) || HANDING_OVER.equals(state);
  }

  /** More than this node's share (a node joined): stop it cleanly, then free its lock for the newcomer. */
  private void handBack(Singleton singleton) {
    String id = running.get(singleton.name());
    running.put(singleton.name(), HANDING_OVER);
    LOG.info("Handing {} over to another node (more than this node's share)", singleton.name());
    vertx.undeploy(id).onComplete(ar -> unlock(singleton.name()).onComplete(v -> running.remove(singleton.name())));
  }

  /** Advisory locks count re-entries: release until this session holds it no more. */
  private Future<Void> unlock(String name) {
    if (connection == null) {
      return Future.succeededFuture();
    }
    return connection.preparedQuery(UNLOCK).execute(Tuple.of(lockKey(name)))
        .compose(rows -> rows.iterator().next().getBoolean("released") ? unlock(name) : Future.succeededFuture());
  }

  private void deploy(Singleton singleton) {
    running.put(singleton.name(), DEPLOYING);
    vertx.deployVerticle("java:" + singleton.verticle(), new DeploymentOptions().setConfig(singleton.config()))
        .onSuccess(id -> {
          running.put(singleton.name(), id);
          LOG.info("This node now runs {} (once in the cluster)", singleton.name());
        })
        .onFailure(err -> {
          running.remove(singleton.name());
          LOG.error("Could not deploy singleton {}: {}", singleton.name(), err.getMessage(), err);
          unlock(singleton.name()); // so another node can try
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
          PgConnection joined = ar.result();
          joined.closeHandler(v -> lostConnection());
          joined.preparedQuery(JOIN).execute(Tuple.of(lockKey(MEMBER))).onComplete(member -> {
            if (member.succeeded()) {
              connection = joined;
              retake().onComplete(v -> claim());
            } else {
              joined.close();
            }
          });
        });
  }

  /**
   * Without the connection the locks are gone. The singletons keep running for the grace period (a database that
   * restarts should not restart the plant's lines) while the node reconnects and takes their locks again.
   */
  private void lostConnection() {
    connection = null;
    lostAt = System.currentTimeMillis();
    if (!running.isEmpty()) {
      LOG.warn("Singletons: lost the PostgreSQL connection holding the locks of {}; they keep running for up to {} while"
          + " this node reconnects", running.keySet(), mraos.cluster().singletonGrace());
    }
  }

  /** After reconnecting: takes the locks of what still runs here again; what another node took meanwhile stops here. */
  private Future<Void> retake() {
    lostAt = null;
    List<Future<?>> checks = new java.util.ArrayList<>();
    for (Map.Entry<String, String> entry : Map.copyOf(running).entrySet()) {
      checks.add(connection.preparedQuery(TRY_LOCK).execute(Tuple.of(lockKey(entry.getKey()))).onSuccess(rows -> {
        if (!rows.iterator().next().getBoolean("held")) {
          LOG.warn("Singletons: {} was taken by another node while the database was away; stopping it here", entry.getKey());
          running.remove(entry.getKey());
          if (!transitional(entry.getValue())) {
            vertx.undeploy(entry.getValue());
          }
        }
      }));
    }
    return Future.join(checks).mapEmpty();
  }

  private void stopAll() {
    running.values().stream().filter(id -> !transitional(id)).forEach(vertx::undeploy);
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
