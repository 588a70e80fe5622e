package verticles.erp;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import simulators.Access;
import simulators.ErpSimulator;
import simulators.MesMqttPublisher;
import simulators.ReceivedRequest;
import simulators.SystemSimulator;
import testsupport.Api.Response;
import testsupport.Plant;
import testsupport.PlantNode;
import testsupport.TestNode;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static simulators.MesMqttPublisher.count;
import static simulators.MesMqttPublisher.countTopic;
import static simulators.MesMqttPublisher.inspection;
import static simulators.MesMqttPublisher.inspectionTopic;

/**
 * The production completion report (spec §3.2.2) as ERP receives it, every field from what MRAOS recorded about the
 * order (docs/operations.md, "What the completion report tells ERP"): the MES's inspections (passed, failed, their defect
 * types), the counts, the supervisor's scrap, the start the MES confirmed, the operator and machine, the materials; and
 * the correlation id ERP's webhook came with, carried by the MES's start call and the report.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class CompletionRecordsTest {

  static final Vertx MES_VERTX = Vertx.vertx();
  /** The MES's HTTP side: confirms starts with a job id (spec §4.2.2). */
  static final SystemSimulator MES_HTTP = mesHttp();

  @RegisterExtension
  static final PlantNode plant = PlantNode.start().withErp().withMes("mes-records")
      .with("mes.base-url", MES_HTTP.baseUrl()).with("mes.auth.password", "mes-secret");

  static TestNode node;
  static ErpSimulator erp;
  static MesMqttPublisher mes;
  static String material;

  static SystemSimulator mesHttp() {
    SystemSimulator simulator = SystemSimulator.start(MES_VERTX, "MES", 0, Access.basic("mraos", "mes-secret")).await();
    simulator.router().post("/api/v1/work-orders/start").handler(ctx -> ctx.json(new JsonObject().put("status", "success")
        .put("mes_job_id", "JOB-MES-" + ctx.body().asJsonObject().getString("work_order_id"))));
    return simulator;
  }

  @BeforeAll
  static void start() {
    node = plant.node();
    erp = plant.erp();
    mes = plant.mes();
    material = Plant.unique("MAT-REC");
    Response stored = node.api.postJson(ErpRoutes.MATERIALS, node.token("erp-connector"),
        Plant.materials(Plant.material(material, "A-1234", "Door Panel")));
    assertThat(stored.status()).as(stored.toString()).isEqualTo(200);
  }

  @AfterAll
  static void stop() {
    MES_VERTX.close().await();
  }

  @BeforeEach
  void freshErp() {
    erp.reset();
  }

  /** ERP's webhook with this X-Correlation-ID: an order of {@code quantity}, 2 units of the material each. */
  static String order(int quantity, String correlationId) {
    JsonObject event = Plant.workOrderEvent("work_order.created", Plant.unique("WO-ERP"),
        Plant.bomLine(material, "A-1234", "Door Panel", 2 * quantity));
    event.getJsonObject("work_order").put("quantity_ordered", quantity);
    Response created = node.api.post(ErpRoutes.WORK_ORDERS, node.token("erp-connector"), "application/json", event.encode(),
        Map.of("X-Correlation-ID", correlationId));
    assertThat(created.status()).as(created.toString()).isEqualTo(200);
    return created.json().getString("mraos_work_order_id");
  }

  /** An operator HR knows; its employee id. */
  static String operator(String operatorId) {
    String employee = Plant.unique("EMP-2024");
    node.db.exec("INSERT INTO operators (operator_id, employee_id, first_name, last_name) VALUES (?, ?, 'Ana', 'Lopez')",
        operatorId, employee);
    return employee;
  }

  /** The supervisor starts the order on M-203; the MES confirms it (in progress from {@code startTime}). */
  static void startOnM203(String workOrderId, String operatorId, Instant startTime) {
    Response started = node.api.postJson("/api/v1/work-orders/" + workOrderId + "/start", node.token("supervisor"),
        new JsonObject().put("machine_id", "M-203").put("operator_id", operatorId).put("start_time", startTime.toString()));
    assertThat(started.status()).as(started.toString()).isEqualTo(202);
    await().atMost(Duration.ofSeconds(20)).until(() -> "in_progress".equals(node.db.value(
        "SELECT status FROM work_orders WHERE work_order_id = ?", workOrderId)));
  }

  static void inspect(String workOrderId, String inspectionId, boolean defect, String defectType) {
    mes.publish(inspectionTopic("line2", "M-203"), inspection("M-203", workOrderId, Instant.now(), inspectionId, defect,
        defectType)).await();
  }

  static JsonObject workOrder(String workOrderId) {
    Response read = node.api.get("/api/v1/work-orders/" + workOrderId, node.token("supervisor"));
    assertThat(read.status()).as(read.toString()).isEqualTo(200);
    return read.json();
  }

  /** The one completion report ERP received for the order. */
  static ReceivedRequest reportOf(String workOrderId) {
    await().atMost(Duration.ofSeconds(20)).until(() -> erp.received(ErpSimulator.COMPLETION_PATH).stream()
        .anyMatch(r -> workOrderId.equals(r.json().getString("mraos_work_order_id"))));
    List<ReceivedRequest> reports = erp.received(ErpSimulator.COMPLETION_PATH).stream()
        .filter(r -> workOrderId.equals(r.json().getString("mraos_work_order_id"))).toList();
    assertThat(reports).hasSize(1);
    return reports.get(0);
  }

  @Test
  void anOrderRunOnTheFloorIsReportedToErpWithWhatMraosRecorded() {
    String id = order(4, "corr_erp_" + Plant.unique("run").toLowerCase());
    String operatorId = Plant.unique("O");
    String employee = operator(operatorId);
    Instant startTime = Instant.now().minus(90, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS);
    startOnM203(id, operatorId, startTime);

    // inspections: one passed, three found defects of two types
    inspect(id, Plant.unique("INS"), false, null);
    inspect(id, Plant.unique("INS"), true, "cosmetic damage");
    inspect(id, Plant.unique("INS"), true, "scratch");
    inspect(id, Plant.unique("INS"), true, "cosmetic damage");
    await().atMost(Duration.ofSeconds(20)).until(() -> ((Number) node.db.value(
        "SELECT inspections_passed + inspections_failed FROM work_orders WHERE work_order_id = ?", id)).intValue() == 4);

    // four units counted: the line completes the order at 100%
    Instant now = Instant.now();
    for (int i = 1; i <= 4; i++) {
      mes.publish(countTopic("line2", "M-203"), count("M-203", id, now.plusMillis(i), 1, i)).await();
    }
    JsonObject payload = reportOf(id).json();
    JsonObject order = workOrder(id);
    assertThat(order.getString("status")).isEqualTo("completed");

    assertThat(payload.getJsonObject("quality_results")).isEqualTo(new JsonObject()
        .put("inspection_passed", false).put("defect_count", 3)
        .put("defect_types", new JsonArray().add("cosmetic damage").add("scratch")));
    Instant end = OffsetDateTime.parse(order.getString("actual_end_time")).toInstant();
    long minutes = Duration.between(startTime, end).toMinutes();
    double hours = BigDecimal.valueOf(minutes).divide(BigDecimal.valueOf(60), 2, RoundingMode.HALF_UP).doubleValue();
    assertThat(payload.getString("erp_work_order_id")).isEqualTo(order.getString("erp_work_order_id"));
    assertThat(payload.getString("mraos_work_order_id")).isEqualTo(id);
    assertThat(payload.getString("completion_timestamp")).isEqualTo(order.getString("actual_end_time"));
    assertThat(payload.getInteger("quantity_produced")).isEqualTo(4);
    assertThat(payload.getInteger("quantity_scrapped")).isZero();
    assertThat(payload.getInteger("quantity_good")).isEqualTo(4);
    assertThat(payload.getString("actual_start_time")).as("the start the MES confirmed").isEqualTo(startTime.toString());
    assertThat(payload.getString("actual_end_time")).isEqualTo(order.getString("actual_end_time"));
    assertThat(payload.getLong("actual_duration_minutes")).isEqualTo(minutes).isBetween(89L, 91L);
    assertThat(payload.getJsonArray("resources_used")).containsExactly(
        new JsonObject().put("resource_type", "operator").put("resource_id", operatorId).put("employee_id", employee)
            .put("hours_worked", hours),
        new JsonObject().put("resource_type", "machine").put("resource_id", "M-203").put("machine_hours", hours));
    assertThat(payload.getJsonArray("materials_consumed")).as("the bill of materials' share of what was produced")
        .containsExactly(new JsonObject().put("material_id", material).put("part_number", "A-1234")
            .put("quantity_consumed", 8).put("unit_of_measure", "EA"));
    // the order shows the same records
    assertThat(order.getJsonObject("quality")).isEqualTo(new JsonObject().put("inspections_passed", 1)
        .put("inspections_failed", 3).put("defect_count", 3)
        .put("defect_types", new JsonArray().add("cosmetic damage").add("scratch")));
  }

  @Test
  void oneCorrelationIdFollowsTheOrderFromErpThroughTheMesBackToErp() {
    String correlationId = "corr_erp_" + Plant.unique("trip").toLowerCase();
    String id = order(2, correlationId);
    startOnM203(id, Plant.unique("O"), Instant.now().truncatedTo(ChronoUnit.SECONDS));
    Instant now = Instant.now();
    for (int i = 1; i <= 2; i++) {
      mes.publish(countTopic("line2", "M-203"), count("M-203", id, now.plusMillis(i), 1, i)).await();
    }
    ReceivedRequest report = reportOf(id);

    ReceivedRequest start = MES_HTTP.received("/api/v1/work-orders/start").stream()
        .filter(r -> id.equals(r.json().getString("work_order_id"))).findFirst().orElseThrow();
    assertThat(start.header("X-Correlation-ID")).as("the MES's start call").isEqualTo(correlationId);
    assertThat(report.header("X-Correlation-ID")).as("ERP's completion report").isEqualTo(correlationId);
    assertThat(node.db.rows("SELECT integration_type, correlation_id FROM outbound_messages WHERE reference_id = ?"
        + " ORDER BY created_at", id)).containsExactly(
        Map.of("integration_type", "mes_work_order_start", "correlation_id", correlationId),
        Map.of("integration_type", "erp_completion_report", "correlation_id", correlationId));
    assertThat(workOrder(id).getString("correlation_id")).isEqualTo(correlationId);
  }

  @Test
  void scrapASupervisorReportsIsScrapNotDefectsAndNoFailedInspectionMeansPassed() {
    String id = order(200, "corr_erp_" + Plant.unique("scrap").toLowerCase());

    Response done = node.api.postJson("/api/v1/work-orders/" + id + "/complete", node.token("supervisor"),
        new JsonObject().put("quantity_produced", 200).put("quantity_scrapped", 3));
    assertThat(done.status()).as(done.toString()).isEqualTo(200);

    JsonObject payload = reportOf(id).json();
    assertThat(payload.getInteger("quantity_produced")).isEqualTo(200);
    assertThat(payload.getInteger("quantity_scrapped")).isEqualTo(3);
    assertThat(payload.getInteger("quantity_good")).isEqualTo(197);
    assertThat(payload.getJsonObject("quality_results")).isEqualTo(new JsonObject()
        .put("inspection_passed", true).put("defect_count", 0).put("defect_types", new JsonArray()));
  }

  @Test
  void aSupervisorsWordAddsToTheInspectionsButCannotUndoAFailedOne() {
    String id = order(10, "corr_erp_" + Plant.unique("word").toLowerCase());
    startOnM203(id, Plant.unique("O"), Instant.now().truncatedTo(ChronoUnit.SECONDS));
    inspect(id, Plant.unique("INS"), true, "cosmetic damage");
    await().atMost(Duration.ofSeconds(20)).until(() -> ((Number) node.db.value(
        "SELECT inspections_failed FROM work_orders WHERE work_order_id = ?", id)).intValue() == 1);

    Response done = node.api.postJson("/api/v1/work-orders/" + id + "/complete", node.token("supervisor"),
        new JsonObject().put("quantity_produced", 10).put("quantity_scrapped", 2).put("inspection_passed", true)
            .put("defect_types", new JsonArray().add("dent").add("cosmetic damage").add("dent")));
    assertThat(done.status()).as(done.toString()).isEqualTo(200);

    JsonObject payload = reportOf(id).json();
    assertThat(payload.getInteger("quantity_good")).isEqualTo(8);
    assertThat(payload.getJsonObject("quality_results")).isEqualTo(new JsonObject()
        .put("inspection_passed", false).put("defect_count", 1)
        .put("defect_types", new JsonArray().add("cosmetic damage").add("dent")));
    assertThat(workOrder(id).getJsonObject("quality").getJsonArray("defect_types"))
        .isEqualTo(new JsonArray().add("cosmetic damage").add("dent"));
  }
}
