package verticles.workorders;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.DatabaseException;
import io.vertx.sqlclient.Pool;
import mraos.config.IntakeConfig;
import mraos.db.Database;
import mraos.http.Json;
import mraos.metrics.Meters;
import mraos.time.Timestamps;
import mraos.workorders.BomLine;
import mraos.workorders.OrderChange;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import testsupport.Api.Response;
import testsupport.KafkaTopic;
import testsupport.Plant;
import testsupport.TestNode;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * New ERP work orders stored in batches: orders that arrive while a statement runs share the next one, and each keeps
 * its own outcome (stored with its BOM and event, duplicate, unknown material, refused by the database).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class IntakeBatchesTest {

  static TestNode node;
  static Vertx vertx;
  static Pool pool;
  static String material;

  @BeforeAll
  static void start() {
    node = TestNode.start();
    vertx = Vertx.vertx();
    pool = Database.pool(vertx, node.config().database());
    material = Plant.unique("MAT");
    Response stored = node.api.postJson("/api/v1/integrations/erp/materials", node.token("erp-connector"),
        Plant.materials(Plant.material(material, "P-1", "Panel")));
    assertThat(stored.status()).as(stored.toString()).isEqualTo(200);
  }

  @AfterAll
  static void stop() {
    pool.close().await();
    vertx.close().await();
    node.close();
  }

  /** The orders handed to a fresh IntakeBatches in one go on one event loop, and each one's outcome. */
  record Run(List<Future<IntakeBatches.Stored>> outcomes, DistributionSummary ordersPerStatement) {
    IntakeBatches.Stored stored(int i) {
      return outcomes.get(i).result();
    }
  }

  static Run store(IntakeConfig config, List<IntakeBatches.NewOrder> orders) throws Exception {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    Context context = vertx.getOrCreateContext();
    CompletableFuture<List<Future<IntakeBatches.Stored>>> done = new CompletableFuture<>();
    context.runOnContext(v -> {
      IntakeBatches batches = new IntakeBatches("work-orders", config, meters);
      List<Future<IntakeBatches.Stored>> outcomes = new ArrayList<>();
      for (IntakeBatches.NewOrder order : orders) {
        outcomes.add(batches.store(pool, order));
      }
      Future.join(outcomes).onComplete(ar -> done.complete(outcomes));
    });
    List<Future<IntakeBatches.Stored>> outcomes = done.get(60, TimeUnit.SECONDS);
    return new Run(outcomes, meters.get(Meters.INTAKE_BATCH_ORDERS).summary());
  }

  static IntakeBatches.NewOrder order(String erpId, String materialId) {
    return order(erpId, materialId, o -> o);
  }

  static IntakeBatches.NewOrder order(String erpId, String materialId, Function<JsonObject, JsonObject> change) {
    JsonObject event = Plant.workOrderEvent("work_order.created", erpId, Plant.bomLine(materialId, "P-1", "Panel", 10));
    JsonObject wo = change.apply(event.getJsonObject("work_order"));
    OrderChange.Order parsed = new OrderChange.Order(erpId, wo.getString("work_order_number"), wo.getString("product_id"),
        wo.getString("product_name"), wo.getString("product_variant"), Json.decimal(wo.getValue("quantity_ordered")), "EA",
        "normal", Timestamps.parse(wo.getString("due_date")), null, wo.getString("production_line_preference"), null,
        List.of(new BomLine(1, materialId, "P-1", "Panel", BigDecimal.TEN, "EA")));
    String envelope = new JsonObject().put("payload", new JsonObject().put("work_order",
        new JsonObject().put("erp_work_order_id", erpId))).encode();
    return new IntakeBatches.NewOrder(parsed, parsed.billOfMaterials(), Instant.now(), Instant.now(), envelope, null);
  }

  @Test
  void ordersArrivingWhileAStatementRunsShareTheNextOneAndEachIsStoredWithItsBomAndEvent() throws Exception {
    List<IntakeBatches.NewOrder> orders = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      orders.add(order(Plant.unique("ERP-B"), material));
    }

    Run run = store(new IntakeConfig(64, 1), orders);

    // the first went out at once and alone; the other 29 arrived while it ran and went together
    assertThat(run.ordersPerStatement().count()).isEqualTo(2);
    assertThat(run.ordersPerStatement().totalAmount()).isEqualTo(30);
    assertThat(run.ordersPerStatement().max()).isEqualTo(29);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < orders.size(); i++) {
      String id = run.stored(i).workOrderId();
      assertThat(id).as("order %d", i).startsWith("WO-");
      ids.add(id);
      String erpId = orders.get(i).order().erpWorkOrderId();
      assertThat(node.db.value("SELECT erp_work_order_id FROM work_orders WHERE work_order_id = ?", id)).isEqualTo(erpId);
      assertThat(node.db.count("SELECT count(*) FROM work_order_bom WHERE work_order_id = ? AND material_id = ?", id, material))
          .isEqualTo(1);
      assertThat(run.stored(i).materials()).containsKey(material);
    }
    assertThat(ids).doesNotHaveDuplicates();
    // each event (relayed by the node to Kafka) names its own order: the new id set into the envelope its ERP id came in
    try (KafkaTopic workOrders = new KafkaTopic(node.config().kafka().bootstrapServers(), "work-orders")) {
      for (int i = 0; i < orders.size(); i++) {
        String id = ids.get(i);
        ConsumerRecord<String, String> event = workOrders.await(e -> id.equals(
            e.getJsonObject("payload").getJsonObject("work_order").getString("mraos_work_order_id")), Duration.ofSeconds(20));
        assertThat(event.key()).isEqualTo(id);
        assertThat(new JsonObject(event.value()).getJsonObject("payload").getJsonObject("work_order").getString("erp_work_order_id"))
            .as("event of order %d", i).isEqualTo(orders.get(i).order().erpWorkOrderId());
      }
    }
  }

  @Test
  void aBatchMixingGoodDuplicateAndUnknownMaterialOrdersGivesEachItsOwnOutcome() throws Exception {
    String existing = Plant.unique("ERP-EXISTING");
    assertThat(store(new IntakeConfig(64, 1), List.of(order(existing, material))).stored(0).workOrderId()).isNotNull();
    String repeated = Plant.unique("ERP-TWICE");
    String unknownMaterial = Plant.unique("NO-SUCH-MAT");
    List<IntakeBatches.NewOrder> orders = List.of(
        order(Plant.unique("ERP-FIRST"), material), // goes alone
        order(Plant.unique("ERP-GOOD"), material),
        order(existing, material),
        order(Plant.unique("ERP-UNKNOWN"), unknownMaterial),
        order(repeated, material),
        order(repeated, material), // same ERP id in the same batch: waits for the next one, then is a duplicate
        order(Plant.unique("ERP-LAST"), material));

    Run run = store(new IntakeConfig(64, 1), orders);

    assertThat(run.ordersPerStatement().count()).isEqualTo(3);
    assertThat(run.stored(0).workOrderId()).isNotNull();
    assertThat(run.stored(1).workOrderId()).isNotNull();
    assertThat(run.stored(2).workOrderId()).as("existing ERP id").isNull();
    assertThat(run.stored(3).workOrderId()).as("unknown material").isNull();
    assertThat(run.stored(3).materials()).doesNotContainKey(unknownMaterial);
    assertThat(run.stored(4).workOrderId()).isNotNull();
    assertThat(run.stored(5).workOrderId()).as("second of the same ERP id").isNull();
    assertThat(run.stored(6).workOrderId()).isNotNull();
    assertThat(node.db.count("SELECT count(*) FROM work_orders WHERE erp_work_order_id = ?", existing)).isEqualTo(1);
    assertThat(node.db.count("SELECT count(*) FROM work_orders WHERE erp_work_order_id = ?", repeated)).isEqualTo(1);
    assertThat(node.db.count("SELECT count(*) FROM work_orders WHERE erp_work_order_id = ?",
        orders.get(3).order().erpWorkOrderId())).as("nothing written for the unknown material").isZero();
  }

  @Test
  void anOrderTheDatabaseRefusesFailsAloneAndTheOthersOfItsBatchAreStored() throws Exception {
    // past quantity_ordered's numeric(14,3) (numeric field overflow): the webhook's schema would stop it before; here it
    // stands for any value the database refuses
    List<IntakeBatches.NewOrder> orders = List.of(
        order(Plant.unique("ERP-FIRST"), material),
        order(Plant.unique("ERP-OK"), material),
        order(Plant.unique("ERP-HUGE"), material, o -> o.put("quantity_ordered", new BigDecimal("1e15"))),
        order(Plant.unique("ERP-OK"), material));

    Run run = store(new IntakeConfig(64, 1), orders);

    assertThat(run.outcomes().get(0).succeeded()).isTrue();
    assertThat(run.stored(1).workOrderId()).isNotNull();
    assertThat(run.outcomes().get(2).failed()).isTrue();
    assertThat(run.outcomes().get(2).cause()).isInstanceOf(DatabaseException.class);
    assertThat(run.stored(3).workOrderId()).isNotNull();
    // the first alone, the batch of three (refused), then each of the three alone
    assertThat(run.ordersPerStatement().count()).isEqualTo(5);
    assertThat(node.db.count("SELECT count(*) FROM work_orders WHERE erp_work_order_id = ?",
        orders.get(2).order().erpWorkOrderId())).isZero();
  }

  @Test
  void withStatementsToSpareEachOrderGoesOutAtOnceAlone() throws Exception {
    List<IntakeBatches.NewOrder> orders = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      orders.add(order(Plant.unique("ERP-ALONE"), material));
    }

    Run run = store(new IntakeConfig(64, 8), orders);

    assertThat(run.ordersPerStatement().count()).isEqualTo(5);
    assertThat(run.ordersPerStatement().max()).isEqualTo(1);
    for (int i = 0; i < orders.size(); i++) {
      assertThat(run.stored(i).workOrderId()).isNotNull();
    }
  }

  @Test
  void ordersFromSeveralEventLoopsShareTheNodesStatementsAndEachIsAnsweredOnItsOwnContext() throws Exception {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    IntakeBatches writer = IntakeBatches.of(vertx, "work-orders", new IntakeConfig(64, 1), meters);
    assertThat(IntakeBatches.of(vertx, "work-orders", new IntakeConfig(64, 1), new SimpleMeterRegistry()))
        .as("one writer per node").isSameAs(writer);
    // two contexts on two event loops (the test thread's own context would be the same one each time)
    ContextInternal first = ((VertxInternal) vertx).createEventLoopContext();
    ContextInternal other = ((VertxInternal) vertx).createEventLoopContext();
    for (int tries = 0; other.nettyEventLoop() == first.nettyEventLoop() && tries < 16; tries++) {
      other = ((VertxInternal) vertx).createEventLoopContext();
    }
    assertThat(other.nettyEventLoop()).isNotSameAs(first.nettyEventLoop());
    Context second = other;
    List<IntakeBatches.NewOrder> firsts = new ArrayList<>();
    List<IntakeBatches.NewOrder> seconds = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      firsts.add(order(Plant.unique("ERP-LOOP1"), material));
      seconds.add(order(Plant.unique("ERP-LOOP2"), material));
    }
    CountDownLatch secondQueued = new CountDownLatch(1);
    List<Future<IntakeBatches.Stored>> outcomes = new ArrayList<>();
    List<CompletableFuture<Context>> answeredOn = new ArrayList<>();
    CompletableFuture<Void> firstQueued = new CompletableFuture<>();
    first.runOnContext(v -> {
      for (IntakeBatches.NewOrder order : firsts) { // the first goes out at once, the others wait for it
        track(writer.store(pool, order), outcomes, answeredOn);
      }
      firstQueued.complete(null);
      // the first statement answers on this event loop: held here until the other loop's orders are queued too
      await(secondQueued);
    });
    firstQueued.get(30, TimeUnit.SECONDS);
    second.runOnContext(v -> {
      for (IntakeBatches.NewOrder order : seconds) {
        track(writer.store(pool, order), outcomes, answeredOn);
      }
      secondQueued.countDown();
    });
    for (int i = 0; i < 10; i++) {
      Context context = answeredOn.get(i).get(60, TimeUnit.SECONDS);
      assertThat(context).as("order %d answered on its caller's context", i).isSameAs(i < 5 ? first : second);
      assertThat(outcomes.get(i).result().workOrderId()).as("order %d", i).startsWith("WO-");
    }
    // the first alone; the other nine, from both event loops, in one statement
    DistributionSummary ordersPerStatement = meters.get(Meters.INTAKE_BATCH_ORDERS).summary();
    assertThat(ordersPerStatement.count()).isEqualTo(2);
    assertThat(ordersPerStatement.max()).isEqualTo(9);
  }

  private static synchronized void track(Future<IntakeBatches.Stored> outcome, List<Future<IntakeBatches.Stored>> outcomes,
                                         List<CompletableFuture<Context>> answeredOn) {
    CompletableFuture<Context> on = new CompletableFuture<>();
    outcome.onComplete(ar -> on.complete(Vertx.currentContext()));
    outcomes.add(outcome);
    answeredOn.add(on);
  }

  private static void await(CountDownLatch latch) {
    try {
      assertThat(latch.await(30, TimeUnit.SECONDS)).isTrue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
