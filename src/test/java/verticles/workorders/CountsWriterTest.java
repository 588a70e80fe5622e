package verticles.workorders;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import mraos.db.BatchedStatements;
import mraos.db.Database;
import mraos.metrics.Meters;
import mraos.workorders.CountOutcome;
import mraos.workorders.OrderProgress;
import mraos.workorders.ProducedCounts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import testsupport.KafkaTopic;
import testsupport.Plant;
import testsupport.TestNode;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The node's count writer: lines' batches of counts that wait while a statement runs share the next one, each line
 * keeping its own outcome, logs and events (its line on each); batches touching the same work order never share one; a shared statement
 * PostgreSQL refuses is tried again batch by batch.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class CountsWriterTest {

  static TestNode node;
  static Vertx vertx;
  static Pool pool;

  @BeforeAll
  static void start() {
    node = TestNode.start();
    vertx = Vertx.vertx();
    pool = Database.batchPool(vertx, node.config().database());
  }

  @AfterAll
  static void stop() {
    pool.close().await();
    vertx.close().await();
    node.close();
  }

  /** A work order of its own for this test, in progress on the machine, far from its quantity. */
  static String order(String machine) {
    String id = Plant.unique("WO-CW");
    node.db.exec("INSERT INTO work_orders (work_order_id, erp_work_order_id, product_id, quantity_ordered, status, due_date,"
        + " erp_event_at, machine_id) VALUES (?, ?, 'P-1', 1000, 'in_progress', now() + interval '1 day', now(), ?)", id, id,
        machine);
    return id;
  }

  static ProducedCounts batch(String line, String machine, String order, int units, String quality) {
    Instant now = Instant.now();
    return new ProducedCounts(line, now, List.of(new ProducedCounts.Unit(line + "|" + machine + "|" + now + "|" + units, order,
        machine, units, units, quality, BigDecimal.ONE, now)), List.of(new ProducedCounts.EventDue(order, true, null)), List.of());
  }

  record Run(List<Future<CountOutcome>> outcomes, DistributionSummary batchesPerStatement) {
  }

  /** The batches handed to a fresh writer (one statement at a time) one after the other, on one event loop. */
  static Run write(List<ProducedCounts> batches) throws Exception {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    CountsWriter writer = new CountsWriter(pool, "work-orders", 1, meters);
    Context context = vertx.getOrCreateContext();
    CompletableFuture<List<Future<CountOutcome>>> handed = new CompletableFuture<>();
    context.runOnContext(v -> {
      List<Future<CountOutcome>> outcomes = new ArrayList<>();
      for (ProducedCounts counts : batches) {
        outcomes.add(writer.write(counts));
      }
      handed.complete(outcomes);
    });
    List<Future<CountOutcome>> outcomes = handed.get(10, TimeUnit.SECONDS);
    Future.join(outcomes).toCompletionStage().toCompletableFuture().exceptionally(e -> null).get(30, TimeUnit.SECONDS);
    return new Run(outcomes, meters.get(Meters.MES_COUNT_STATEMENT_BATCHES).summary());
  }

  static int produced(String order) {
    return ((BigDecimal) node.db.value("SELECT quantity_produced FROM work_orders WHERE work_order_id = ?", order)).intValue();
  }

  @Test
  void linesBatchesWaitingTogetherShareAStatementEachWithItsOwnOutcome() throws Exception {
    String a = order("M-101");
    String b = order("M-201");
    String c = order("M-301");
    Run run = write(List.of(batch("line1", "M-101", a, 2, "pass"), batch("line2", "M-201", b, 3, "pass"),
        batch("line3", "M-301", c, 4, "pass")));

    // the first goes at once; the two that came while it ran share the next statement
    assertThat(run.batchesPerStatement().count()).as("statements").isEqualTo(2);
    assertThat(run.batchesPerStatement().totalAmount()).as("batches").isEqualTo(3);
    assertThat(run.outcomes()).allMatch(Future::succeeded);
    assertThat(List.of(produced(a), produced(b), produced(c))).containsExactly(2, 3, 4);
    // each line's outcome holds its own order only, and its line is what was written for it
    String[] lines = {"line1", "line2", "line3"};
    String[] orders = {a, b, c};
    for (int i = 0; i < 3; i++) {
      List<OrderProgress> moved = run.outcomes().get(i).result().moved();
      assertThat(moved).extracting(OrderProgress::workOrderId).containsExactly(orders[i]);
      assertThat(moved.get(0).quantityProduced().intValue()).isEqualTo(i + 2);
      assertThat(moved.get(0).published()).as("its first event goes at once").isTrue();
      assertThat(node.db.value("SELECT line_id FROM production_logs WHERE work_order_id = ?", orders[i])).isEqualTo(lines[i]);
      assertThat(node.db.value("SELECT line_id FROM work_orders WHERE work_order_id = ?", orders[i])).isEqualTo(lines[i]);
    }
    // and each order's progress event says which line moved it
    try (KafkaTopic workOrders = new KafkaTopic(node.config().kafka().bootstrapServers(), "work-orders")) {
      for (int i = 0; i < 3; i++) {
        String order = orders[i];
        String line = lines[i];
        workOrders.await(e -> "work_order.progress".equals(e.getJsonObject("payload").getString("event_type"))
            && order.equals(e.getJsonObject("payload").getJsonObject("work_order").getString("mraos_work_order_id"))
            && line.equals(e.getJsonObject("payload").getJsonObject("work_order").getString("line_id")), Duration.ofSeconds(20));
      }
    }
  }

  @Test
  void batchesOfTheSameWorkOrderNeverShareAStatement() throws Exception {
    String shared = order("M-101");
    String other = order("M-302");
    String third = order("M-301");
    // the writer does not know lines' machines: two lines' batches for one order (on one machine) is what it guards against
    Run run = write(List.of(batch("line3", "M-301", third, 1, "pass"), batch("line1", "M-101", shared, 2, "pass"),
        batch("line2", "M-101", shared, 5, "pass"), batch("line3", "M-302", other, 7, "pass")));

    // [third], then [line1's shared, other] (line2's batch of the same order waits), then [line2's shared]
    assertThat(run.batchesPerStatement().count()).as("statements").isEqualTo(3);
    assertThat(run.outcomes()).allMatch(Future::succeeded);
    assertThat(produced(shared)).isEqualTo(7);
    assertThat(produced(other)).isEqualTo(7);
    assertThat(run.outcomes().get(1).result().moved()).singleElement()
        .satisfies(p -> assertThat(p.workOrderId()).isEqualTo(shared));
    assertThat(run.outcomes().get(2).result().moved()).singleElement()
        .satisfies(p -> assertThat(p.workOrderId()).isEqualTo(shared));
  }

  @Test
  void aSharedStatementPostgresRefusesIsTriedAgainBatchByBatch() throws Exception {
    String first = order("M-101");
    String good = order("M-201");
    String bad = order("M-301");
    Run run = write(List.of(batch("line1", "M-101", first, 1, "pass"), batch("line2", "M-201", good, 3, "pass"),
        // quality_status is VARCHAR(16): PostgreSQL refuses the value, and with it the statement it is in
        batch("line3", "M-301", bad, 4, "far-too-long-a-quality-status")));

    assertThat(run.outcomes().get(0).succeeded()).isTrue();
    assertThat(run.outcomes().get(1).succeeded()).as("the other line's batch, tried again alone").isTrue();
    assertThat(run.outcomes().get(2).failed()).isTrue();
    assertThat(BatchedStatements.isDataError(run.outcomes().get(2).cause())).as(run.outcomes().get(2).cause().toString()).isTrue();
    assertThat(produced(good)).isEqualTo(3);
    assertThat(produced(bad)).isZero();
    assertThat(node.db.count("SELECT count(*) FROM production_logs WHERE work_order_id = ?", bad)).isZero();
  }
}
