package mraos.cluster;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import mraos.config.MraosConfig;
import mraos.db.Database;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * A node's PostgreSQL session that holds its singletons' advisory locks, with the bookkeeping that lets the next holder
 * know how long to wait ({@code singleton_holders}: who held each lock and when it last proved it). PostgreSQL ends the
 * session once it has been silent for twice the lease (the node's checks keep it busy every check interval), and probes
 * the peer with TCP keepalives: the locks of a node whose network silently died are freed, but only after that node's
 * own lease ran out. Used on its owner's event loop only.
 */
final class LockSession {

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
  static final String JOIN = "SELECT pg_advisory_lock_shared($1)";
  /**
   * The check: renews this holder's singletons, counts the live nodes (holders of the shared member lock) and lists the
   * singleton locks held by anyone (a bigint advisory key is split into classid and objid in pg_locks), so that a node
   * reaches for free ones instead of trying busy ones.
   */
  static final String CHECK = """
      WITH renewed AS (
        UPDATE singleton_holders SET renewed_at = clock_timestamp() WHERE holder_id = $3
      )
      SELECT count(*) FILTER (WHERE mode = 'ShareLock' AND classid::bigint = $1 AND objid::bigint = $2) AS live,
             COALESCE(array_agg((classid::bigint << 32) | objid::bigint) FILTER (WHERE mode = 'ExclusiveLock'),
                      '{}'::bigint[]) AS busy
        FROM pg_locks
       WHERE locktype = 'advisory' AND objsubid = 1 AND granted""";
  /**
   * Records this holder as the singleton's (its lock just taken) and answers how long the previous holder, if it did
   * not let go cleanly, may still believe it holds it: its last proof plus a lease and a check interval ($4, ms).
   */
  static final String HOLD = """
      WITH previous AS (
        SELECT holder_id, renewed_at FROM singleton_holders WHERE singleton = $1
      ), held AS (
        INSERT INTO singleton_holders (singleton, holder_id, node_name, renewed_at)
        VALUES ($1, $2, $3, clock_timestamp())
        ON CONFLICT (singleton) DO UPDATE
           SET holder_id = excluded.holder_id, node_name = excluded.node_name, renewed_at = excluded.renewed_at
      )
      SELECT COALESCE((SELECT GREATEST(0, ceil(extract(epoch FROM renewed_at - clock_timestamp()) * 1000) + $4)::bigint
                         FROM previous WHERE holder_id <> $2), 0) AS wait_ms""";
  static final String LET_GO = "DELETE FROM singleton_holders WHERE singleton = $1 AND holder_id = $2";
  static final String LET_ALL_GO = "DELETE FROM singleton_holders WHERE holder_id = $1";
  static final String MEMBER = "member";

  private final PgConnection connection;
  private final UUID holder = UUID.randomUUID();
  private final String node;
  private final Duration takeover;

  private LockSession(PgConnection connection, String node, Duration takeover) {
    this.connection = connection;
    this.node = node;
    this.takeover = takeover;
  }

  /** Connects and joins the cluster's live nodes (the shared member lock). */
  static Future<LockSession> open(Vertx vertx, MraosConfig config) {
    Duration lease = config.cluster().singletonLease();
    long silence = lease.multipliedBy(2).toMillis();
    PgConnectOptions options = new PgConnectOptions(Database.connectOptions(config.database()))
        .addProperty("application_name", SharedDatabase.LOCK_CONNECTION_PREFIX + config.node().name())
        .addProperty("idle_session_timeout", String.valueOf(silence))
        .addProperty("tcp_keepalives_idle", String.valueOf(Math.max(1, lease.toSeconds())))
        .addProperty("tcp_keepalives_interval", "1")
        .addProperty("tcp_keepalives_count", String.valueOf(Math.max(1, lease.toSeconds())))
        .addProperty("tcp_user_timeout", String.valueOf(silence));
    Duration takeover = lease.plus(config.cluster().singletonCheckInterval());
    return PgConnection.connect(vertx, options).compose(connection -> connection.preparedQuery(JOIN)
        .execute(Tuple.of(lockKey(MEMBER)))
        .map(v -> new LockSession(connection, config.node().name(), takeover))
        .onFailure(err -> connection.close()));
  }

  void onClose(Runnable handler) {
    connection.closeHandler(v -> handler.run());
  }

  /** What a check found: the live nodes, and the keys of the singleton locks held (by this node or another). */
  record Found(long live, Set<Long> busy) {
    /** Whether some session (this one included) holds the singleton's lock. */
    boolean busy(String singleton) {
      return busy.contains(lockKey(singleton));
    }
  }

  /** Renews this node's hold and answers how many nodes are live and which singleton locks are held. */
  Future<Found> check() {
    long member = lockKey(MEMBER);
    return connection.preparedQuery(CHECK).execute(Tuple.of(member >>> 32, member & 0xFFFFFFFFL, holder)).map(rows -> {
      Row row = rows.iterator().next();
      Set<Long> busy = new HashSet<>(List.of(row.getArrayOfLongs("busy")));
      return new Found(Math.max(1, row.getLong("live")), busy);
    });
  }

  /** Empty if another node holds the lock; else how long to wait before starting the singleton. */
  Future<Optional<Duration>> take(String singleton) {
    return connection.preparedQuery(TRY_LOCK).execute(Tuple.of(lockKey(singleton))).compose(rows -> {
      if (!rows.iterator().next().getBoolean("held")) {
        return Future.succeededFuture(Optional.empty());
      }
      return connection.preparedQuery(HOLD).execute(Tuple.of(singleton, holder, node, takeover.toMillis()))
          .map(held -> Optional.of(Duration.ofMillis(held.iterator().next().getLong("wait_ms"))));
    });
  }

  /** Lets the lock go cleanly (the singleton has stopped): its next holder need not wait. */
  Future<Void> release(String singleton) {
    return connection.preparedQuery(LET_GO).execute(Tuple.of(singleton, holder)).compose(v -> unlock(lockKey(singleton)));
  }

  /** Advisory locks count re-entries: release until this session holds it no more. */
  private Future<Void> unlock(long key) {
    return connection.preparedQuery(UNLOCK).execute(Tuple.of(key))
        .compose(rows -> rows.iterator().next().getBoolean("released") ? unlock(key) : Future.succeededFuture());
  }

  /** A clean stop (every singleton here has stopped): lets all go, then closes, which frees the locks. */
  Future<Void> closeCleanly() {
    return connection.preparedQuery(LET_ALL_GO).execute(Tuple.of(holder)).<Void>mapEmpty()
        .eventually(connection::close);
  }

  /** Drops the session without a word (the locks are freed when PostgreSQL notices). */
  void abandon() {
    connection.close();
  }

  /** The advisory lock's name (its 64-bit key is derived from it). */
  static String lockName(String singleton) {
    return "mraos.singleton." + singleton;
  }

  static long lockKey(String singleton) {
    return UUID.nameUUIDFromBytes(lockName(singleton).getBytes(StandardCharsets.UTF_8)).getMostSignificantBits();
  }
}
