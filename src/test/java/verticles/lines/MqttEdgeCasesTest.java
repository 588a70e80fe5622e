package verticles.lines;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import simulators.MesMqttPublisher;
import testsupport.Api.Response;
import testsupport.Plant;
import testsupport.PlantNode;
import testsupport.TestNode;
import verticles.erp.ErpRoutes;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static simulators.MesMqttPublisher.count;
import static simulators.MesMqttPublisher.countTopic;

/**
 * What the MES may send that a line must not apply, each kept as a dead letter with the reason and the message exactly
 * as received (topic, payload text or base64): counts and inspections for an order that is not running on their machine
 * (not started, cancelled, completed, on another machine, or past its quantity in the line's order), topics of the wrong
 * shape under a line's trees, text with control characters or bytes that are not UTF-8, and a message PostgreSQL itself
 * refuses.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class MqttEdgeCasesTest {

  @RegisterExtension
  static final PlantNode plant = PlantNode.start().withMes("mes-edge-test").withMaterial().with("mqtt.reconnect-delays",
      new io.vertx.core.json.JsonArray(List.of("200ms", "500ms")));

  static TestNode node;
  static MesMqttPublisher mes;

  @BeforeAll
  static void start() {
    node = plant.node();
    mes = plant.mes();
  }

  // ------------------------------------------------------------------------------------------ order state (item 1)

  @Test
  void aCountForACancelledOrderIsADeadLetterAndCountsNothing() {
    String id = order(10, "M-203");
    JsonObject event = Plant.workOrderEvent("work_order.cancelled", erpId(id), Plant.bomLine(plant.material(), "A-1", "Panel", 20));
    Response cancelled = node.api.postJson(ErpRoutes.WORK_ORDERS, node.token("erp-connector"), event);
    assertThat(cancelled.status()).as(cancelled.toString()).isEqualTo(200);
    assertThat(status(id)).isEqualTo("cancelled");

    JsonObject count = count("M-203", id, Instant.now(), 1, 1);
    mes.publish(countTopic("line2", "M-203"), count).await();

    Map<String, Object> failure = deadLetter(id);
    assertThat(failure.get("error_message").toString()).contains("Work order " + id + " is cancelled");
    assertOriginal(failure, countTopic("line2", "M-203"), count.encode());
    assertThat(produced(id)).isZero();
    assertThat(node.db.count("SELECT count(*) FROM production_logs WHERE work_order_id = ?", id)).isZero();
  }

  @Test
  void aCountForACompletedOrderIsADeadLetterAndItsCompletionReportStaysAsItWas() {
    String id = order(10, "M-201");
    Response completed = node.api.postJson("/api/v1/work-orders/" + id + "/complete", node.token("supervisor"),
        new JsonObject().put("quantity_produced", 10).put("quantity_scrapped", 0));
    assertThat(completed.status()).as(completed.toString()).isEqualTo(200);
    String report = reportPayload(id);

    JsonObject count = count("M-201", id, Instant.now(), 1, 11);
    mes.publish(countTopic("line2", "M-201"), count).await();

    Map<String, Object> failure = deadLetter(id);
    assertThat(failure.get("error_message").toString()).contains("Work order " + id + " is completed");
    assertOriginal(failure, countTopic("line2", "M-201"), count.encode());
    assertThat(produced(id)).isEqualTo(10);
    assertThat(node.db.count("SELECT count(*) FROM production_logs WHERE work_order_id = ?", id)).isZero();
    assertThat(reportPayload(id)).isEqualTo(report);
  }

  @Test
  void aCountForAnOrderNotStartedOrStartedOnAnotherMachineIsADeadLetter() {
    String notStarted = order(10, null);
    String elsewhere = order(10, "M-101");
    mes.publish(countTopic("line1", "M-102"), count("M-102", notStarted, Instant.now(), 1, 1)).await();
    mes.publish(countTopic("line1", "M-102"), count("M-102", elsewhere, Instant.now(), 1, 1)).await();

    assertThat(deadLetter(notStarted).get("error_message").toString()).contains("has not been started on a machine");
    assertThat(deadLetter(elsewhere).get("error_message").toString()).contains("runs on machine M-101, not M-102");
    assertThat(produced(notStarted)).isZero();
    assertThat(produced(elsewhere)).isZero();

    // from its own machine, the started one counts
    mes.publish(countTopic("line1", "M-101"), count("M-101", elsewhere, Instant.now(), 2, 2)).await();
    await().atMost(Duration.ofSeconds(10)).until(() -> produced(elsewhere) == 2);
  }

  @Test
  void countsInTheBatchThatCompletesTheOrderAfterItsQuantityAreDeadLettersAndItCompletesOnce() {
    String id = order(3, "M-202");
    Instant at = Instant.now();
    List<Future<Integer>> sent = new ArrayList<>();
    for (int i = 1; i <= 6; i++) { // not waiting for one another: they meet in one batch (or a few), in this order
      sent.add(mes.publish(countTopic("line2", "M-202"), count("M-202", id, at.plusMillis(i), 1, i)));
    }
    Future.all(sent).await();

    await().atMost(Duration.ofSeconds(15)).until(() -> "completed".equals(status(id)));
    await().atMost(Duration.ofSeconds(10)).until(() -> failures(id) == 3);
    assertThat(produced(id)).isEqualTo(3);
    assertThat(node.db.rows("SELECT cumulative_units FROM production_logs WHERE work_order_id = ? ORDER BY cumulative_units", id))
        .extracting(r -> r.get("cumulative_units")).containsExactly(1, 2, 3);
    assertThat(node.db.rows("SELECT error_message, original_message->>'payload' AS payload FROM integration_failures"
        + " WHERE original_message::text LIKE ?", "%" + id + "%"))
        // refused in the batch that completed it, or (a later batch) once its completion committed
        .allSatisfy(r -> assertThat(r.get("error_message").toString()).containsAnyOf("had reached its quantity (3 of 3)",
            "is completed"))
        .extracting(r -> new JsonObject(r.get("payload").toString()).getInteger("cumulative_units"))
        .containsExactlyInAnyOrder(4, 5, 6);
    assertThat(node.db.count("SELECT count(*) FROM outbound_messages WHERE integration_type = 'erp_completion_report'"
        + " AND reference_id = ?", id)).isEqualTo(1);
    // a redelivery of a count that was applied is no dead letter
    mes.publish(countTopic("line2", "M-202"), count("M-202", id, at.plusMillis(3), 1, 3)).await();
    JsonObject marker = count("M-202", id, at.plusMillis(7), 1, 7);
    mes.publish(countTopic("line2", "M-202"), marker).await();
    await().atMost(Duration.ofSeconds(10)).until(() -> failures(id) == 4);
  }

  @Test
  void anInspectionForAnOrderNotRunningOnItsMachineIsADeadLetter() {
    String cancelled = order(10, "M-203");
    node.api.postJson(ErpRoutes.WORK_ORDERS, node.token("erp-connector"), Plant.workOrderEvent("work_order.cancelled",
        erpId(cancelled), Plant.bomLine(plant.material(), "A-1", "Panel", 20)));
    String running = order(10, "M-201");
    JsonObject late = MesMqttPublisher.inspection("M-203", cancelled, Instant.now(), Plant.unique("INS"), true, "dent");
    JsonObject wrongMachine = MesMqttPublisher.inspection("M-202", running, Instant.now(), Plant.unique("INS"), false, null);
    mes.publish(MesMqttPublisher.inspectionTopic("line2", "M-203"), late).await();
    mes.publish(MesMqttPublisher.inspectionTopic("line2", "M-202"), wrongMachine).await();
    JsonObject fine = MesMqttPublisher.inspection("M-201", running, Instant.now(), Plant.unique("INS"), false, null);
    mes.publish(MesMqttPublisher.inspectionTopic("line2", "M-201"), fine).await();

    await().atMost(Duration.ofSeconds(10)).until(() -> failures(cancelled, "mes_quality_inspection") == 1
        && failures(running, "mes_quality_inspection") == 1);
    assertThat(failureOf(cancelled, "mes_quality_inspection").get("error_message").toString()).contains("is cancelled");
    assertOriginal(failureOf(cancelled, "mes_quality_inspection"), MesMqttPublisher.inspectionTopic("line2", "M-203"), late.encode());
    assertThat(failureOf(running, "mes_quality_inspection").get("error_message").toString()).contains("runs on machine M-201, not M-202");
    await().atMost(Duration.ofSeconds(10)).until(() -> node.db.count(
        "SELECT count(*) FROM quality_inspections WHERE work_order_id = ?", running) == 1);
    assertThat(node.db.count("SELECT count(*) FROM quality_inspections WHERE work_order_id = ?", cancelled)).isZero();
    assertThat(node.db.count("SELECT count(*) FROM alerts WHERE work_order_id = ?", cancelled)).isZero();
  }

  // ------------------------------------------------------------------------------------------ topics (item 3)

  @Test
  void aMessageOnATopicOfTheWrongShapeUnderALinesTreeIsADeadLetterWithItsTopic() {
    String marker = Plant.unique("WRONG-TOPIC");
    List<String> topics = List.of("mes/production/line1/machine/M-101/count/extra", "mes/production/line1/machine/count",
        "mes/production/line1", "mes/quality/line1/machine/M-101/count", "mes/downtime/line1/machine/M-101/inspection");
    for (String topic : topics) {
      mes.publish(topic, count("M-101", marker, Instant.now(), 1, 1)).await();
    }

    await().atMost(Duration.ofSeconds(10)).until(() -> node.db.count(
        "SELECT count(*) FROM integration_failures WHERE original_message::text LIKE ?", "%" + marker + "%") == topics.size());
    List<Map<String, Object>> rows = node.db.rows("SELECT original_message->>'topic' AS topic, error_message, integration_type"
        + " FROM integration_failures WHERE original_message::text LIKE ?", "%" + marker + "%");
    assertThat(rows).extracting(r -> r.get("topic")).containsExactlyInAnyOrderElementsOf(topics);
    assertThat(rows).allSatisfy(r -> assertThat(r.get("error_message").toString()).contains("is not an MES topic"));
    assertThat(rows).filteredOn(r -> r.get("topic").toString().startsWith("mes/quality"))
        .extracting(r -> r.get("integration_type")).containsExactly("mes_quality_inspection");
  }

  // ------------------------------------------------------------------------------------------ text and originals (item 4)

  @Test
  void aControlCharacterInAFieldIsRefusedBeforeSqlWithTheOriginalAsReceived() {
    String id = order(10, "M-203");
    JsonObject withNul = count("M-203", id, Instant.now(), 1, 1).put("quality_status", "pa\u0000ss");
    mes.publish(countTopic("line2", "M-203"), withNul).await();

    Map<String, Object> failure = deadLetter(id);
    assertThat(failure.get("error_message").toString()).contains("field quality_status holds a control character (U+0000)")
        .doesNotContain("PostgreSQL");
    assertOriginal(failure, countTopic("line2", "M-203"), withNul.encode());
    assertThat(produced(id)).isZero();
    // retried as it was, it is still refused (and makes no new dead letter)
    Response retried = retry(failure.get("failure_id").toString(), null);
    assertThat(retried.json().getString("status")).as(retried.toString()).isEqualTo("pending_manual_review");
    assertThat(retried.json().getJsonObject("result").getString("error")).contains("control character");
    assertThat(failures(id)).isEqualTo(1);
  }

  @Test
  void aPayloadThatIsNotUtf8IsKeptInBase64AndRefusedAsSuchOnRetry() {
    String id = order(10, "M-203");
    byte[] bytes = ("{\"machine_id\": \"M-203\", \"work_order_id\": \"" + id + "\", \"note\": \"").getBytes();
    Buffer payload = Buffer.buffer(bytes).appendBytes(new byte[] {(byte) 0xC3, 0x28, 0x00, (byte) 0xFF}).appendString("\"}");
    mes.publish(countTopic("line2", "M-203"), payload).await();

    await().atMost(Duration.ofSeconds(10)).until(() -> node.db.count("SELECT count(*) FROM integration_failures"
        + " WHERE original_message->>'payload' = ?", Base64.getEncoder().encodeToString(payload.getBytes())) == 1);
    Map<String, Object> failure = node.db.rows("SELECT * FROM integration_failures WHERE original_message->>'payload' = ?",
        Base64.getEncoder().encodeToString(payload.getBytes())).get(0);
    assertThat(failure.get("error_message").toString()).isEqualTo("Payload is not valid UTF-8");
    JsonObject original = new JsonObject(failure.get("original_message").toString());
    assertThat(original.getString("payload_encoding")).isEqualTo("base64");
    assertThat(original.getString("topic")).isEqualTo(countTopic("line2", "M-203"));
    assertThat(Base64.getDecoder().decode(original.getString("payload"))).isEqualTo(payload.getBytes());
    Response retried = retry(failure.get("failure_id").toString(), null);
    assertThat(retried.json().getJsonObject("result").getString("error")).as(retried.toString()).contains("not valid UTF-8");
  }

  @Test
  void aMessagePostgresqlRefusesKeepsItsOriginalAndIsAppliedWhenRetriedCorrected() {
    String id = order(10, "M-203");
    // quality_status is VARCHAR(16): only PostgreSQL finds this one wrong
    JsonObject tooLong = count("M-203", id, Instant.now(), 2, 2).put("quality_status", "far-too-long-a-quality-status");
    mes.publish(countTopic("line2", "M-203"), tooLong).await();
    JsonObject next = count("M-203", id, Instant.now().plusMillis(1), 1, 3);
    mes.publish(countTopic("line2", "M-203"), next).await();

    Map<String, Object> failure = deadLetter(id);
    assertThat(failure.get("error_message").toString()).startsWith("PostgreSQL refused it");
    assertOriginal(failure, countTopic("line2", "M-203"), tooLong.encode());
    assertThat(failure.get("original_message").toString()).doesNotContain("Count[");
    await().atMost(Duration.ofSeconds(10)).until(() -> produced(id) == 1);

    JsonObject corrected = new JsonObject().put("topic", countTopic("line2", "M-203"))
        .put("payload", tooLong.copy().put("quality_status", "pass"));
    Response retried = retry(failure.get("failure_id").toString(), corrected);
    assertThat(retried.json().getString("status")).as(retried.toString()).isEqualTo("resolved");
    assertThat(produced(id)).isEqualTo(3);
  }

  // ------------------------------------------------------------------------------------------ helpers

  /** A work order of 'quantity' a supervisor started on 'machine' (null: not started). */
  static String order(int quantity, String machine) {
    JsonObject event = Plant.workOrderEvent("work_order.created", Plant.unique("WO-ERP"),
        Plant.bomLine(plant.material(), "A-1", "Panel", 2 * quantity));
    event.getJsonObject("work_order").put("quantity_ordered", quantity);
    Response created = node.api.postJson(ErpRoutes.WORK_ORDERS, node.token("erp-connector"), event);
    assertThat(created.status()).as(created.toString()).isEqualTo(200);
    String id = created.json().getString("mraos_work_order_id");
    if (machine != null) {
      Plant.start(node, id, machine);
    }
    return id;
  }

  static String erpId(String id) {
    return (String) node.db.value("SELECT erp_work_order_id FROM work_orders WHERE work_order_id = ?", id);
  }

  static String status(String id) {
    return (String) node.db.value("SELECT status FROM work_orders WHERE work_order_id = ?", id);
  }

  static long produced(String id) {
    return ((BigDecimal) node.db.value("SELECT quantity_produced FROM work_orders WHERE work_order_id = ?", id)).longValue();
  }

  static String reportPayload(String id) {
    return String.valueOf(node.db.value("SELECT payload::text FROM outbound_messages WHERE integration_type ="
        + " 'erp_completion_report' AND reference_id = ?", id));
  }

  static long failures(String id) {
    return node.db.count("SELECT count(*) FROM integration_failures WHERE original_message::text LIKE ?", "%" + id + "%");
  }

  static long failures(String id, String type) {
    return node.db.count("SELECT count(*) FROM integration_failures WHERE integration_type = ? AND original_message::text LIKE ?",
        type, "%" + id + "%");
  }

  static Map<String, Object> failureOf(String id, String type) {
    return node.db.rows("SELECT * FROM integration_failures WHERE integration_type = ? AND original_message::text LIKE ?",
        type, "%" + id + "%").get(0);
  }

  /** The one dead letter about work order 'id' (waited for). */
  static Map<String, Object> deadLetter(String id) {
    await("a dead letter about " + id).atMost(Duration.ofSeconds(10)).until(() -> failures(id) >= 1);
    assertThat(failures(id)).isEqualTo(1);
    return node.db.rows("SELECT * FROM integration_failures WHERE original_message::text LIKE ?", "%" + id + "%").get(0);
  }

  /** The dead letter keeps the topic and the payload exactly as published (its text). */
  static void assertOriginal(Map<String, Object> failure, String topic, String payload) {
    JsonObject original = new JsonObject(failure.get("original_message").toString());
    assertThat(original.getString("topic")).isEqualTo(topic);
    assertThat(original.getString("payload_encoding")).isEqualTo("utf-8");
    assertThat(original.getValue("payload")).as("the payload as received").isEqualTo(payload);
  }

  static Response retry(String failure, JsonObject corrected) {
    JsonObject body = new JsonObject().put("note", "checked with the line");
    if (corrected != null) {
      body.put("payload", corrected);
    }
    return node.api.postJson("/api/v1/integration-failures/" + failure + "/retry", node.token("supervisor"), body);
  }
}
