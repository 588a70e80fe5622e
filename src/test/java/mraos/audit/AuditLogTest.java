package mraos.audit;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import mraos.db.Database;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import testsupport.Plant;
import testsupport.TestNode;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The audit trail's batched writer: a flush (as a verticle stopping does) leaves no row behind. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class AuditLogTest {

  static TestNode node;
  static Vertx vertx;

  @BeforeAll
  static void start() {
    node = TestNode.start();
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
    node.close();
  }

  static AuditEntry entry(String correlationId) {
    return new AuditEntry(Instant.now(), "audit_test", AuditEntry.Direction.INBOUND, "TEST",
        new JsonObject().put("n", 1), new JsonObject().put("ok", true), 200, 1, true, null, "tester", correlationId,
        "POST", "/test");
  }

  @Test
  void aFlushWhileABatchIsBeingWrittenWaitsForItAndWritesWhatCameMeanwhile() throws Exception {
    String first = Plant.unique("AUDIT-FIRST");
    String second = Plant.unique("AUDIT-SECOND");
    Context context = vertx.getOrCreateContext();
    Pool own = Database.pool(vertx, node.config().database()); // closed the moment the flush is done, as a node does
    CompletableFuture<Void> flushed = new CompletableFuture<>();
    context.runOnContext(v -> {
      AuditLog audit = new AuditLog(vertx, own, node.config().audit(), "audit-test");
      audit.record(entry(first));
      audit.flush(); // the first row's write is now under way
      audit.record(entry(second));
      Future<Void> all = audit.flush(); // as a verticle's stop() does
      all.eventually(() -> own.close()).onComplete(ar -> {
        if (ar.failed()) {
          flushed.completeExceptionally(ar.cause());
        } else {
          flushed.complete(null);
        }
      });
    });
    flushed.get(30, TimeUnit.SECONDS);

    // both are stored by the time the flush says so: the pool closed right after lost neither
    assertThat(node.db.count("SELECT count(*) FROM integration_audit_log WHERE correlation_id IN (?, ?)", first, second))
        .isEqualTo(2);
  }
}
