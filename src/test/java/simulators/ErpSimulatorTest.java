package simulators;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static simulators.Calls.json;
import static simulators.Calls.request;
import static simulators.Calls.send;
import static simulators.ErpSimulator.COMPLETION_PATH;
import static simulators.ErpSimulator.CONSUMPTION_PATH;
import static simulators.ErpSimulator.MATERIALS_PATH;
import static simulators.ErpSimulator.WORK_ORDERS_PATH;

/**
 * The ERP simulator takes completion reports and consumption batches once each however often MRAOS sends them,
 * serves its material master and changed work orders page by page, and wants a bearer token for all of it.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ErpSimulatorTest {

  static final String TOKEN = "Bearer erp-token-1";

  static Vertx vertx;
  static ErpSimulator erp;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    erp = ErpSimulator.start(vertx, 0).await();
  }

  @AfterAll
  static void stop() {
    erp.stop().await();
    vertx.close().await();
  }

  @BeforeEach
  void forget() {
    erp.reset();
  }

  static JsonObject report(String mraosWorkOrderId) {
    return new JsonObject()
        .put("erp_work_order_id", "WO-ERP-452100")
        .put("mraos_work_order_id", mraosWorkOrderId)
        .put("completion_timestamp", "2025-11-18T15:45:30Z")
        .put("quantity_produced", 200)
        .put("quantity_scrapped", 3)
        .put("quantity_good", 197)
        .put("materials_consumed", new JsonArray().add(new JsonObject()
            .put("material_id", "MAT-A-1234").put("quantity_consumed", 405).put("unit_of_measure", "EA")));
  }

  static JsonObject batch(String batchId) {
    return new JsonObject()
        .put("batch_id", batchId)
        .put("period_start", "2025-11-18T08:00:00Z")
        .put("period_end", "2025-11-18T09:00:00Z")
        .put("lines", new JsonArray()
            .add(new JsonObject().put("material_id", "MAT-A-1234").put("work_order_id", "WO-4600")
                .put("quantity_consumed", 120).put("unit_of_measure", "EA"))
            .add(new JsonObject().put("material_id", "MAT-B-5678").put("work_order_id", "WO-4600")
                .put("quantity_consumed", 60).put("unit_of_measure", "EA")));
  }

  static HttpResponse<String> post(String path, JsonObject body, String idempotencyKey) throws Exception {
    HttpRequest.Builder request = Calls.postJson(erp.baseUrl() + path, body).header("Authorization", TOKEN);
    if (idempotencyKey != null) {
      request.header("Idempotency-Key", idempotencyKey);
    }
    return send(request);
  }

  static JsonObject get(String pathAndQuery) throws Exception {
    HttpResponse<String> answer = send(request(erp.baseUrl() + pathAndQuery).header("Authorization", TOKEN));
    assertThat(answer.statusCode()).as(pathAndQuery + ": " + answer.body()).isEqualTo(200);
    return json(answer);
  }

  static int status(String pathAndQuery) throws Exception {
    return send(request(erp.baseUrl() + pathAndQuery).header("Authorization", TOKEN)).statusCode();
  }

  @Test
  void aCompletionReportSentAgainWithTheSameKeyIsAnsweredAlikeAndCountedOnce() throws Exception {
    HttpResponse<String> first = post(COMPLETION_PATH, report("WO-4600"), "msg_20251118_154530_abc123");
    HttpResponse<String> repeat = post(COMPLETION_PATH, report("WO-4600"), "msg_20251118_154530_abc123");

    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(json(first).getString("status")).isEqualTo("success");
    assertThat(json(first).getString("erp_confirmation_id")).startsWith("CONF-");
    assertThat(repeat.statusCode()).isEqualTo(200);
    assertThat(repeat.body()).isEqualTo(first.body());
    assertThat(erp.completions()).containsExactly(report("WO-4600"));
    assertThat(erp.completionReceipts().get(0).idempotencyKey()).isEqualTo("msg_20251118_154530_abc123");
    assertThat(erp.received(COMPLETION_PATH)).hasSize(2);

    HttpResponse<String> newKey = post(COMPLETION_PATH, report("WO-4600"), "msg_other");
    assertThat(json(newKey).getString("erp_confirmation_id"))
        .as("a new key is a new report: a caller that mints a key per attempt is caught counting twice")
        .isNotEqualTo(json(first).getString("erp_confirmation_id"));
    assertThat(erp.completions()).hasSize(2);
  }

  @Test
  void aListenerHearsOfEachCompletionReportOnceButNotOfRepeatsOrRefusals() throws Exception {
    List<Receipt> heard = new CopyOnWriteArrayList<>();
    erp.onCompletion(heard::add);
    try {
      post(COMPLETION_PATH, report("WO-4600"), "key-1");
      post(COMPLETION_PATH, report("WO-4600"), "key-1");
      post(COMPLETION_PATH, report("WO-4601"), null);
      post(COMPLETION_PATH, report("WO-4601"), null);
      post(COMPLETION_PATH, report("WO-4602").put("quantity_produced", "many"), null);

      await().atMost(Duration.ofSeconds(5)).until(() -> heard.size() >= 2);
      assertThat(heard).extracting(r -> r.body().getString("mraos_work_order_id")).containsExactly("WO-4600", "WO-4601");
      assertThat(heard).extracting(Receipt::confirmationId)
          .containsExactlyElementsOf(erp.completionReceipts().stream().map(Receipt::confirmationId).toList());
    } finally {
      erp.onCompletion(receipt -> { });
    }
  }

  @Test
  void aSeededWorkOrderCanBeReadBackAsACopy() {
    erp.seedWorkOrders(List.of(new JsonObject().put("erp_work_order_id", "WO-ERP-1").put("quantity_ordered", 5)));

    JsonObject held = erp.workOrder("WO-ERP-1").orElseThrow();
    assertThat(held.getString("status")).isEqualTo(ErpSimulator.DEFAULT_STATUS);
    held.put("status", "changed by the reader");
    assertThat(erp.workOrder("WO-ERP-1").orElseThrow().getString("status")).isEqualTo(ErpSimulator.DEFAULT_STATUS);
    assertThat(erp.workOrder("WO-ERP-2")).isEmpty();
  }

  @Test
  void aCompletionReportWithoutKeyIsRecognisedByItsMraosWorkOrderId() throws Exception {
    HttpResponse<String> first = post(COMPLETION_PATH, report("WO-4600"), null);
    HttpResponse<String> repeat = post(COMPLETION_PATH, report("WO-4600"), null);
    HttpResponse<String> another = post(COMPLETION_PATH, report("WO-4601"), null);

    assertThat(repeat.body()).isEqualTo(first.body());
    assertThat(json(another).getString("erp_confirmation_id")).isNotEqualTo(json(first).getString("erp_confirmation_id"));
    assertThat(erp.completions()).extracting(report -> report.getString("mraos_work_order_id")).containsExactly("WO-4600", "WO-4601");
  }

  @Test
  void aCompletionReportMissingMandatoryFieldsIsRefusedWith400() throws Exception {
    for (String field : List.of("erp_work_order_id", "mraos_work_order_id", "quantity_produced")) {
      JsonObject incomplete = report("WO-4600");
      incomplete.remove(field);
      HttpResponse<String> answer = post(COMPLETION_PATH, incomplete, "key-" + field);
      assertThat(answer.statusCode()).as(field).isEqualTo(400);
      assertThat(json(answer).getString("error_code")).isEqualTo("INT-003");
      assertThat(json(answer).getJsonArray("fields")).containsExactly(field);
    }
    assertThat(post(COMPLETION_PATH, report("WO-4600").put("quantity_produced", "200"), null).statusCode()).isEqualTo(400);
    assertThat(send(request(erp.baseUrl() + COMPLETION_PATH).header("Authorization", TOKEN)
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{oops"))).statusCode())
        .isEqualTo(400);
    assertThat(erp.completions()).isEmpty();
  }

  @Test
  void aRetryAfterAFaultOrALostAnswerIsCountedOnce() throws Exception {
    erp.fault(COMPLETION_PATH, Fault.status(503), Fault.delay(Duration.ofMillis(1000)));

    assertThat(post(COMPLETION_PATH, report("WO-4600"), "msg-1").statusCode()).isEqualTo(503);
    assertThat(erp.completions()).isEmpty();
    assertThatThrownBy(() -> send(Calls.postJson(erp.baseUrl() + COMPLETION_PATH, report("WO-4600"))
        .header("Authorization", TOKEN).header("Idempotency-Key", "msg-1").timeout(Duration.ofMillis(200))))
        .isInstanceOf(HttpTimeoutException.class);
    // the slow ERP still books the report whose answer the caller never saw
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(erp.completions()).hasSize(1));
    String booked = erp.completionReceipts().get(0).confirmationId();

    HttpResponse<String> retry = post(COMPLETION_PATH, report("WO-4600"), "msg-1");
    assertThat(json(retry).getString("erp_confirmation_id")).isEqualTo(booked);
    assertThat(erp.completions()).hasSize(1);
    assertThat(erp.received(COMPLETION_PATH)).hasSize(3);
  }

  @Test
  void aConsumptionBatchIsTakenOnceByKeyOrByBatchId() throws Exception {
    HttpResponse<String> first = post(CONSUMPTION_PATH, batch("BATCH-20251118-0805"), "msg-batch-1");
    HttpResponse<String> sameKey = post(CONSUMPTION_PATH, batch("BATCH-20251118-0805"), "msg-batch-1");
    HttpResponse<String> noKey = post(CONSUMPTION_PATH, batch("BATCH-20251118-0905"), null);
    HttpResponse<String> noKeyAgain = post(CONSUMPTION_PATH, batch("BATCH-20251118-0905"), null);

    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(json(first).getInteger("lines_accepted")).isEqualTo(2);
    assertThat(json(first).getString("batch_id")).isEqualTo("BATCH-20251118-0805");
    assertThat(sameKey.body()).isEqualTo(first.body());
    assertThat(noKeyAgain.body()).isEqualTo(noKey.body());
    assertThat(erp.consumptionBatches()).extracting(b -> b.getString("batch_id"))
        .containsExactly("BATCH-20251118-0805", "BATCH-20251118-0905");
    assertThat(erp.consumptionReceipts()).extracting(Receipt::idempotencyKey).containsExactly("msg-batch-1", null);
  }

  @Test
  void aConsumptionBatchWithoutIdOrWithIncompleteLinesIsRefused() throws Exception {
    JsonObject noId = batch("x");
    noId.remove("batch_id");
    JsonObject badLine = batch("BATCH-1");
    badLine.getJsonArray("lines").getJsonObject(1).remove("material_id");

    HttpResponse<String> missingId = post(CONSUMPTION_PATH, noId, null);
    HttpResponse<String> missingMaterial = post(CONSUMPTION_PATH, badLine, null);
    HttpResponse<String> noLines = post(CONSUMPTION_PATH, new JsonObject().put("batch_id", "BATCH-2"), null);

    assertThat(missingId.statusCode()).isEqualTo(400);
    assertThat(json(missingId).getJsonArray("fields")).containsExactly("batch_id");
    assertThat(json(missingMaterial).getJsonArray("fields")).containsExactly("lines[1].material_id");
    assertThat(json(noLines).getJsonArray("fields")).containsExactly("lines");
    assertThat(erp.consumptionBatches()).isEmpty();
  }

  @Test
  void theMaterialMasterIsServedPageByPage() throws Exception {
    erp.seedMaterials(IntStream.rangeClosed(1, 5).mapToObj(i -> new JsonObject()
        .put("material_id", "MAT-" + i).put("part_number", "P-" + i).put("part_name", "Part " + i)
        .put("unit_of_measure", "EA").put("standard_cost", 1.5 * i).put("currency", "USD").put("is_active", true)).toList());
    erp.seedMaterials(List.of(new JsonObject().put("material_id", "MAT-2").put("part_name", "Hinge").put("is_active", false)));

    JsonObject page1 = get(MATERIALS_PATH + "?page=1&page_size=2");
    JsonObject page3 = get(MATERIALS_PATH + "?page=3&page_size=2");
    JsonObject page4 = get(MATERIALS_PATH + "?page=4&page_size=2");

    assertThat(page1.getJsonArray("materials")).extracting(m -> ((JsonObject) m).getString("material_id"))
        .containsExactly("MAT-1", "MAT-2");
    assertThat(page1.getJsonArray("materials").getJsonObject(1).getString("part_name")).as("replaced by material_id").isEqualTo("Hinge");
    assertThat(page1.getInteger("page")).isEqualTo(1);
    assertThat(page1.getInteger("page_size")).isEqualTo(2);
    assertThat(page1.getInteger("total_count")).isEqualTo(5);
    assertThat(page3.getJsonArray("materials")).extracting(m -> ((JsonObject) m).getString("material_id")).containsExactly("MAT-5");
    assertThat(page4.getJsonArray("materials")).isEmpty();
    JsonObject defaults = get(MATERIALS_PATH);
    assertThat(defaults.getInteger("page")).isEqualTo(1);
    assertThat(defaults.getInteger("page_size")).isEqualTo(Paging.DEFAULT_PAGE_SIZE);
    assertThat(defaults.getJsonArray("materials")).hasSize(5);
    assertThat(status(MATERIALS_PATH + "?page=0")).isEqualTo(400);
    assertThat(status(MATERIALS_PATH + "?page_size=lots")).isEqualTo(400);
    assertThat(status(MATERIALS_PATH + "?page_size=" + (Paging.MAX_PAGE_SIZE + 1))).isEqualTo(400);
  }

  @Test
  void workOrdersUpdatedSinceAreServedOldestChangeFirstPageByPage() throws Exception {
    erp.seedWorkOrders(List.of(
        workOrder("WO-ERP-1", "completed", "2025-11-17T22:00:00Z"),
        workOrder("WO-ERP-2", "in_progress", "2025-11-18T10:00:00Z"),
        workOrder("WO-ERP-3", "released", "2025-11-18T09:00:00Z"),
        workOrder("WO-ERP-4", "cancelled", "2025-11-18T11:30:00+02:00"),
        new JsonObject().put("erp_work_order_id", "WO-ERP-5").put("product_id", "PROD-WD-100")));

    JsonObject since = get(WORK_ORDERS_PATH + "?updated_since=2025-11-18T09:00:00Z&page=1&page_size=2");
    assertThat(since.getInteger("total_count")).isEqualTo(4);
    assertThat(ids(since)).containsExactly("WO-ERP-3", "WO-ERP-4");
    JsonObject next = get(WORK_ORDERS_PATH + "?updated_since=2025-11-18T09:00:00Z&page=2&page_size=2");
    assertThat(ids(next)).containsExactly("WO-ERP-2", "WO-ERP-5");
    JsonObject fifth = next.getJsonArray("work_orders").getJsonObject(1);
    assertThat(fifth.getString("status")).isEqualTo(ErpSimulator.DEFAULT_STATUS);
    assertThat(fifth.getString("updated_at")).isNotBlank();

    String withOffset = URLEncoder.encode("2025-11-18T11:00:00+01:00", StandardCharsets.UTF_8);
    assertThat(ids(get(WORK_ORDERS_PATH + "?updated_since=" + withOffset))).containsExactly("WO-ERP-2", "WO-ERP-5");
    assertThat(ids(get(WORK_ORDERS_PATH + "?updated_since=2025-11-18T11:00:00+01:00")))
        .as("an unencoded + of the offset").containsExactly("WO-ERP-2", "WO-ERP-5");
    assertThat(get(WORK_ORDERS_PATH).getInteger("total_count")).isEqualTo(5);
    assertThat(status(WORK_ORDERS_PATH + "?updated_since=yesterday")).isEqualTo(400);

    erp.seedWorkOrders(List.of(workOrder("WO-ERP-1", "cancelled", "2030-01-01T00:00:00Z")));
    assertThat(ids(get(WORK_ORDERS_PATH + "?updated_since=2029-01-01T00:00:00Z"))).containsExactly("WO-ERP-1");
  }

  @Test
  void everyErpRouteWantsABearerTokenAndRefusesTheOnesItIsToldTo() throws Exception {
    for (String path : List.of(COMPLETION_PATH, CONSUMPTION_PATH)) {
      HttpResponse<String> anonymous = send(Calls.postJson(erp.baseUrl() + path, report("WO-4600")));
      assertThat(anonymous.statusCode()).as(path).isEqualTo(401);
      assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"ERP\"");
    }
    for (String path : List.of(MATERIALS_PATH, WORK_ORDERS_PATH)) {
      assertThat(send(request(erp.baseUrl() + path)).statusCode()).as(path).isEqualTo(401);
    }
    assertThat(erp.completions()).isEmpty();

    erp.refuseTokens(token -> token.equals("erp-token-1"));
    HttpResponse<String> expired = post(COMPLETION_PATH, report("WO-4600"), "msg-1");
    assertThat(expired.statusCode()).isEqualTo(401);
    assertThat(expired.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"ERP\", error=\"invalid_token\"");
    assertThat(erp.completions()).isEmpty();

    HttpResponse<String> refreshed = send(Calls.postJson(erp.baseUrl() + COMPLETION_PATH, report("WO-4600"))
        .header("Authorization", "Bearer erp-token-2").header("Idempotency-Key", "msg-1"));
    assertThat(refreshed.statusCode()).isEqualTo(200);
    assertThat(erp.completions()).hasSize(1);
    assertThat(erp.received(COMPLETION_PATH)).extracting(r -> r.header("Authorization"))
        .endsWith(TOKEN, "Bearer erp-token-2");
  }

  @Test
  void theControlApiSeedsErpAndShowsWhatItAccepted() throws Exception {
    HttpResponse<String> materials = send(Calls.postJson(erp.baseUrl() + "/_simulator/materials", new JsonObject()
        .put("materials", new JsonArray().add(new JsonObject().put("material_id", "MAT-A-1234").put("part_name", "Door Panel")))));
    HttpResponse<String> workOrders = send(request(erp.baseUrl() + "/_simulator/work-orders")
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(new JsonArray()
            .add(workOrder("WO-ERP-452100", "released", "2025-11-18T14:23:45Z")).encode())));
    assertThat(json(materials).getInteger("material_count")).isEqualTo(1);
    assertThat(json(workOrders).getInteger("work_order_count")).isEqualTo(1);
    assertThat(send(Calls.postJson(erp.baseUrl() + "/_simulator/work-orders", new JsonObject()
        .put("work_orders", new JsonArray().add(new JsonObject().put("status", "released"))))).statusCode())
        .as("a work order needs its erp_work_order_id").isEqualTo(400);

    assertThat(get(MATERIALS_PATH).getJsonArray("materials").getJsonObject(0).getString("part_name")).isEqualTo("Door Panel");
    assertThat(ids(get(WORK_ORDERS_PATH))).containsExactly("WO-ERP-452100");

    post(COMPLETION_PATH, report("WO-4600"), "msg-1");
    post(CONSUMPTION_PATH, batch("BATCH-1"), "msg-2");
    JsonObject completion = json(Calls.get(erp.baseUrl() + "/_simulator/completions")).getJsonArray("completions").getJsonObject(0);
    assertThat(completion.getString("confirmation_id")).startsWith("CONF-");
    assertThat(completion.getString("idempotency_key")).isEqualTo("msg-1");
    assertThat(completion.getJsonObject("body")).isEqualTo(report("WO-4600"));
    assertThat(json(Calls.get(erp.baseUrl() + "/_simulator/consumption-batches")).getJsonArray("consumption_batches")).hasSize(1);

    assertThat(send(request(erp.baseUrl() + "/_simulator/reset").POST(HttpRequest.BodyPublishers.noBody())).statusCode()).isEqualTo(204);
    assertThat(erp.completions()).isEmpty();
    assertThat(erp.consumptionBatches()).isEmpty();
    assertThat(erp.received()).isEmpty();
    assertThat(get(MATERIALS_PATH).getInteger("total_count")).isZero();
  }

  static JsonObject workOrder(String id, String status, String updatedAt) {
    return new JsonObject()
        .put("erp_work_order_id", id)
        .put("product_id", "PROD-WD-100")
        .put("quantity_ordered", 200)
        .put("due_date", "2025-11-19T14:30:00Z")
        .put("status", status)
        .put("updated_at", updatedAt);
  }

  static List<String> ids(JsonObject page) {
    return page.getJsonArray("work_orders").stream().map(w -> ((JsonObject) w).getString("erp_work_order_id")).toList();
  }
}
