package verticles.lines;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import mraos.db.Database;
import mraos.failures.DeadLetters;
import mraos.workorders.WorkOrders;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import simulators.MesMqttPublisher;
import testsupport.Api.Response;
import testsupport.KafkaTopic;
import testsupport.Plant;
import testsupport.PlantNode;
import testsupport.TestNode;
import verticles.erp.ErpRoutes;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static simulators.MesMqttPublisher.count;
import static simulators.MesMqttPublisher.countTopic;

/**
 * {@code lines.progress-interval}: a line publishes at most one {@code work_order.progress} event per work order per
 * interval, with the latest figures, and never holds back a status change or the figures that complete an order.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ProgressIntervalTest {

  /** Long enough that "not held" is told apart from "held" with room for a slow machine (relay, Kafka, consumer). */
  static final Duration INTERVAL = Duration.ofSeconds(10);

  @RegisterExtension
  static final PlantNode plant = PlantNode.start().with("lines.progress-interval", INTERVAL.toMillis() + "ms")
      .withMes("mes-progress-test").withMaterial();

  static TestNode node;
  static Vertx vertx;
  static MesMqttPublisher mes;
  static String material;

  @BeforeAll
  static void start() {
    node = plant.node();
    vertx = plant.vertx();
    mes = plant.mes();
    material = plant.material();
  }

  /** A work order a supervisor started on the machine. */
  static String order(int quantity, String machine) {
    JsonObject event = Plant.workOrderEvent("work_order.created", Plant.unique("WO-ERP"), Plant.bomLine(material, "A-1", "Panel", 2 * quantity));
    event.getJsonObject("work_order").put("quantity_ordered", quantity);
    Response created = node.api.postJson(ErpRoutes.WORK_ORDERS, node.token("erp-connector"), event);
    assertThat(created.status()).as(created.toString()).isEqualTo(200);
    String id = created.json().getString("mraos_work_order_id");
    Plant.start(node, id, machine);
    return id;
  }

  /** Counts 1..n one at a time, each waiting for the broker, so that they make many batches. */
  static void countUpTo(String machine, String order, int n) throws InterruptedException {
    Instant start = Instant.now();
    for (int i = 1; i <= n; i++) {
      mes.publish(countTopic("line3", machine), count(machine, order, start.plusMillis(i), 1, i)).await();
      Thread.sleep(15);
    }
  }

  static List<JsonObject> progressEvents(KafkaTopic topic, String order) {
    return topic.all(e -> "work_order.progress".equals(e.getJsonObject("payload").getString("event_type"))
        && order.equals(e.getJsonObject("payload").getJsonObject("work_order").getString("mraos_work_order_id")))
        .stream().map(e -> e.getJsonObject("payload").getJsonObject("work_order")).toList();
  }

  static int produced(JsonObject workOrder) {
    return workOrder.getInteger("quantity_produced");
  }

  @Test
  void manyCountsWithinAnIntervalMakeOneHeldEventWithTheLatestFigures() throws Exception {
    String id = order(1000, "M-301");
    long started = System.nanoTime();
    countUpTo("M-301", id, 20);
    await().atMost(Duration.ofSeconds(10)).until(() -> ((BigDecimal) node.db.value(
        "SELECT quantity_produced FROM work_orders WHERE work_order_id = ?", id)).intValue() == 20);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).as("the counts were all sent within one interval").isLessThan(INTERVAL);
    // the counts' batches each saw the quantity move, yet the line writes only the first event (received ->
    // in_progress, at once) and, once the interval has passed, one with the latest figures
    assertThat(node.db.count("SELECT count(*) FROM production_logs WHERE work_order_id = ?", id)).isEqualTo(20);
    try (KafkaTopic workOrders = new KafkaTopic(node.config().kafka().bootstrapServers(), "work-orders")) {
      workOrders.await(e -> "work_order.progress".equals(e.getJsonObject("payload").getString("event_type"))
          && id.equals(e.getJsonObject("payload").getJsonObject("work_order").getString("mraos_work_order_id"))
          && e.getJsonObject("payload").getJsonObject("work_order").getInteger("quantity_produced") == 20, Duration.ofSeconds(40));
      List<JsonObject> events = progressEvents(workOrders, id);
      assertThat(events).as("progress events of %s", id).hasSize(2);
      assertThat(events.get(0).getString("status")).isEqualTo("in_progress");
      assertThat(produced(events.get(0))).isLessThan(20);
      assertThat(produced(events.get(1))).isEqualTo(20);
    }
  }

  @Test
  void theFiguresThatCompleteAnOrderAreNeverHeld() throws Exception {
    String id = order(12, "M-302");
    try (KafkaTopic workOrders = new KafkaTopic(node.config().kafka().bootstrapServers(), "work-orders")) {
      workOrders.all(e -> false); // joins the topic now, so that the bound below measures MRAOS, not the consumer's start
      countUpTo("M-302", id, 12);
      long last = System.nanoTime();
      workOrders.await(e -> "work_order.progress".equals(e.getJsonObject("payload").getString("event_type"))
          && id.equals(e.getJsonObject("payload").getJsonObject("work_order").getString("mraos_work_order_id"))
          && e.getJsonObject("payload").getJsonObject("work_order").getInteger("quantity_produced") == 12, Duration.ofSeconds(20));
      assertThat(Duration.ofNanos(System.nanoTime() - last)).as("the completing figures did not wait for the interval")
          .isLessThan(INTERVAL);
      await().atMost(Duration.ofSeconds(20)).until(() -> "completed".equals(node.db.value(
          "SELECT status FROM work_orders WHERE work_order_id = ?", id)));
      List<JsonObject> events = progressEvents(workOrders, id);
      // the first (status change), then the completing figures; what was held in between is older: dropped
      assertThat(events).extracting(ProgressIntervalTest::produced).last().isEqualTo(12);
      assertThat(events).extracting(ProgressIntervalTest::produced).isSorted();
      assertThat(events.get(events.size() - 1).getDouble("progress_percentage")).isEqualTo(100.0);
      assertThat(events).hasSizeLessThanOrEqualTo(3);
    }
  }

  /** The batch itself (one statement, and the general way), against what the throttle says is due. */
  @Test
  void aBatchWritesProgressOnlyForOrdersDueOrChangingStatusOrComplete() {
    String held = order(1000, "M-303");
    String changing = order(1000, "M-303");
    String completing = order(3, "M-303");
    String fresh = order(1000, "M-303");
    Instant now = Instant.now();
    long nanos = System.nanoTime();
    List<MesMessage> batch = List.of(
        new MesMessage.Count("M-303", held, now, 2, 2, "pass", BigDecimal.ONE),
        new MesMessage.Count("M-303", changing, now, 2, 2, "pass", BigDecimal.ONE),
        new MesMessage.Count("M-303", completing, now, 3, 3, "pass", BigDecimal.ONE),
        new MesMessage.Count("M-303", fresh, now, 1, 1, "pass", BigDecimal.ONE));
    ProgressThrottle throttle = new ProgressThrottle(Duration.ofHours(1));
    throttle.published(held, "in_progress", nanos);
    throttle.published(changing, "scheduled", nanos); // its last event said scheduled; this count moves it on: a status change
    throttle.published(completing, "in_progress", nanos);
    // another order's held event, now due: written with the batch, with that order's figures as they are
    String other = order(1000, "M-303");
    List<ProgressThrottle.Held> carried = List.of(new ProgressThrottle.Held(other, "in_progress"));
    // "held" and "completing" are in progress, "changing" and "fresh" only started (their first count moves them on)
    node.db.exec("UPDATE work_orders SET status = 'in_progress' WHERE work_order_id IN (?, ?)", held, completing);
    WorkOrders workOrders = WorkOrders.on(vertx, node.config());
    LineBatch.Context context = new LineBatch.Context("line3", now, "resource-status", workOrders,
        DeadLetters.of(node.config()), Map.of(), throttle, nanos, carried);
    Set<String> all = Set.of(held, changing, completing, fresh, other);

    Pool pool = Database.pool(vertx, node.config().database());
    try {
      JsonObject written = rolledBack(pool, conn -> LineBatch.apply(conn, context, batch, Map.of(), new HashSet<>(all)));
      assertThat(written.getJsonObject("published").getMap()).containsExactlyInAnyOrderEntriesOf(Map.of(
          held, false, changing, true, completing, true, fresh, true));
      assertThat(written.getJsonArray("keys").getList()).containsExactlyInAnyOrder(changing, completing, fresh, other);
      assertThat(written.getInteger("live")).as("the live feed has every order's figures").isEqualTo(4);

      // an interval of 0: every order of every batch, as before the setting
      LineBatch.Context everyBatch = new LineBatch.Context("line3", now, "resource-status", workOrders,
          DeadLetters.of(node.config()), Map.of(), new ProgressThrottle(Duration.ZERO), nanos, List.of());
      throttle.published(held, "in_progress", nanos);
      written = rolledBack(pool, conn -> LineBatch.apply(conn, everyBatch, batch, Map.of(), new HashSet<>(all)));
      assertThat(written.getJsonArray("keys").getList()).containsExactlyInAnyOrder(held, changing, completing, fresh);
    } finally {
      pool.close().await();
    }
  }

  /** Applies a batch in a transaction, reads what it wrote to the outbox, and rolls it back. */
  private static JsonObject rolledBack(Pool pool, Function<SqlConnection, Future<LineBatch.Outcome>> apply) {
    return pool.withConnection(conn -> conn.begin().compose(tx -> conn
        .query("SELECT coalesce(max(event_id), 0) AS last FROM outbox_events").execute()
        .compose(before -> apply.apply(conn).compose(outcome -> conn.preparedQuery(
                "SELECT message_key FROM outbox_events WHERE event_id > $1 ORDER BY event_id")
            .execute(Tuple.of(before.iterator().next().getLong("last")))
            .map(rows -> {
              List<String> keys = new ArrayList<>();
              rows.forEach(r -> keys.add(r.getString("message_key")));
              JsonObject published = new JsonObject();
              outcome.progress().forEach(p -> published.put(p.workOrderId(), p.published()));
              return new JsonObject().put("keys", keys).put("published", published).put("live", outcome.live().size());
            })))
        .eventually(() -> tx.rollback()))).await();
  }
}
