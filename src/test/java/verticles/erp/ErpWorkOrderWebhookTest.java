package verticles.erp;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import testsupport.Api.Response;
import testsupport.KafkaTopic;
import testsupport.Plant;
import testsupport.TestNode;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** ERP → MRAOS work orders end to end (spec §3.2.1, §10.2 ERP tests 1–3): HTTP in, PostgreSQL, event bus and Kafka out. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ErpWorkOrderWebhookTest {

  static final String PATH = ErpRoutes.WORK_ORDERS;
  static TestNode node;
  static KafkaTopic workOrders;
  static KafkaTopic failures;
  static String erp;
  static String doorPanel;
  static String hinge;

  @BeforeAll
  static void start() {
    node = TestNode.start();
    erp = node.token("erp-connector");
    workOrders = new KafkaTopic(node.config().kafka().bootstrapServers(), "work-orders");
    failures = new KafkaTopic(node.config().kafka().bootstrapServers(), "integration-failures");
    doorPanel = Plant.unique("MAT-A");
    hinge = Plant.unique("MAT-B");
    Response materials = node.api.postJson(ErpRoutes.MATERIALS, erp, Plant.materials(
        Plant.material(doorPanel, "A-1234", "Door Panel"), Plant.material(hinge, "B-5678", "Hinge Assembly")));
    assertThat(materials.status()).as(materials.toString()).isEqualTo(200);
    // Inventory's stock levels, as its sync would leave them
    node.db.exec("INSERT INTO material_stock (material_id, on_hand_quantity, allocated_quantity) VALUES (?, 500, 0)"
        + " ON CONFLICT (material_id) DO UPDATE SET on_hand_quantity = EXCLUDED.on_hand_quantity, allocated_quantity = 0", doorPanel);
    node.db.exec("INSERT INTO material_stock (material_id, on_hand_quantity, allocated_quantity) VALUES (?, 50, 0)"
        + " ON CONFLICT (material_id) DO UPDATE SET on_hand_quantity = EXCLUDED.on_hand_quantity, allocated_quantity = 0", hinge);
  }

  @AfterAll
  static void stop() {
    workOrders.close();
    failures.close();
    node.close();
  }

  JsonObject specExample(String eventType, String erpId) {
    return Plant.workOrderEvent(eventType, erpId,
        Plant.bomLine(doorPanel, "A-1234", "Door Panel", 400),
        Plant.bomLine(hinge, "B-5678", "Hinge Assembly", 200));
  }

  @Test
  void happyPathStoresTheOrderAnswersAsTheSpecAndPublishesIt() throws Exception {
    String erpId = Plant.unique("WO-ERP");

    Response response = node.api.post(PATH, erp, "application/json", specExample("work_order.created", erpId).encode(),
        Map.of("X-Correlation-ID", "corr_happy_" + erpId));

    assertThat(response.status()).as(response.toString()).isEqualTo(200);
    JsonObject body = response.json();
    String id = body.getString("mraos_work_order_id");
    assertThat(id).matches("WO-\\d+");
    assertThat(body.getString("status")).isEqualTo("success");
    assertThat(body.getString("erp_work_order_id")).isEqualTo(erpId);
    assertThat(body.getString("message")).isEqualTo("Work order created successfully");
    assertThat(body.getJsonArray("validation_warnings")).containsExactly(
        "Part B-5678 has only 50 units available (200 required). Shortage of 150 units.");
    assertThat(response.header("X-Correlation-ID")).contains("corr_happy_" + erpId);

    // stored, with its bill of materials, in one piece
    Map<String, Object> row = node.db.rows("SELECT * FROM work_orders WHERE work_order_id = ?", id).get(0);
    assertThat(row).containsEntry("erp_work_order_id", erpId).containsEntry("status", "received")
        .containsEntry("product_id", "PROD-WD-100").containsEntry("production_line", "Line 2");
    assertThat(node.db.rows("SELECT material_id, quantity_required FROM work_order_bom WHERE work_order_id = ? ORDER BY line_no", id))
        .extracting(r -> r.get("material_id") + "=" + ((java.math.BigDecimal) r.get("quantity_required")).intValue())
        .containsExactly(doorPanel + "=400", hinge + "=200");

    // read back through the API
    Response read = node.api.get("/api/v1/work-orders/" + id, node.token("supervisor"));
    assertThat(read.status()).isEqualTo(200);
    assertThat(read.json().getString("erp_work_order_id")).isEqualTo(erpId);
    assertThat(read.json().getJsonArray("bill_of_materials")).hasSize(2);

    // work_order.received on Kafka topic work-orders (the plant's message bus) in the spec's envelope (Appendix B)
    ConsumerRecord<String, String> record = workOrders.await(
        e -> id.equals(e.getJsonObject("payload").getJsonObject("work_order").getString("mraos_work_order_id")),
        Duration.ofSeconds(20));
    assertThat(record.key()).isEqualTo(id);
    JsonObject envelope = new JsonObject(record.value());
    assertThat(envelope.fieldNames()).containsExactlyInAnyOrder("version", "message_id", "timestamp", "source_system",
        "destination_system", "correlation_id", "payload");
    assertThat(envelope.getString("version")).isEqualTo("1.0");
    assertThat(envelope.getString("message_id")).matches("msg_\\d{8}_\\d{6}_[0-9a-f]{12}");
    assertThat(envelope.getString("source_system")).isEqualTo("MRAOS");
    assertThat(envelope.getString("correlation_id")).isEqualTo("corr_happy_" + erpId);
    assertThat(envelope.getJsonObject("payload").getString("event_type")).isEqualTo("work_order.received");
    assertThat(envelope.getJsonObject("payload").getJsonObject("work_order").getString("erp_work_order_id")).isEqualTo(erpId);

    // and audited
    await().atMost(Duration.ofSeconds(5)).until(() -> node.db.count(
        "SELECT count(*) FROM integration_audit_log WHERE correlation_id = ?", "corr_happy_" + erpId) == 1);
    Map<String, Object> audit = node.db.rows("SELECT * FROM integration_audit_log WHERE correlation_id = ?",
        "corr_happy_" + erpId).get(0);
    assertThat(audit).containsEntry("integration_type", "erp_work_order_inbound").containsEntry("direction", "inbound")
        .containsEntry("external_system", "ERP").containsEntry("http_status_code", 200).containsEntry("success", true)
        .containsEntry("user_id", "erp-connector");
    assertThat(audit.get("request_payload").toString()).contains(erpId);
    assertThat(audit.get("response_payload").toString()).contains(id);
  }

  @Test
  void sameWorkOrderTwiceIsAConflictNamingTheExistingOrder() {
    String erpId = Plant.unique("WO-ERP");
    Response first = node.api.postJson(PATH, erp, specExample("work_order.created", erpId));
    Response second = node.api.postJson(PATH, erp, specExample("work_order.created", erpId));

    assertThat(first.status()).isEqualTo(200);
    assertThat(second.status()).as(second.toString()).isEqualTo(409);
    assertThat(second.json().getString("mraos_work_order_id")).isEqualTo(first.json().getString("mraos_work_order_id"));
    assertThat(second.json().getString("status")).isEqualTo("error");
    assertThat(node.db.count("SELECT count(*) FROM work_orders WHERE erp_work_order_id = ?", erpId)).isEqualTo(1);
  }

  @Test
  void unknownMaterialIsRefusedNothingIsWrittenAndTheMessageWaitsForReview() {
    String erpId = Plant.unique("WO-ERP");
    JsonObject event = Plant.workOrderEvent("work_order.created", erpId,
        Plant.bomLine(doorPanel, "A-1234", "Door Panel", 400),
        Plant.bomLine("MAT-INVALID-999", "X-999", "Nothing", 1));

    Response response = node.api.post(PATH, erp, "application/json", event.encode(), Map.of("X-Correlation-ID", "corr_" + erpId));

    assertThat(response.status()).as(response.toString()).isEqualTo(400);
    JsonObject body = response.json();
    assertThat(body.getString("error_code")).isEqualTo("INT-003");
    assertThat(body.getJsonArray("details")).singleElement().satisfies(d -> {
      assertThat(((JsonObject) d).getString("material_id")).isEqualTo("MAT-INVALID-999");
      assertThat(((JsonObject) d).getString("field")).isEqualTo("work_order.bill_of_materials.1.material_id");
    });
    String failureId = body.getString("failure_id");
    assertThat(failureId).matches("FAIL-\\d{8}-\\d{4,}");

    assertThat(node.db.count("SELECT count(*) FROM work_orders WHERE erp_work_order_id = ?", erpId)).isZero();
    Map<String, Object> failure = node.db.rows("SELECT * FROM integration_failures WHERE failure_id = ?", failureId).get(0);
    assertThat(failure).containsEntry("integration_type", "erp_work_order_inbound")
        .containsEntry("status", "pending_manual_review").containsEntry("error_code", "VALIDATION_ERROR")
        .containsEntry("error_message", "Material MAT-INVALID-999 not found in MRAOS database")
        .containsEntry("correlation_id", "corr_" + erpId);
    assertThat(new JsonObject(failure.get("original_message").toString())).isEqualTo(event);

    // the dead letter in the spec's §7.2 structure, on Kafka
    ConsumerRecord<String, String> record = failures.await(
        e -> failureId.equals(e.getJsonObject("payload").getString("failure_id")), Duration.ofSeconds(20));
    JsonObject deadLetter = new JsonObject(record.value()).getJsonObject("payload");
    assertThat(deadLetter.getString("integration_type")).isEqualTo("erp_work_order_inbound");
    assertThat(deadLetter.getString("status")).isEqualTo("pending_manual_review");
    assertThat(deadLetter.getInteger("retry_count")).isZero();
    assertThat(deadLetter.getJsonObject("original_message")).isEqualTo(event);
    assertThat(deadLetter.getJsonObject("error_details").getString("error_code")).isEqualTo("VALIDATION_ERROR");
    assertThat(deadLetter.getJsonObject("error_details").getString("error_message"))
        .isEqualTo("Material MAT-INVALID-999 not found in MRAOS database");
  }

  @Test
  void inactiveMaterialIsTakenWithAWarning() {
    String retired = Plant.unique("MAT-R");
    JsonObject material = Plant.material(retired, "R-1", "Retired Latch").put("is_active", false);
    assertThat(node.api.postJson(ErpRoutes.MATERIALS, erp, Plant.materials(material)).status()).isEqualTo(200);
    node.db.exec("INSERT INTO material_stock (material_id, on_hand_quantity, allocated_quantity) VALUES (?, 1000, 0)"
        + " ON CONFLICT (material_id) DO UPDATE SET on_hand_quantity = EXCLUDED.on_hand_quantity, allocated_quantity = 0", retired);

    Response response = node.api.postJson(PATH, erp, Plant.workOrderEvent("work_order.created", Plant.unique("WO-ERP"),
        Plant.bomLine(retired, "R-1", "Retired Latch", 10)));

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.json().getJsonArray("validation_warnings"))
        .containsExactly("Part R-1 (" + retired + ") is inactive and can no longer be reserved.");
  }

  @Test
  void updateChangesTheOrderAndItsBillOfMaterialsAndIsPublished() {
    String erpId = Plant.unique("WO-ERP");
    String id = node.api.postJson(PATH, erp, specExample("work_order.created", erpId)).json().getString("mraos_work_order_id");
    JsonObject update = Plant.workOrderEvent("work_order.updated", erpId, Plant.bomLine(doorPanel, "A-1234", "Door Panel", 300));
    update.getJsonObject("work_order").put("quantity_ordered", 150).put("priority", "urgent").put("due_date", "2025-11-20T08:00:00Z");

    Response response = node.api.postJson(PATH, erp, update);

    assertThat(response.status()).as(response.toString()).isEqualTo(200);
    assertThat(response.json().getString("mraos_work_order_id")).isEqualTo(id);
    assertThat(response.json().getString("message")).isEqualTo("Work order updated successfully");
    JsonObject stored = node.api.get("/api/v1/work-orders/" + id, erp).json();
    assertThat(stored.getInteger("quantity_ordered")).isEqualTo(150);
    assertThat(stored.getString("priority")).isEqualTo("urgent");
    assertThat(stored.getString("due_date")).isEqualTo("2025-11-20T08:00:00Z");
    assertThat(stored.getJsonArray("bill_of_materials")).singleElement()
        .satisfies(l -> assertThat(((JsonObject) l).getInteger("quantity_required")).isEqualTo(300));
    workOrders.await(e -> "work_order.updated".equals(e.getJsonObject("payload").getString("event_type"))
        && id.equals(e.getJsonObject("payload").getJsonObject("work_order").getString("mraos_work_order_id")), Duration.ofSeconds(20));
  }

  @Test
  void updateOfAnUnknownOrderIsNotFound() {
    Response response = node.api.postJson(PATH, erp, specExample("work_order.updated", Plant.unique("WO-ERP")));

    assertThat(response.status()).isEqualTo(404);
    assertThat(response.json().getString("error_code")).isEqualTo("INT-004");
  }

  @Test
  void anUpdateOlderThanTheLastAppliedChangeChangesNothing() {
    String erpId = Plant.unique("WO-ERP");
    String id = node.api.postJson(PATH, erp, specExample("work_order.created", erpId)).json().getString("mraos_work_order_id");
    JsonObject late = specExample("work_order.updated", erpId).put("timestamp", "2020-01-01T00:00:00Z");
    late.getJsonObject("work_order").put("quantity_ordered", 1);

    Response response = node.api.postJson(PATH, erp, late);

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.json().getString("message")).contains("nothing changed");
    assertThat(node.api.get("/api/v1/work-orders/" + id, erp).json().getInteger("quantity_ordered")).isEqualTo(200);
  }

  @Test
  void cancellationCancelsOnceAndClosesTheOrderToUpdates() {
    String erpId = Plant.unique("WO-ERP");
    String id = node.api.postJson(PATH, erp, specExample("work_order.created", erpId)).json().getString("mraos_work_order_id");

    Response cancelled = node.api.postJson(PATH, erp, specExample("work_order.cancelled", erpId));
    Response again = node.api.postJson(PATH, erp, specExample("work_order.cancelled", erpId));
    Response update = node.api.postJson(PATH, erp, specExample("work_order.updated", erpId));

    assertThat(cancelled.status()).isEqualTo(200);
    assertThat(cancelled.json().getString("message")).isEqualTo("Work order cancelled successfully");
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.json().getString("message")).isEqualTo("Work order was already cancelled");
    assertThat(update.status()).as(update.toString()).isEqualTo(409);
    JsonObject stored = node.api.get("/api/v1/work-orders/" + id, erp).json();
    assertThat(stored.getString("status")).isEqualTo("cancelled");
    assertThat(stored.getString("cancelled_at")).isNotNull();
    List<JsonObject> cancellations = workOrders.all(e -> "work_order.cancelled".equals(e.getJsonObject("payload").getString("event_type"))
        && id.equals(e.getJsonObject("payload").getJsonObject("work_order").getString("mraos_work_order_id")));
    await().atMost(Duration.ofSeconds(20)).until(() -> !workOrders.all(e -> "work_order.cancelled".equals(
        e.getJsonObject("payload").getString("event_type"))
        && id.equals(e.getJsonObject("payload").getJsonObject("work_order").getString("mraos_work_order_id"))).isEmpty());
    assertThat(cancellations.size()).isLessThanOrEqualTo(1);
  }

  @Test
  void anOrderWithoutBillOfMaterialsIsTaken() {
    JsonObject event = Plant.workOrderEvent("work_order.created", Plant.unique("WO-ERP"));
    event.getJsonObject("work_order").remove("bill_of_materials");

    Response response = node.api.postJson(PATH, erp, event);

    assertThat(response.status()).as(response.toString()).isEqualTo(200);
    assertThat(response.json().getJsonArray("validation_warnings")).isEqualTo(new JsonArray());
  }
}
