package verticles.erp;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import testsupport.Api.Response;
import testsupport.Plant;
import testsupport.TestNode;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static verticles.erp.Refusals.assertErrorBody;
import static verticles.erp.Refusals.awaitAudit;
import static verticles.erp.Refusals.correlationId;
import static verticles.erp.Refusals.detailFields;
import static verticles.erp.Refusals.json;

/**
 * Requests that are not a JSON object, or not the right request at all, get a precise 4xx with the standard error body
 * (status, error_code, message, details, correlation_id) and the X-Correlation-ID echoed; never a 500.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ErpRequestErrorsTest {

  static final String PATH = ErpRoutes.WORK_ORDERS;
  static final String GENERATED_CORRELATION_ID = "corr_[0-9a-f]{20}";
  static TestNode node;
  static String erp;
  static String panel;

  @BeforeAll
  static void start() {
    node = TestNode.start();
    erp = node.token("erp-connector");
    panel = Plant.unique("MAT-E-PANEL");
    Response materials = node.api.postJson(ErpRoutes.MATERIALS, erp, Plant.materials(Plant.material(panel, "A-1234", "Door Panel")));
    assertThat(materials.status()).as(materials.toString()).isEqualTo(200);
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  static JsonObject validEvent(String erpId) {
    return Plant.workOrderEvent("work_order.created", erpId, Plant.bomLine(panel, "A-1234", "Door Panel", 4));
  }

  static Map<String, String> correlated(String correlationId) {
    return Map.of("X-Correlation-ID", correlationId);
  }

  long stored(String erpId) {
    return node.db.count("SELECT count(*) FROM work_orders WHERE erp_work_order_id = ?", erpId);
  }

  // ------------------------------------------------------------------------------------------------ content type

  @Test
  void textPlainIsUnsupportedMediaType() {
    String erpId = Plant.unique("WO-ERP-E");
    String correlationId = correlationId("corr_plain");
    JsonObject event = validEvent(erpId);

    Response response = node.api.post(PATH, erp, "text/plain", event.encode(), correlated(correlationId));

    JsonObject body = assertErrorBody(response, 415, "INT-003", correlationId);
    assertThat(body.getString("message")).contains("application/json").contains("text/plain");
    assertThat(stored(erpId)).isZero();
    Map<String, Object> audit = awaitAudit(node, correlationId);
    assertThat(audit).containsEntry("http_status_code", 415).containsEntry("success", false)
        .containsEntry("integration_type", "erp_work_order_inbound");
    assertThat(json(audit.get("request_payload"))).isEqualTo(event);
  }

  @Test
  void missingContentTypeIsUnsupportedMediaType() {
    String erpId = Plant.unique("WO-ERP-E");
    String correlationId = correlationId("corr_notype");

    Response response = node.api.post(PATH, erp, null, validEvent(erpId).encode(), correlated(correlationId));

    JsonObject body = assertErrorBody(response, 415, "INT-003", correlationId);
    assertThat(body.getString("message")).contains("application/json").contains("missing");
    assertThat(stored(erpId)).isZero();
    assertThat(awaitAudit(node, correlationId)).containsEntry("http_status_code", 415).containsEntry("success", false);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"application/json; charset=utf-8", "Application/JSON", "application/vnd.erp.work-order+json"})
  void jsonMediaTypesWithParametersCaseOrSuffixAreAccepted(String contentType) {
    String erpId = Plant.unique("WO-ERP-E");

    Response response = node.api.post(PATH, erp, contentType, validEvent(erpId).encode(), Map.of());

    assertThat(response.status()).as(response.toString()).isEqualTo(200);
    assertThat(stored(erpId)).isEqualTo(1);
  }

  // ------------------------------------------------------------------------------------------------ not a JSON object

  @Test
  void brokenJsonIsAValidationError() {
    String correlationId = correlationId("corr_broken");
    String broken = "{\"event_type\": \"work_order.created\", \"work_order\": {\"erp_work_order_id\": \"WO-ERP-BROKEN\",";

    Response response = node.api.post(PATH, erp, "application/json", broken, correlated(correlationId));

    JsonObject body = assertErrorBody(response, 400, "INT-003", correlationId);
    assertThat(body.getString("message")).startsWith("The request body is not valid JSON");
    Map<String, Object> audit = awaitAudit(node, correlationId);
    assertThat(audit).containsEntry("http_status_code", 400).containsEntry("success", false);
    assertThat(json(audit.get("request_payload"))).as("broken body kept as text")
        .isEqualTo(new JsonObject().put("raw", broken));
  }

  @Test
  void emptyBodyIsAValidationError() {
    String correlationId = correlationId("corr_empty");

    Response response = node.api.post(PATH, erp, "application/json", "", correlated(correlationId));

    JsonObject body = assertErrorBody(response, 400, "INT-003", correlationId);
    assertThat(body.getString("message")).contains("empty");
    assertThat(awaitAudit(node, correlationId)).containsEntry("http_status_code", 400).containsEntry("success", false);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"[]", "[{\"event_type\":\"work_order.created\"}]", "\"work_order.created\"", "42", "true", "null"})
  void jsonThatIsNotAnObjectIsAValidationError(String json) {
    String correlationId = correlationId("corr_notobject");

    Response response = node.api.post(PATH, erp, "application/json", json, correlated(correlationId));

    JsonObject body = assertErrorBody(response, 400, "INT-003", correlationId);
    assertThat(body.getString("message")).isEqualTo("The request body must be a JSON object");
    assertThat(awaitAudit(node, correlationId)).containsEntry("http_status_code", 400).containsEntry("success", false);
  }

  // ------------------------------------------------------------------------------------------------ body size

  /** http.max-body-bytes defaults to 1 MiB. */
  static final int LIMIT = 1_048_576;

  /** A syntactically valid event padded to exactly {@code size} bytes (ASCII) through special_instructions. */
  static String eventOfSize(String erpId, int size) {
    JsonObject event = validEvent(erpId);
    event.getJsonObject("work_order").put("special_instructions", "");
    int padding = size - event.encode().length();
    event.getJsonObject("work_order").put("special_instructions", "x".repeat(padding));
    String body = event.encode();
    assertThat(body).hasSize(size);
    return body;
  }

  @Test
  void aBodyOverTheLimitIsPayloadTooLarge() {
    assertThat(node.config().http().maxBodyBytes()).isEqualTo(LIMIT);
    String erpId = Plant.unique("WO-ERP-E");
    String correlationId = correlationId("corr_large");

    Response response = node.api.post(PATH, erp, "application/json", eventOfSize(erpId, LIMIT + 1), correlated(correlationId));

    JsonObject body = assertErrorBody(response, 413, "INT-003", correlationId);
    assertThat(body.getString("message")).contains(String.valueOf(LIMIT));
    assertThat(stored(erpId)).isZero();
  }

  @Test
  void aBodyAtTheLimitIsReadAndValidated() {
    String erpId = Plant.unique("WO-ERP-E");
    String correlationId = correlationId("corr_atlimit");

    Response response = node.api.post(PATH, erp, "application/json", eventOfSize(erpId, LIMIT), correlated(correlationId));

    // read in full: the schema (not the size limit) refuses it, for special_instructions' length
    JsonObject body = assertErrorBody(response, 400, "INT-003", correlationId);
    assertThat(detailFields(body)).containsExactly("work_order.special_instructions");
  }

  /** Spec §9.3 (and AuditTrail's own contract): every request to an integration endpoint is audited, refused ones too. */
  @Test
  void aBodyOverTheLimitIsAuditedLikeEveryOtherRefusal() {
    String correlationId = correlationId("corr_large_audit");

    Response response = node.api.post(PATH, erp, "application/json", eventOfSize(Plant.unique("WO-ERP-E"), LIMIT + 1),
        correlated(correlationId));

    assertThat(response.status()).isEqualTo(413);
    Map<String, Object> audit = awaitAudit(node, correlationId);
    assertThat(audit).containsEntry("http_status_code", 413).containsEntry("success", false)
        .containsEntry("integration_type", "erp_work_order_inbound");
  }

  // ------------------------------------------------------------------------------------------------ routing

  @Test
  void getOnThePostOnlyEndpointIsMethodNotAllowed() {
    Response get = node.api.get(PATH, erp);
    Response delete = node.api.send("DELETE", PATH, erp);
    Response put = node.api.send("PUT", ErpRoutes.MATERIALS, erp);

    assertThat(assertErrorBody(get, 405, "INT-003").getString("message")).contains("GET").contains(PATH);
    assertThat(assertErrorBody(delete, 405, "INT-003").getString("message")).contains("DELETE");
    assertThat(assertErrorBody(put, 405, "INT-003").getString("message")).contains("PUT");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"/api/v1/no-such-thing", "/api/v1/integrations/erp/purchase-orders", "/api/v2/integrations/erp/work-orders",
      "/api/v1/work-orders/WO-1/nothing"})
  void anUnknownPathUnderApiIsNotFound(String path) {
    String correlationId = correlationId("corr_nopath");

    Response get = node.api.get(path, erp);
    Response post = node.api.post(path, erp, "application/json", validEvent(Plant.unique("WO-ERP-E")).encode(),
        correlated(correlationId));

    assertThat(assertErrorBody(get, 404, "INT-004").getString("message")).contains(path);
    assertErrorBody(post, 404, "INT-004", correlationId);
  }

  // ------------------------------------------------------------------------------------------------ correlation ids

  @Test
  void aCorrelationIdIsGeneratedWhenNoneIsSent() {
    Response first = node.api.post(PATH, erp, "text/plain", "{}", Map.of());
    Response second = node.api.post(PATH, erp, "text/plain", "{}", Map.of());

    String id = assertErrorBody(first, 415, "INT-003").getString("correlation_id");
    assertThat(id).matches(GENERATED_CORRELATION_ID);
    assertThat(first.header("X-Correlation-ID")).contains(id);
    assertThat(assertErrorBody(second, 415, "INT-003").getString("correlation_id")).matches(GENERATED_CORRELATION_ID)
        .isNotEqualTo(id);
    assertThat(awaitAudit(node, id)).containsEntry("http_status_code", 415);
  }

  @Test
  void anUnusableCorrelationIdIsReplacedByAGeneratedOne() {
    Map<String, String> headers = new HashMap<>();
    headers.put("X-Correlation-ID", "two words; and <html>");

    Response response = node.api.post(PATH, erp, "text/plain", "{}", headers);

    JsonObject body = assertErrorBody(response, 415, "INT-003");
    assertThat(body.getString("correlation_id")).matches(GENERATED_CORRELATION_ID);
  }

  @Test
  void aSuccessfulCallEchoesTheCorrelationIdItWasGiven() {
    String correlationId = correlationId("corr_ok");

    Response response = node.api.post(PATH, erp, "application/json", validEvent(Plant.unique("WO-ERP-E")).encode(),
        correlated(correlationId));

    assertThat(response.status()).as(response.toString()).isEqualTo(200);
    assertThat(response.header("X-Correlation-ID")).contains(correlationId);
    assertThat(awaitAudit(node, correlationId)).containsEntry("http_status_code", 200).containsEntry("success", true);
  }

  // ------------------------------------------------------------------------------------------------ text PostgreSQL cannot store

  /** The spec's example event (without BOM) whose product_name carries U+0000, legal in JSON. */
  static JsonObject eventWithNul(String erpId) {
    JsonObject event = Plant.workOrderEvent("work_order.created", erpId);
    event.getJsonObject("work_order").remove("bill_of_materials");
    event.getJsonObject("work_order").put("product_name", "Washer\u0000Door");
    return event;
  }

  /**
   * JSON may carry U+0000 inside a string; PostgreSQL can store it neither in text nor in jsonb. Such a payload must be
   * refused as a validation error naming the field, not end in a database error (500). On a node of its own, as the
   * audit of such a payload may stall (see the next test).
   */
  @Test
  void aNulCharacterInAStringIsAValidationErrorNotA500() {
    try (TestNode own = TestNode.start()) {
      String erpId = Plant.unique("WO-ERP-NUL");
      String correlationId = correlationId("corr_nul");

      Response response = own.api.post(PATH, own.token("erp-connector"), "application/json", eventWithNul(erpId).encode(),
          correlated(correlationId));

      JsonObject body = assertErrorBody(response, 400, "INT-003", correlationId);
      assertThat(detailFields(body)).contains("work_order.product_name");
      assertThat(own.db.count("SELECT count(*) FROM work_orders WHERE erp_work_order_id = ?", erpId)).isZero();
    }
  }

  /** The audit row of a payload with U+0000 must not keep the node's later audit rows from being written. */
  @Test
  void aNulCharacterInAPayloadDoesNotStallTheAuditTrail() {
    try (TestNode own = TestNode.start()) {
      String token = own.token("erp-connector");
      String correlationId = correlationId("corr_nul_audit");
      own.api.post(PATH, token, "application/json", eventWithNul(Plant.unique("WO-ERP-NUL")).encode(), correlated(correlationId));
      String[] later = new String[4];
      for (int i = 0; i < later.length; i++) {
        later[i] = correlationId("corr_after_nul");
        assertThat(own.api.post(PATH, token, "text/plain", "{}", correlated(later[i])).status()).isEqualTo(415);
      }

      for (String id : later) {
        assertThat(awaitAudit(own, id)).containsEntry("http_status_code", 415);
      }
      assertThat(awaitAudit(own, correlationId)).containsEntry("success", false);
    }
  }
}
