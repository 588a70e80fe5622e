package verticles.scheduler;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import mraos.embedded.EmbeddedDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import simulators.ErpSimulator;
import testsupport.Api.Response;
import testsupport.MutableClock;
import testsupport.Plant;
import testsupport.Ports;
import testsupport.TestNode;
import verticles.erp.ErpRoutes;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The ERP schedules (spec §3.2.1, §3.2.2, §3.4) by a clock the test moves, against the ERP simulator and a database of
 * this class's own: the hourly consumption batch at :05 (a transaction reported once, a missed hour caught up once),
 * the material master pull (daily and on demand, every page), and the 23:00 reconciliation with its report.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ScheduledJobsTest {

  /** A Tuesday morning in the plant (UTC here), far from any real clock. */
  static final Instant START = Instant.parse("2031-03-11T10:30:00Z");

  static Path dir;
  static EmbeddedDatabase database;
  static Vertx vertx;
  static ErpSimulator erp;
  static MutableClock clock;
  static TestNode node;
  static String material;

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory("mraos-schedules-");
    database = EmbeddedDatabase.start(dir.resolve("postgres"), Ports.free(), "mraos", "mraos", true);
    vertx = Vertx.vertx();
    erp = ErpSimulator.start(vertx, 0).await();
    clock = MutableClock.at(START);
    node = startNode();
  }

  static TestNode startNode() {
    Map<String, Object> config = new HashMap<>();
    config.put("database.url", database.url());
    config.put("erp.base-url", erp.baseUrl());
    config.put("erp.page-size", 100);
    config.put("outbound.poll-interval", "100ms");
    config.put("scheduler.tick", "100ms");
    config.put("scheduler.jobs.erp-consumption-batch", "hourly at :05");
    config.put("scheduler.jobs.erp-material-master-pull", "daily at 02:00");
    config.put("scheduler.jobs.erp-reconciliation", "daily at 23:00");
    return TestNode.start(config, clock);
  }

  @AfterEach
  void clearErp() {
    erp.reset();
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
    vertx.close().await();
    database.close();
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Test
  @Order(1)
  void aFirstStartRunsNothingAndWaitsForTheNextSlot() {
    await().atMost(Duration.ofSeconds(20)).until(() -> runs("erp-consumption-batch").size() == 1);
    Map<String, Object> first = runs("erp-consumption-batch").get(0);
    assertThat(first).containsEntry("status", "skipped").containsEntry("trigger", "first_start");
    assertThat(first.get("slot").toString()).startsWith("2031-03-11 10:05");
    assertThat(erp.consumptionBatches()).isEmpty();
  }

  @Test
  @Order(2)
  void theHourlyBatchReportsThePastHoursConsumptionOnceAggregatedByMaterialAndWorkOrder() {
    material = Plant.unique("MAT");
    String erpToken = node.token("erp-connector");
    assertThat(node.api.postJson(ErpRoutes.MATERIALS, erpToken, Plant.materials(Plant.material(material, "A-1", "Panel")))
        .status()).isEqualTo(200);
    String first = completeAnOrder(erpToken, "2031-03-11T10:40:00Z", 100);
    String second = completeAnOrder(erpToken, "2031-03-11T10:50:00Z", 50);
    String later = completeAnOrder(erpToken, "2031-03-11T11:20:00Z", 10);

    clock.set(Instant.parse("2031-03-11T11:05:01Z"));

    await().atMost(Duration.ofSeconds(30)).until(() -> erp.consumptionBatches().size() == 1);
    JsonObject batch = erp.consumptionBatches().get(0);
    assertThat(batch.getString("period_end")).isEqualTo("2031-03-11T11:00:00Z");
    // 400 per 200 produced: 100 → 200, 50 → 100; the 11:20 one belongs to the next hour
    assertThat(lines(batch)).containsExactlyInAnyOrder(material + "/" + first + "=200", material + "/" + second + "=100");
    await().atMost(Duration.ofSeconds(10)).until(() -> node.db.count(
        "SELECT count(*) FROM material_transactions WHERE work_order_id IN (?, ?) AND erp_synchronized_at IS NOT NULL",
        first, second) == 2);
    assertThat(node.db.value("SELECT erp_batch_id FROM material_transactions WHERE work_order_id = ?", later)).isNull();
    assertThat(runs("erp-consumption-batch").get(0)).containsEntry("status", "succeeded").containsEntry("trigger", "schedule");

    clock.set(Instant.parse("2031-03-11T11:40:00Z"));
    sleep(Duration.ofSeconds(1));
    assertThat(erp.consumptionBatches()).as("nothing runs between slots").hasSize(1);
  }

  @Test
  @Order(3)
  void hoursMissedWhileTheNodeWasDownAreCaughtUpOnceAndNothingIsReportedTwice() {
    String erpToken = node.token("erp-connector");
    String during = completeAnOrder(erpToken, "2031-03-11T12:20:00Z", 20);
    node.close();

    clock.set(Instant.parse("2031-03-11T14:10:00Z")); // 12:05, 13:05 and 14:05 passed without a node
    node = startNode();

    await().atMost(Duration.ofSeconds(30)).until(() -> erp.consumptionBatches().size() == 1);
    JsonObject caughtUp = erp.consumptionBatches().get(0);
    assertThat(caughtUp.getString("period_end")).isEqualTo("2031-03-11T14:00:00Z");
    assertThat(lines(caughtUp)).as("the 11:20 and 12:20 consumption, not the hour reported before")
        .hasSize(2).allMatch(l -> !l.contains("=200") && !l.contains("=100"));
    List<Map<String, Object>> runs = runs("erp-consumption-batch");
    assertThat(runs.get(0)).containsEntry("trigger", "catch_up").containsEntry("status", "succeeded");
    assertThat(runs.get(0).get("slot").toString()).startsWith("2031-03-11 14:05");
    assertThat(runs).extracting(r -> r.get("slot").toString()).noneMatch(s -> s.contains(" 12:05") || s.contains(" 13:05"));
    assertThat(node.db.count("SELECT count(*) FROM material_transactions WHERE erp_batch_id IS NULL")).isZero();
    assertThat(node.db.count("SELECT count(DISTINCT erp_batch_id) FROM material_transactions WHERE work_order_id = ?", during))
        .isEqualTo(1);
    sleep(Duration.ofSeconds(1));
    assertThat(erp.consumptionBatches()).hasSize(1);
  }

  @Test
  @Order(4)
  void theMaterialMasterPullTakesEveryPageOnDemandAndAtTwoInTheMorning() {
    List<JsonObject> master = new ArrayList<>();
    for (int i = 0; i < 250; i++) {
      master.add(Plant.material(String.format("MAT-PULL-%03d", i), String.format("P-%03d", i), "Pulled part " + i));
    }
    erp.seedMaterials(master);

    Response pulled = node.api.postJson("/api/v1/jobs/erp-material-master-pull/run", node.token("supervisor"), new JsonObject());

    assertThat(pulled.status()).as(pulled.toString()).isEqualTo(200);
    JsonObject summary = pulled.json().getJsonObject("summary");
    assertThat(summary.getInteger("pages")).isEqualTo(3);
    assertThat(summary.getInteger("created")).isEqualTo(250);
    assertThat(node.db.count("SELECT count(*) FROM materials WHERE material_id LIKE 'MAT-PULL-%'")).isEqualTo(250);
    assertThat(node.db.count("SELECT count(*) FROM material_change_audit WHERE material_id = 'MAT-PULL-007' AND source = 'erp_pull'"))
        .isPositive();
    assertThat(erp.received(ErpSimulator.MATERIALS_PATH)).hasSize(3)
        .allMatch(r -> r.header("Authorization") != null && r.header("Authorization").startsWith("Bearer "));
    await().atMost(Duration.ofSeconds(10)).until(() -> node.db.count(
        "SELECT count(*) FROM integration_audit_log WHERE integration_type = 'erp_material_master_pull' AND direction = 'outbound'") >= 3);

    master.set(7, master.get(7).copy().put("part_name", "Renamed in ERP").put("is_active", false));
    erp.seedMaterials(master);
    clock.set(Instant.parse("2031-03-12T02:00:01Z"));

    await().atMost(Duration.ofSeconds(30)).until(() -> "Renamed in ERP".equals(
        node.db.value("SELECT part_name FROM materials WHERE material_id = 'MAT-PULL-007'")));
    assertThat(node.db.value("SELECT is_active FROM materials WHERE material_id = 'MAT-PULL-007'")).isEqualTo(false);
    assertThat(runs("erp-material-master-pull").get(0)).containsEntry("trigger", "schedule");
  }

  @Test
  @Order(5)
  void theReconciliationSyncsLowRiskDifferencesFlagsHighRiskOnesAndKeepsTheReport() {
    String erpToken = node.token("erp-connector");
    String same = order(erpToken, "WO-ERP-REC-SAME");
    order(erpToken, "WO-ERP-REC-STATUS");
    order(erpToken, "WO-ERP-REC-QTY");
    order(erpToken, "WO-ERP-REC-NAME");
    clock.set(Instant.parse("2031-03-12T22:30:00Z"));
    String updated = "2031-03-12T20:00:00Z";
    erp.seedWorkOrders(List.of(
        erpOrder("WO-ERP-REC-SAME", "released", updated),
        erpOrder("WO-ERP-REC-MISSING", "released", updated),
        erpOrder("WO-ERP-REC-STATUS", "completed", updated),
        erpOrder("WO-ERP-REC-QTY", "released", updated).put("quantity_ordered", 250),
        erpOrder("WO-ERP-REC-NAME", "released", updated).put("product_name", "Washer Door Assembly (rev B)"),
        erpOrder("WO-ERP-REC-OLD", "released", "2031-03-10T20:00:00Z")));

    clock.set(Instant.parse("2031-03-12T23:00:01Z"));

    // (moving the clock past 23:00 on the 11th earlier caught up that day's run: wait for the 12th's)
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      Response latest = node.api.get(ErpRoutes.LATEST_RECONCILIATION, erpToken);
      return latest.status() == 200 && "2031-03-12".equals(latest.json().getString("report_date"));
    });
    JsonObject report = node.api.get(ErpRoutes.LATEST_RECONCILIATION, node.token("supervisor")).json();
    assertThat(report.getString("report_date")).isEqualTo("2031-03-12");
    assertThat(report.getInteger("total_work_orders_in_erp")).as("updated in the last 24 h").isEqualTo(5);
    assertThat(report.getInteger("total_work_orders_in_mraos")).isEqualTo(4);
    Map<String, JsonObject> byOrder = new HashMap<>();
    report.getJsonArray("discrepancies").forEach(d -> byOrder.put(((JsonObject) d).getString("erp_work_order_id"), (JsonObject) d));
    assertThat(byOrder).containsOnlyKeys("WO-ERP-REC-MISSING", "WO-ERP-REC-STATUS", "WO-ERP-REC-QTY", "WO-ERP-REC-NAME");
    assertThat(byOrder.get("WO-ERP-REC-MISSING").getString("action")).isEqualTo("Auto-synced");
    assertThat(byOrder.get("WO-ERP-REC-NAME").getString("action")).isEqualTo("Auto-synced");
    assertThat(byOrder.get("WO-ERP-REC-STATUS").getString("action")).isEqualTo("Manual review required");
    assertThat(byOrder.get("WO-ERP-REC-QTY").getString("risk")).isEqualTo("high");
    assertThat(report.getString("text"))
        .contains("Total Work Orders in ERP: 5")
        .contains("Discrepancies Found: 4")
        .contains("Work Order WO-ERP-REC-STATUS\n   - Status in ERP: Completed\n   - Status in MRAOS: Received\n   - Action: Manual review required")
        .contains("Work Order WO-ERP-REC-MISSING\n   - Exists in ERP: Yes\n   - Exists in MRAOS: No\n   - Action: Auto-synced");

    // low risk synced: the missing order exists now, the renamed one carries ERP's name
    assertThat(node.db.count("SELECT count(*) FROM work_orders WHERE erp_work_order_id = 'WO-ERP-REC-MISSING'")).isEqualTo(1);
    assertThat(node.db.value("SELECT product_name FROM work_orders WHERE erp_work_order_id = 'WO-ERP-REC-NAME'"))
        .isEqualTo("Washer Door Assembly (rev B)");
    // high risk flagged: kept for review, nothing changed
    assertThat(node.db.count("SELECT count(*) FROM integration_failures WHERE integration_type = 'erp_reconciliation'"
        + " AND status = 'pending_manual_review'")).isEqualTo(2);
    assertThat(node.db.value("SELECT status FROM work_orders WHERE erp_work_order_id = 'WO-ERP-REC-STATUS'")).isEqualTo("received");
    assertThat(((BigDecimal) node.db.value("SELECT quantity_ordered FROM work_orders WHERE erp_work_order_id = 'WO-ERP-REC-QTY'"))
        .intValue()).isEqualTo(200);
    assertThat(same).isNotNull();
  }

  // ------------------------------------------------------------------ helpers

  /** Creates an order for {@link #material} and completes it at the given time with the given production. */
  private static String completeAnOrder(String erpToken, String completedAt, int produced) {
    String id = order(erpToken, Plant.unique("WO-ERP"));
    Response done = node.api.postJson("/api/v1/work-orders/" + id + "/complete", node.token("supervisor"),
        new JsonObject().put("quantity_produced", produced).put("completed_at", completedAt)
            .put("actual_start_time", "2031-03-11T08:00:00Z"));
    assertThat(done.status()).as(done.toString()).isEqualTo(200);
    return id;
  }

  private static String order(String erpToken, String erpId) {
    Response created = node.api.postJson(ErpRoutes.WORK_ORDERS, erpToken, Plant.workOrderEvent("work_order.created", erpId,
        Plant.bomLine(material, "A-1", "Panel", 400)).put("timestamp", "2031-03-01T00:00:00Z"));
    assertThat(created.status()).as(created.toString()).isEqualTo(200);
    return created.json().getString("mraos_work_order_id");
  }

  /** ERP's view of an order like {@link Plant#workOrderEvent}'s, with its status and last change. */
  private static JsonObject erpOrder(String erpId, String status, String updatedAt) {
    return Plant.workOrderEvent("work_order.created", erpId, Plant.bomLine(material, "A-1", "Panel", 400))
        .getJsonObject("work_order").put("status", status).put("updated_at", updatedAt);
  }

  private static List<String> lines(JsonObject batch) {
    List<String> lines = new ArrayList<>();
    for (Object l : batch.getJsonArray("lines", new JsonArray())) {
      JsonObject line = (JsonObject) l;
      lines.add(line.getString("material_id") + "/" + line.getString("work_order_id") + "="
          + new BigDecimal(line.getValue("quantity_consumed").toString()).stripTrailingZeros().toPlainString());
    }
    return lines;
  }

  private static List<Map<String, Object>> runs(String job) {
    return node.db.rows("SELECT slot::text AS slot, status, trigger FROM scheduled_runs WHERE job = ? ORDER BY slot DESC", job);
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
