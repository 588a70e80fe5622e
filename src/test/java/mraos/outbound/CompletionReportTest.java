package mraos.outbound;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import mraos.config.ConfigLoader;
import mraos.config.MraosConfig;
import mraos.outbound.OutboundFixture.Completed;
import mraos.outbound.OutboundFixture.Order;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import simulators.ErpSimulator;
import simulators.ReceivedRequest;
import testsupport.Plant;
import testsupport.PlantNode;
import testsupport.TestNode;
import testsupport.Tokens;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static mraos.outbound.OutboundFixture.awaitOutboundAudit;
import static mraos.outbound.OutboundFixture.awaitSettled;
import static mraos.outbound.OutboundFixture.booked;
import static mraos.outbound.OutboundFixture.requests;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Spec §10.2 ERP test 4 and §3.2.2: a work order completed in MRAOS reaches ERP as the production completion report,
 * through ERP's outbound path (base URL from MRAOS_ERP_BASE_URL, OAuth 2.0 client-credentials token of client "mraos"
 * from the issuer found by discovery, Idempotency-Key = message id), and the order is then marked synchronized.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class CompletionReportTest {

  static Vertx vertx;
  static ErpSimulator erp;
  static TestNode node;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    erp = ErpSimulator.start(vertx, 0).await();
    PlantNode.setAsideLeftoverCalls();
    // the ERP base URL as an operator sets it: MRAOS_ERP_BASE_URL over conf/mraos.yaml's empty erp.base-url
    MraosConfig fromEnvironment = MraosConfig.from(ConfigLoader.load(null, Map.of("MRAOS_ERP_BASE_URL", erp.baseUrl())));
    assertThat(MraosConfig.from(ConfigLoader.load(null, Map.of())).erp().system().connected()).as("not connected by default").isFalse();
    assertThat(fromEnvironment.erp().system().baseUrl()).isEqualTo(erp.baseUrl());
    node = TestNode.start(OutboundFixture.config(fromEnvironment.erp().system().baseUrl(), Map.of()));
  }

  @AfterAll
  static void stop() {
    node.close();
    vertx.close().await();
  }

  @Test
  void completedWorkOrderReachesErpAsTheSpecsReportAndIsMarkedSynchronized() {
    erp.reset();
    Order order = OutboundFixture.order(node);
    // what MES would have told MRAOS: the operator (with HR's employee id) and the machine that did the work
    String operator = Plant.unique("O");
    String employee = Plant.unique("EMP-2024");
    node.db.exec("INSERT INTO operators (operator_id, employee_id, first_name, last_name) VALUES (?, ?, 'Ana', 'Lopez')",
        operator, employee);
    node.db.exec("UPDATE work_orders SET operator_id = ?, machine_id = 'M-203' WHERE work_order_id = ?", operator,
        order.workOrderId());
    assertThat(node.db.value("SELECT erp_synchronized_at FROM work_orders WHERE work_order_id = ?", order.workOrderId())).isNull();

    Completed report = OutboundFixture.complete(node, order, new JsonObject()
        .put("quantity_produced", 200)
        .put("quantity_scrapped", 3)
        .put("actual_start_time", "2025-11-18T14:30:00Z")
        .put("completed_at", "2025-11-18T15:45:30Z")
        .put("inspection_passed", true)
        .put("defect_types", new JsonArray().add("cosmetic damage"))
        .put("materials_consumed", new JsonArray().add(new JsonObject()
            .put("material_id", order.materialId()).put("quantity_consumed", 405))));

    Map<String, Object> message = awaitSettled(node.db, report.messageId(), Duration.ofSeconds(20));
    assertThat(message).containsEntry("status", "delivered").containsEntry("external_system", "ERP")
        .containsEntry("integration_type", "erp_completion_report").containsEntry("reference_id", order.workOrderId());

    // what ERP received: the §3.2.2 payload, once
    List<ReceivedRequest> sent = requests(erp, report.messageId());
    assertThat(sent).hasSize(1);
    ReceivedRequest request = sent.get(0);
    assertThat(request.method()).isEqualTo("POST");
    assertThat(request.path()).isEqualTo("/api/production/work-order-completion");
    assertThat(request.header("Content-Type")).startsWith("application/json");
    assertThat(request.header("X-Correlation-ID")).isEqualTo(report.correlationId());
    JsonObject payload = request.json();
    assertThat(payload.getString("erp_work_order_id")).isEqualTo(order.erpWorkOrderId());
    assertThat(payload.getString("mraos_work_order_id")).isEqualTo(order.workOrderId());
    assertThat(payload.getString("completion_timestamp")).isEqualTo("2025-11-18T15:45:30Z");
    assertThat(payload.getInteger("quantity_produced")).isEqualTo(200);
    assertThat(payload.getInteger("quantity_scrapped")).isEqualTo(3);
    assertThat(payload.getInteger("quantity_good")).isEqualTo(197);
    assertThat(payload.getString("actual_start_time")).isEqualTo("2025-11-18T14:30:00Z");
    assertThat(payload.getString("actual_end_time")).isEqualTo("2025-11-18T15:45:30Z");
    assertThat(payload.getInteger("actual_duration_minutes")).isEqualTo(75);
    // 75.5 minutes: 1.25 h from whole minutes, as the spec's example computes them
    JsonArray resources = payload.getJsonArray("resources_used");
    assertThat(resources).hasSize(2);
    JsonObject operatorUsed = resources.getJsonObject(0);
    assertThat(operatorUsed.getString("resource_type")).isEqualTo("operator");
    assertThat(operatorUsed.getString("resource_id")).isEqualTo(operator);
    assertThat(operatorUsed.getString("employee_id")).isEqualTo(employee);
    assertThat(operatorUsed.getDouble("hours_worked")).isEqualTo(1.25);
    JsonObject machineUsed = resources.getJsonObject(1);
    assertThat(machineUsed.getString("resource_type")).isEqualTo("machine");
    assertThat(machineUsed.getString("resource_id")).isEqualTo("M-203");
    assertThat(machineUsed.getDouble("machine_hours")).isEqualTo(1.25);
    assertThat(payload.getJsonArray("materials_consumed")).containsExactly(new JsonObject()
        .put("material_id", order.materialId()).put("part_number", "A-1234").put("quantity_consumed", 405)
        .put("unit_of_measure", "EA"));
    // no inspection recorded a defect (defect_count counts those, not scrap); the supervisor named the defect type
    assertThat(payload.getJsonObject("quality_results")).isEqualTo(new JsonObject()
        .put("inspection_passed", true).put("defect_count", 0).put("defect_types", new JsonArray().add("cosmetic damage")));
    assertThat(erp.completions()).containsExactly(payload);

    // authenticated as client "mraos" with a token of the issuer MRAOS discovered (spec §9.1)
    String authorization = request.header("Authorization");
    assertThat(authorization).startsWith("Bearer ");
    JsonObject claims = Tokens.claims(authorization.substring(7));
    assertThat(claims.getString("iss")).isEqualTo(node.config().security().effectiveIssuer());
    assertThat(claims.getString("client_id")).isEqualTo("mraos");
    assertThat(claims.getString("scope")).contains("erp.write");
    assertThat(request.header("Idempotency-Key")).isEqualTo(report.messageId());
    assertThat(booked(erp, report.messageId())).isEqualTo(1);

    // marked synchronized once ERP said 200, with ERP's answer kept
    Instant synchronizedAt = OutboundFixture.instant(await().atMost(Duration.ofSeconds(10)).until(() -> node.db.value(
        "SELECT erp_synchronized_at FROM work_orders WHERE work_order_id = ?", order.workOrderId()), v -> v != null));
    assertThat(synchronizedAt).isAfterOrEqualTo(request.receivedAt().minusSeconds(1));
    assertThat(message.get("response").toString()).contains("erp_confirmation_id");
    assertThat(message.get("last_status")).isEqualTo(200);

    // one audit row for the one call
    List<Map<String, Object>> audit = awaitOutboundAudit(node.db, report.correlationId(), 1);
    assertThat(audit.get(0)).containsEntry("http_status_code", 200).containsEntry("success", true);
    assertThat(audit.get(0).get("request_payload").toString()).contains(order.workOrderId());
    assertThat(audit.get(0).get("response_payload").toString()).contains("erp_confirmation_id");
    assertThat(audit.get(0).get("processing_time_ms")).isNotNull();
  }

  @Test
  void withoutAReportFromTheFloorTheBillOfMaterialsSaysWhatWasConsumed() {
    erp.reset();
    Order order = OutboundFixture.order(node);

    Completed report = OutboundFixture.complete(node, order, new JsonObject().put("quantity_produced", 100));

    assertThat(awaitSettled(node.db, report.messageId(), Duration.ofSeconds(20))).containsEntry("status", "delivered");
    JsonObject payload = requests(erp, report.messageId()).get(0).json();
    // the order asks 400 units of the material for 200 produced: 100 produced used 200
    assertThat(payload.getJsonArray("materials_consumed")).singleElement()
        .satisfies(m -> assertThat(((JsonObject) m).getInteger("quantity_consumed")).isEqualTo(200));
    assertThat(payload.getInteger("quantity_good")).isEqualTo(100);
    assertThat(payload.getJsonArray("resources_used")).isEmpty();
    await().atMost(Duration.ofSeconds(10)).until(() -> node.db.value(
        "SELECT erp_synchronized_at FROM work_orders WHERE work_order_id = ?", order.workOrderId()) != null);
  }
}
