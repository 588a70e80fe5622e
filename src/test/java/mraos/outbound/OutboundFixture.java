package mraos.outbound;

import io.vertx.core.json.JsonObject;
import simulators.ErpSimulator;
import simulators.ReceivedRequest;
import testsupport.Api.Response;
import testsupport.Db;
import testsupport.Plant;
import testsupport.TestNode;
import verticles.erp.ErpRoutes;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What the outbound tests share: a node's config pointed at an ERP simulator with shrunk durations, a work order made
 * and completed through the API (so a completion report is queued for ERP), and ways to look at what happened: the
 * requests ERP received for one message (by Idempotency-Key), the message's row, its audit rows, the breaker state on
 * the integration status and /metrics.
 */
public final class OutboundFixture {

  public static final String PATH = ErpSimulator.COMPLETION_PATH;
  public static final String TYPE = "erp_completion_report";

  private OutboundFixture() {
  }

  /** Node config: ERP at the simulator, the queue looked at every 100 ms, plus the test's own keys. */
  public static Map<String, Object> config(String erpBaseUrl, Map<String, Object> extra) {
    Map<String, Object> config = new HashMap<>();
    config.put("erp.base-url", erpBaseUrl);
    config.put("outbound.poll-interval", "100ms");
    config.putAll(extra);
    return config;
  }

  /**
   * A completed work order and the completion report queued for it; {@code correlationId} is the one the report
   * carries: the order's, from ERP's webhook (not the supervisor's completing request's).
   */
  public record Completed(String workOrderId, String erpWorkOrderId, String materialId, String messageId, String correlationId,
                   JsonObject response) {
  }

  /**
   * A work order received from ERP (with one material in its bill of materials), not yet completed; {@code correlationId}:
   * the X-Correlation-ID ERP's webhook came with.
   */
  public record Order(String workOrderId, String erpWorkOrderId, String materialId, String correlationId) {
  }

  public static Order order(TestNode node) {
    return order(node, node.token("erp-connector"));
  }

  public static Order order(TestNode node, String token) {
    String material = Plant.unique("MAT");
    Response materials = node.api.postJson(ErpRoutes.MATERIALS, token, Plant.materials(Plant.material(material, "A-1234", "Door Panel")));
    assertThat(materials.status()).as(materials.toString()).isEqualTo(200);
    String erpId = Plant.unique("WO-ERP");
    String correlationId = "corr_erp_" + Plant.unique("wo").toLowerCase();
    Response created = node.api.post(ErpRoutes.WORK_ORDERS, token, "application/json", Plant.workOrderEvent(
        "work_order.created", erpId, Plant.bomLine(material, "A-1234", "Door Panel", 400)).encode(),
        Map.of("X-Correlation-ID", correlationId));
    assertThat(created.status()).as(created.toString()).isEqualTo(200);
    return new Order(created.json().getString("mraos_work_order_id"), erpId, material, correlationId);
  }

  public static Completed complete(TestNode node, Order order, JsonObject completion) {
    return complete(node, order, completion, node.token("supervisor"));
  }

  public static Completed complete(TestNode node, Order order, JsonObject completion, String supervisorToken) {
    String requestCorrelationId = "corr_" + Plant.unique("out").toLowerCase();
    Response done = node.api.post("/api/v1/work-orders/" + order.workOrderId() + "/complete", supervisorToken,
        "application/json", completion.encode(), Map.of("X-Correlation-ID", requestCorrelationId));
    assertThat(done.status()).as(done.toString()).isEqualTo(200);
    // the completion report is the one call queued for ERP
    JsonObject call = done.json().getJsonArray("calls_queued").getJsonObject(0);
    assertThat(call.getString("external_system")).isEqualTo("ERP");
    assertThat(call.getString("integration_type")).isEqualTo("erp_completion_report");
    String messageId = call.getString("message_id");
    assertThat(messageId).isNotBlank();
    return new Completed(order.workOrderId(), order.erpWorkOrderId(), order.materialId(), messageId, order.correlationId(),
        done.json());
  }

  /** A new work order, completed with 200 produced and 3 scrapped. */
  public static Completed completeNew(TestNode node) {
    return complete(node, order(node), new JsonObject().put("quantity_produced", 200).put("quantity_scrapped", 3));
  }

  /** The requests ERP received for this message (its Idempotency-Key), oldest first. */
  public static List<ReceivedRequest> requests(ErpSimulator erp, String messageId) {
    return erp.received(PATH).stream().filter(r -> messageId.equals(r.header("Idempotency-Key"))).toList();
  }

  /** The completion reports ERP booked for this message (once per Idempotency-Key). */
  public static long booked(ErpSimulator erp, String messageId) {
    return erp.completionReceipts().stream().filter(r -> messageId.equals(r.idempotencyKey())).count();
  }

  /** The message's row in outbound_messages. */
  public static Map<String, Object> message(Db db, String messageId) {
    List<Map<String, Object>> rows = db.rows("SELECT * FROM outbound_messages WHERE message_id = ?", messageId);
    assertThat(rows).as("outbound message " + messageId).hasSize(1);
    return rows.get(0);
  }

  public static String status(Db db, String messageId) {
    return (String) message(db, messageId).get("status");
  }

  /** Waits until the message is delivered or failed (a dead letter) and returns its row. */
  public static Map<String, Object> awaitSettled(Db db, String messageId, Duration atMost) {
    await("message " + messageId + " settled").atMost(atMost).pollInterval(Duration.ofMillis(100))
        .until(() -> !"pending".equals(status(db, messageId)));
    return message(db, messageId);
  }

  /** The outbound audit rows of the calls for this report (one per attempt), oldest first. */
  public static List<Map<String, Object>> outboundAudit(Db db, String correlationId) {
    return db.rows("SELECT * FROM integration_audit_log WHERE correlation_id = ? AND direction = 'outbound' ORDER BY log_id",
        correlationId);
  }

  /** Waits for exactly {@code count} outbound audit rows (they are written in batches) and checks they stay that many. */
  public static List<Map<String, Object>> awaitOutboundAudit(Db db, String correlationId, int count) {
    await("outbound audit rows of " + correlationId).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
        .until(() -> outboundAudit(db, correlationId).size() >= count);
    List<Map<String, Object>> rows = outboundAudit(db, correlationId);
    assertThat(rows).as("outbound audit rows of " + correlationId).hasSize(count);
    for (Map<String, Object> row : rows) {
      assertThat(row).containsEntry("direction", "outbound").containsEntry("external_system", "ERP")
          .containsEntry("integration_type", TYPE).containsEntry("http_method", "POST").containsEntry("endpoint", PATH);
      assertThat(row.get("request_payload")).as("request payload audited").isNotNull();
    }
    return rows;
  }

  /** Milliseconds between consecutive requests. */
  public static long[] gapsMillis(List<ReceivedRequest> requests) {
    long[] gaps = new long[Math.max(0, requests.size() - 1)];
    for (int i = 1; i < requests.size(); i++) {
      gaps[i - 1] = Duration.between(requests.get(i - 1).receivedAt(), requests.get(i).receivedAt()).toMillis();
    }
    return gaps;
  }

  /** Milliseconds between consecutive audit rows (each row's timestamp is when its attempt started). */
  public static long[] auditGapsMillis(List<Map<String, Object>> rows) {
    long[] gaps = new long[Math.max(0, rows.size() - 1)];
    for (int i = 1; i < rows.size(); i++) {
      gaps[i - 1] = Duration.between(instant(rows.get(i - 1).get("timestamp")), instant(rows.get(i).get("timestamp"))).toMillis();
    }
    return gaps;
  }

  public static Instant instant(Object timestamp) {
    if (timestamp instanceof OffsetDateTime odt) {
      return odt.toInstant();
    }
    if (timestamp instanceof java.sql.Timestamp ts) {
      return ts.toInstant();
    }
    throw new IllegalArgumentException("not a timestamp: " + timestamp);
  }

  /** The integration failure (dead letter) row. */
  public static Map<String, Object> failure(Db db, String failureId) {
    List<Map<String, Object>> rows = db.rows("SELECT * FROM integration_failures WHERE failure_id = ?", failureId);
    assertThat(rows).as("integration failure " + failureId).hasSize(1);
    return rows.get(0);
  }

  /** ERP's outbound path as the integration status shows it (breaker, queued, in_flight), or null when not reported. */
  public static JsonObject erpOutboundHealth(TestNode node) {
    JsonObject part = node.status.part("outbound-erp");
    return part == null ? null : part.getJsonObject("data");
  }

  public static String breakerOnHealth(TestNode node) {
    JsonObject erp = erpOutboundHealth(node);
    return erp == null ? null : erp.getString("breaker");
  }

  /** A sample's value on /metrics, e.g. {@code mraos_outbound_breaker_state{system="ERP"}}; null when absent. */
  public static Double metric(TestNode node, String name, String labels) {
    Response metrics = node.api.get("/metrics", null);
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{([^}]*)\\}\\s+(\\S+)$").matcher(metrics.body());
    while (m.find()) {
      if (m.group(1).contains(labels)) {
        return Double.parseDouble(m.group(2));
      }
    }
    return null;
  }

  public static Double breakerMetric(TestNode node) {
    return metric(node, "mraos_outbound_breaker_state", "system=\"ERP\"");
  }
}
