package verticles.erp;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import testsupport.Api.Response;
import testsupport.TestNode;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Checks shared by the refusal tests: the error body every 4xx carries, and the audit row it leaves. */
public final class Refusals {

  private Refusals() {
  }

  /** A correlation id MRAOS accepts as sent (letters, digits, ._:@/+=-), unique per call. */
  public static String correlationId(String prefix) {
    return prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
  }

  /**
   * The response is {@code status} with the standard error body: status "error", error_code, a message, details (an
   * array) and correlation_id, the latter echoed in X-Correlation-ID. Returns the body.
   */
  public static JsonObject assertErrorBody(Response response, int status, String errorCode) {
    assertThat(response.status()).as(response.toString()).isEqualTo(status);
    assertThat(response.header("Content-Type")).as("content type of " + response).hasValueSatisfying(
        type -> assertThat(type).startsWith("application/json"));
    JsonObject body = response.json();
    assertThat(body.getString("status")).as(response.toString()).isEqualTo("error");
    assertThat(body.getString("error_code")).as(response.toString()).isEqualTo(errorCode);
    assertThat(body.getString("message")).as(response.toString()).isNotBlank();
    assertThat(body.getValue("details")).as(response.toString()).isInstanceOf(JsonArray.class);
    assertThat(body.getString("correlation_id")).as(response.toString()).isNotBlank();
    assertThat(response.header("X-Correlation-ID")).as("X-Correlation-ID of " + response)
        .contains(body.getString("correlation_id"));
    return body;
  }

  /** The error body as {@link #assertErrorBody}, with the correlation id the caller sent honoured in body and header. */
  public static JsonObject assertErrorBody(Response response, int status, String errorCode, String sentCorrelationId) {
    JsonObject body = assertErrorBody(response, status, errorCode);
    assertThat(body.getString("correlation_id")).isEqualTo(sentCorrelationId);
    return body;
  }

  /** The fields the details name, each distinct field once, in order of appearance. */
  public static List<String> detailFields(JsonObject errorBody) {
    return errorBody.getJsonArray("details").stream()
        .map(d -> ((JsonObject) d).getString("field"))
        .distinct()
        .toList();
  }

  /** Audit rows are written asynchronously in small batches: waits for the one row of this correlation id. */
  public static Map<String, Object> awaitAudit(TestNode node, String correlationId) {
    await("audit row of " + correlationId).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
        .until(() -> node.db.count("SELECT count(*) FROM integration_audit_log WHERE correlation_id = ?", correlationId) > 0);
    List<Map<String, Object>> rows = node.db.rows("SELECT * FROM integration_audit_log WHERE correlation_id = ?", correlationId);
    assertThat(rows).as("audit rows of " + correlationId).hasSize(1);
    return rows.get(0);
  }

  /** The JSON kept in a jsonb column (null stays null). */
  public static JsonObject json(Object jsonbColumn) {
    return jsonbColumn == null ? null : new JsonObject(jsonbColumn.toString());
  }
}
