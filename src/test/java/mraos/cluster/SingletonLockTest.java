package mraos.cluster;

import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnection;
import io.vertx.pgclient.PgNotice;
import io.vertx.sqlclient.Tuple;
import mraos.db.Database;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import testsupport.TestServices;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A singleton's lock, taken more than once by its node's session (advisory locks count re-entries), is released hold by
 * hold until the session holds it no more, and that last question draws no warning from PostgreSQL (the pg client logs
 * every notice: before, each hand-over logged "you don't own a lock of type ExclusiveLock").
 */
class SingletonLockTest {

  static Vertx vertx;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  @Test
  void releasesEveryHoldQuietly() {
    // keys are the high half of a UUID, negative ones too: their halves must still match pg_locks' classid and objid
    List<Long> keys = new ArrayList<>(List.of(-1L, Long.MIN_VALUE, Long.MAX_VALUE, 0L, 0x80000000L));
    for (String singleton : List.of("line-line1", "line-line2", "outbound-erp", "scheduler")) {
      keys.add(LockSession.lockKey(singleton));
    }
    for (long key : keys) {
      String name = Long.toHexString(key);
      PgConnection conn = PgConnection.connect(vertx, Database.connectOptions(TestServices.get().nodeConfig().database())).await();
      List<PgNotice> notices = new CopyOnWriteArrayList<>();
      conn.noticeHandler(notices::add);
      try {
        for (int i = 0; i < 2; i++) {
          assertThat(conn.preparedQuery(LockSession.TRY_LOCK).execute(Tuple.of(key)).await().iterator().next()
              .getBoolean("held")).as("taken (%s, key %s)", name, key).isTrue();
        }
        List<Boolean> released = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
          released.add(conn.preparedQuery(LockSession.UNLOCK).execute(Tuple.of(key)).await().iterator().next()
              .getBoolean("released"));
        }
        assertThat(released).as("two holds released, then nothing left (%s, key %s)", name, key).containsExactly(true, true, false);
        assertThat(conn.query("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()")
            .execute().await().iterator().next().getLong(0)).as("advisory locks still held").isZero();
        assertThat(notices).as("PostgreSQL's notices").extracting(PgNotice::getMessage).isEmpty();
      } finally {
        conn.close().await();
      }
    }
  }
}
