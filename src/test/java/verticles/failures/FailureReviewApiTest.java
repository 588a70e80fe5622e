package verticles.failures;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import mraos.outbound.OutboundFixture.Completed;
import mraos.outbound.OutboundFixture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import simulators.ErpSimulator;
import simulators.Fault;
import simulators.ReceivedRequest;
import testsupport.Api.Response;
import testsupport.KafkaTopic;
import testsupport.Plant;
import testsupport.PlantNode;
import testsupport.TestNode;
import verticles.erp.ErpRoutes;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static mraos.outbound.OutboundFixture.PATH;
import static mraos.outbound.OutboundFixture.TYPE;
import static mraos.outbound.OutboundFixture.awaitSettled;
import static mraos.outbound.OutboundFixture.booked;
import static mraos.outbound.OutboundFixture.message;
import static mraos.outbound.OutboundFixture.requests;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The dead-letter review API of spec §7.2 ({@code /api/v1/integration-failures}, integration admins only): list with
 * filters and pages, read one with its history, retry (as it was, or edited), resolve, discard, each recorded with who
 * and when; retries of outbound dead letters go back to ERP's queue, retries of inbound ones are applied again; the
 * figures on /stats and as gauges on /metrics.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class FailureReviewApiTest {

  static final String API = "/api/v1/integration-failures";

  @RegisterExtension
  static final PlantNode plant = PlantNode.start().withErp().withDeadLetters()
      .with("outbound.breaker-max-failures", 1000)
      .with("outbound.retry.server-error", new JsonArray().add("100ms"));

  static ErpSimulator erp;
  static TestNode node;
  static String admin;
  static KafkaTopic deadLetters;

  @BeforeAll
  static void start() {
    erp = plant.erp();
    node = plant.node();
    admin = node.token("supervisor");
    deadLetters = plant.deadLetters();
  }

  @BeforeEach
  void freshErp() {
    erp.reset();
  }

  /** A completion report ERP refused with these answers until it became a dead letter: its failure id. */
  record DeadLetter(Completed report, String failureId) {
  }

  DeadLetter deadLetter(Fault... faults) {
    erp.fault(PATH, faults);
    Completed report = OutboundFixture.completeNew(node);
    Map<String, Object> message = awaitSettled(node.db, report.messageId(), Duration.ofSeconds(20));
    assertThat(message).containsEntry("status", "failed");
    return new DeadLetter(report, (String) message.get("failure_id"));
  }

  JsonObject get(String path) {
    Response response = node.api.get(path, admin);
    assertThat(response.status()).as(path + " -> " + response).isEqualTo(200);
    return response.json();
  }

  Response post(String path, JsonObject body) {
    return body == null ? node.api.send("POST", path, admin) : node.api.postJson(path, admin, body);
  }

  static List<String> ids(JsonObject page) {
    return page.getJsonArray("items").stream().map(i -> ((JsonObject) i).getString("failure_id")).toList();
  }

  /** An ERP work order naming a material MRAOS does not know: refused, kept as an inbound failure. */
  String inboundFailure(String erpWorkOrderId, String unknownMaterial) {
    Response refused = node.api.postJson(ErpRoutes.WORK_ORDERS, node.token("erp-connector"), Plant.workOrderEvent(
        "work_order.created", erpWorkOrderId, Plant.bomLine(unknownMaterial, "X-1", "Not yet known", 10)));
    assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
    return refused.json().getString("failure_id");
  }

  @Test
  void listsWithFiltersAndPagesAndReadsOne() {
    Instant from = Instant.now().minusMillis(5);
    DeadLetter f1 = deadLetter(Fault.status(400));
    DeadLetter f2 = deadLetter(Fault.status(400));
    DeadLetter f3 = deadLetter(Fault.status(400));
    String inbound = inboundFailure(Plant.unique("WO-ERP"), Plant.unique("MAT-MISSING"));
    // and before an hour from now: other classes share the database, some with a clock set years ahead
    String since = "from=" + from + "&to=" + Instant.now().plus(java.time.Duration.ofHours(1));

    JsonObject outbound = get(API + "?integration_type=" + TYPE + "&" + since);
    assertThat(outbound.getLong("total")).isEqualTo(3);
    assertThat(ids(outbound)).as("newest first").containsExactly(f3.failureId(), f2.failureId(), f1.failureId());
    assertThat(outbound.getInteger("page")).isEqualTo(1);

    assertThat(ids(get(API + "?" + since))).containsExactlyInAnyOrder(f1.failureId(), f2.failureId(), f3.failureId(), inbound);
    assertThat(ids(get(API + "?integration_type=erp_work_order_inbound&" + since))).containsExactly(inbound);
    assertThat(get(API + "?status=pending_manual_review&" + since).getLong("total")).isEqualTo(4);
    assertThat(get(API + "?status=resolved&" + since).getLong("total")).isZero();

    JsonObject page1 = get(API + "?integration_type=" + TYPE + "&" + since + "&page_size=2&page=1");
    JsonObject page2 = get(API + "?integration_type=" + TYPE + "&" + since + "&page_size=2&page=2");
    assertThat(ids(page1)).containsExactly(f3.failureId(), f2.failureId());
    assertThat(ids(page2)).containsExactly(f1.failureId());
    assertThat(page1.getLong("total")).isEqualTo(3);
    assertThat(page2.getLong("total")).isEqualTo(3);
    assertThat(page1.getInteger("page_size")).isEqualTo(2);

    JsonObject one = get(API + "/" + f1.failureId());
    String to = get(API + "/" + f2.failureId()).getString("timestamp");
    assertThat(ids(get(API + "?integration_type=" + TYPE + "&from=" + from + "&to=" + to))).containsExactly(f1.failureId());
    assertThat(get(API + "?integration_type=" + TYPE + "&to=" + from).getJsonArray("items").stream()
        .map(i -> ((JsonObject) i).getString("failure_id"))).doesNotContain(f1.failureId(), f2.failureId(), f3.failureId());

    // one failure: the §7.2 structure and its (empty) history
    assertThat(one.getString("failure_id")).isEqualTo(f1.failureId());
    assertThat(one.getString("integration_type")).isEqualTo(TYPE);
    assertThat(one.getString("status")).isEqualTo("pending_manual_review");
    assertThat(one.getInteger("retry_count")).isZero();
    assertThat(one.containsKey("last_retry_at")).isTrue();
    assertThat(one.getString("timestamp")).isNotBlank();
    assertThat(one.getJsonObject("error_details").getString("error_code")).isEqualTo("VALIDATION_ERROR");
    assertThat(one.getJsonObject("error_details").getString("error_message")).contains("400");
    assertThat(one.getJsonObject("original_message").getJsonObject("payload").getString("mraos_work_order_id"))
        .isEqualTo(f1.report().workOrderId());
    assertThat(one.getString("message_id")).isEqualTo(f1.report().messageId());
    assertThat(one.getJsonArray("actions")).isEmpty();

    // refusals
    assertThat(node.api.get(API + "/FAIL-19990101-0001", admin).status()).isEqualTo(404);
    assertThat(node.api.get(API + "?status=bogus", admin).status()).isEqualTo(400);
    assertThat(node.api.get(API, node.token("erp-connector")).status()).as("not an integration admin").isEqualTo(403);
    assertThat(node.api.send("POST", API + "/" + f1.failureId() + "/resolve", node.token("erp-connector")).status())
        .isEqualTo(403);
    assertThat(node.api.get(API, null).status()).isEqualTo(401);
    assertThat(get(API + "/" + f1.failureId()).getString("status")).as("untouched by the refused calls")
        .isEqualTo("pending_manual_review");
  }

  @Test
  void aRetryDeliversTheReportOnceErpAcceptsItAndResolvesTheFailure() {
    DeadLetter dl = deadLetter(Fault.status(400));
    assertThat(requests(erp, dl.report().messageId())).hasSize(1);

    Response retried = post(API + "/" + dl.failureId() + "/retry", new JsonObject().put("note", "ERP fixed its mapping"));

    assertThat(retried.status()).as(retried.toString()).isEqualTo(200);
    assertThat(retried.json().getString("status")).isEqualTo("retrying");
    assertThat(awaitSettled(node.db, dl.report().messageId(), Duration.ofSeconds(20))).containsEntry("status", "delivered");
    assertThat(requests(erp, dl.report().messageId())).as("same message, same Idempotency-Key").hasSize(2);
    assertThat(booked(erp, dl.report().messageId())).isEqualTo(1);
    await().atMost(Duration.ofSeconds(10)).until(() -> "resolved".equals(get(API + "/" + dl.failureId()).getString("status")));
    JsonObject failure = get(API + "/" + dl.failureId());
    assertThat(failure.getString("resolved_by")).isEqualTo("supervisor");
    assertThat(failure.getString("resolved_at")).isNotBlank();
    assertThat(failure.getInteger("retry_count")).isEqualTo(1);
    assertThat(failure.getString("last_retry_at")).isNotBlank();
    JsonArray actions = failure.getJsonArray("actions");
    assertThat(actions).hasSize(2);
    assertThat(actions.getJsonObject(0).getString("action")).isEqualTo("retry");
    assertThat(actions.getJsonObject(0).getString("actor")).isEqualTo("supervisor");
    assertThat(actions.getJsonObject(0).getString("note")).isEqualTo("ERP fixed its mapping");
    assertThat(actions.getJsonObject(0).getString("at")).isNotBlank();
    assertThat(actions.getJsonObject(1).getString("action")).isEqualTo("retry_succeeded");
    await().atMost(Duration.ofSeconds(5)).until(() -> node.db.value(
        "SELECT erp_synchronized_at FROM work_orders WHERE work_order_id = ?", dl.report().workOrderId()) != null);

    Response again = post(API + "/" + dl.failureId() + "/retry", null);
    assertThat(again.status()).as("a resolved failure cannot be retried").isEqualTo(409);
  }

  @Test
  void editAndRetrySendsTheCorrectedReport() {
    DeadLetter dl = deadLetter(Fault.status(400).body(new JsonObject().put("message", "quantity_scrapped must be 5")));
    JsonObject original = get(API + "/" + dl.failureId()).getJsonObject("original_message").getJsonObject("payload");
    JsonObject corrected = original.copy().put("quantity_scrapped", 5).put("quantity_good", 195);

    Response retried = post(API + "/" + dl.failureId() + "/retry",
        new JsonObject().put("payload", corrected).put("note", "scrap corrected"));

    assertThat(retried.status()).as(retried.toString()).isEqualTo(200);
    assertThat(awaitSettled(node.db, dl.report().messageId(), Duration.ofSeconds(20))).containsEntry("status", "delivered");
    List<simulators.ReceivedRequest> sent = requests(erp, dl.report().messageId());
    assertThat(sent).hasSize(2);
    assertThat(sent.get(0).json().getInteger("quantity_good")).isEqualTo(197);
    assertThat(sent.get(1).json()).isEqualTo(corrected);
    assertThat(erp.completionReceipts().stream().filter(r -> dl.report().messageId().equals(r.idempotencyKey())).toList())
        .singleElement().satisfies(r -> assertThat(r.body().getInteger("quantity_good")).isEqualTo(195));
    await().atMost(Duration.ofSeconds(10)).until(() -> "resolved".equals(get(API + "/" + dl.failureId()).getString("status")));
    JsonObject edit = get(API + "/" + dl.failureId()).getJsonArray("actions").getJsonObject(0);
    assertThat(edit.getString("action")).isEqualTo("edit_and_retry");
    assertThat(edit.getString("actor")).isEqualTo("supervisor");
    assertThat(edit.getString("note")).isEqualTo("scrap corrected");
    assertThat(new JsonObject(String.valueOf(edit.getValue("payload")))).isEqualTo(corrected);
    assertThat(get(API + "/" + dl.failureId()).getString("resolved_by")).isEqualTo("supervisor");

    Response notAnObject = post(API + "/" + dl.failureId() + "/retry", new JsonObject().put("payload", "text"));
    assertThat(notAnObject.status()).isEqualTo(400);
  }

  @Test
  void aDeadLetterCountsItsAttemptsAsErpSawThemAndCarriesTheOrdersCorrelationId() {
    // ERP answers 500 twice: the first try and the one retry configured for server errors, then a dead letter
    DeadLetter dl = deadLetter(Fault.status(500), Fault.status(500));
    List<ReceivedRequest> sent = requests(erp, dl.report().messageId());
    assertThat(sent).hasSize(2);

    JsonObject failure = get(API + "/" + dl.failureId());
    assertThat(failure.getInteger("attempts")).as("attempts, as ERP saw them and the log counts them").isEqualTo(2);
    assertThat(failure.getInteger("retry_count")).as("the retries after the first attempt").isEqualTo(1);
    assertThat(OutboundFixture.awaitOutboundAudit(node.db, dl.report().correlationId(), 2)).hasSize(2);
    JsonObject listed = get(API + "?integration_type=" + TYPE + "&page_size=500").getJsonArray("items").stream()
        .map(JsonObject.class::cast).filter(f -> dl.failureId().equals(f.getString("failure_id"))).findFirst().orElseThrow();
    assertThat(listed.getInteger("attempts")).isEqualTo(2);
    // the order's correlation id (the one ERP's webhook came with), not that of the supervisor's completing request
    assertThat(failure.getString("correlation_id")).isEqualTo(dl.report().correlationId()).startsWith("corr_erp_");
    assertThat(sent).allSatisfy(r -> assertThat(r.header("X-Correlation-ID")).isEqualTo(dl.report().correlationId()));

    // a reviewer's retry that ERP refuses again is one attempt more
    erp.fault(PATH, Fault.status(400));
    assertThat(post(API + "/" + dl.failureId() + "/retry", null).status()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(20)).until(() -> "pending_manual_review".equals(get(API + "/" + dl.failureId())
        .getString("status")) && requests(erp, dl.report().messageId()).size() == 3);
    JsonObject again = get(API + "/" + dl.failureId());
    assertThat(again.getInteger("attempts")).isEqualTo(3);
    assertThat(again.getInteger("retry_count")).isEqualTo(2);
  }

  @Test
  void aRetryThatFailsAgainGoesBackToReviewAndIsAnnouncedAgain() {
    DeadLetter dl = deadLetter(Fault.status(503), Fault.status(503));
    int firstCount = get(API + "/" + dl.failureId()).getInteger("retry_count");
    deadLetters.await(e -> dl.failureId().equals(e.getJsonObject("payload").getString("failure_id")), Duration.ofSeconds(20));

    erp.fault(PATH, Fault.status(503), Fault.status(503));
    Response retried = post(API + "/" + dl.failureId() + "/retry", null);
    assertThat(retried.status()).as(retried.toString()).isEqualTo(200);

    await().atMost(Duration.ofSeconds(20)).until(() -> requests(erp, dl.report().messageId()).size() == 4
        && "pending_manual_review".equals(get(API + "/" + dl.failureId()).getString("status")));
    JsonObject failure = get(API + "/" + dl.failureId());
    assertThat(failure.getInteger("retry_count")).isGreaterThan(firstCount);
    assertThat(failure.getJsonArray("actions").stream().map(a -> ((JsonObject) a).getString("action")))
        .containsExactly("retry", "retry_failed");
    assertThat(message(node.db, dl.report().messageId())).containsEntry("status", "failed")
        .containsEntry("failure_id", dl.failureId());
    // on Kafka again
    await().atMost(Duration.ofSeconds(20)).until(() -> deadLetters.all(e ->
        dl.failureId().equals(e.getJsonObject("payload").getString("failure_id"))).size() >= 2);

    // ERP is fine now: the next retry goes through
    assertThat(post(API + "/" + dl.failureId() + "/retry", null).status()).isEqualTo(200);
    assertThat(awaitSettled(node.db, dl.report().messageId(), Duration.ofSeconds(20))).containsEntry("status", "delivered");
    await().atMost(Duration.ofSeconds(10)).until(() -> "resolved".equals(get(API + "/" + dl.failureId()).getString("status")));
    assertThat(booked(erp, dl.report().messageId())).isEqualTo(1);
  }

  @Test
  void resolveAndDiscardAreRecordedWithWhoAndWhenAndAreFinal() {
    DeadLetter resolved = deadLetter(Fault.status(400));
    DeadLetter discarded = deadLetter(Fault.status(400));

    Response resolve = post(API + "/" + resolved.failureId() + "/resolve", new JsonObject().put("note", "booked in ERP by hand"));
    Response discard = post(API + "/" + discarded.failureId() + "/discard", null);

    assertThat(resolve.status()).as(resolve.toString()).isEqualTo(200);
    assertThat(discard.status()).as(discard.toString()).isEqualTo(200);
    JsonObject r = get(API + "/" + resolved.failureId());
    assertThat(r.getString("status")).isEqualTo("resolved");
    assertThat(r.getString("resolved_by")).isEqualTo("supervisor");
    assertThat(r.getString("resolved_at")).isNotBlank();
    assertThat(r.getString("resolution_note")).isEqualTo("booked in ERP by hand");
    assertThat(r.getJsonArray("actions")).singleElement().satisfies(a -> {
      assertThat(((JsonObject) a).getString("action")).isEqualTo("resolve");
      assertThat(((JsonObject) a).getString("actor")).isEqualTo("supervisor");
      assertThat(((JsonObject) a).getString("at")).isNotBlank();
    });
    JsonObject d = get(API + "/" + discarded.failureId());
    assertThat(d.getString("status")).isEqualTo("discarded");
    assertThat(d.getString("resolved_by")).isEqualTo("supervisor");
    assertThat(d.getJsonArray("actions")).singleElement()
        .satisfies(a -> assertThat(((JsonObject) a).getString("action")).isEqualTo("discard"));

    assertThat(post(API + "/" + resolved.failureId() + "/retry", null).status()).isEqualTo(409);
    assertThat(post(API + "/" + discarded.failureId() + "/resolve", null).status()).isEqualTo(409);
    assertThat(post(API + "/FAIL-19990101-0001/discard", null).status()).isEqualTo(404);
    // nothing is sent for them any more
    await().pollDelay(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> true);
    assertThat(requests(erp, resolved.report().messageId())).hasSize(1);
    assertThat(requests(erp, discarded.report().messageId())).hasSize(1);
    assertThat(get(API + "?status=discarded&integration_type=" + TYPE).getJsonArray("items").stream()
        .map(i -> ((JsonObject) i).getString("failure_id"))).contains(discarded.failureId());
  }

  @Test
  void anInboundWorkOrderWithAnUnknownMaterialIsCreatedByARetryOnceTheMaterialExists() {
    String erpId = Plant.unique("WO-ERP");
    String material = Plant.unique("MAT-LATE");
    String failureId = inboundFailure(erpId, material);

    // still unknown: the retry fails and the failure goes back to review
    Response tooEarly = post(API + "/" + failureId + "/retry", null);
    assertThat(tooEarly.status()).as(tooEarly.toString()).isEqualTo(200);
    assertThat(tooEarly.json().getString("status")).isEqualTo("pending_manual_review");
    assertThat(tooEarly.json().getJsonObject("result").getString("error")).contains(material);
    assertThat(node.db.count("SELECT count(*) FROM work_orders WHERE erp_work_order_id = ?", erpId)).isZero();

    // ERP sends the material; the retry now creates the work order
    Response materials = node.api.postJson(ErpRoutes.MATERIALS, node.token("erp-connector"),
        Plant.materials(Plant.material(material, "X-1", "Not yet known")));
    assertThat(materials.status()).as(materials.toString()).isEqualTo(200);
    Response retried = post(API + "/" + failureId + "/retry", new JsonObject().put("note", "material created"));

    assertThat(retried.status()).as(retried.toString()).isEqualTo(200);
    assertThat(retried.json().getString("status")).isEqualTo("resolved");
    String workOrderId = retried.json().getJsonObject("result").getString("mraos_work_order_id");
    assertThat(workOrderId).isNotBlank();
    assertThat(node.db.value("SELECT work_order_id FROM work_orders WHERE erp_work_order_id = ?", erpId)).isEqualTo(workOrderId);
    JsonObject failure = get(API + "/" + failureId);
    assertThat(failure.getString("status")).isEqualTo("resolved");
    assertThat(failure.getString("resolved_by")).isEqualTo("supervisor");
    assertThat(failure.getJsonArray("actions").stream().map(a -> ((JsonObject) a).getString("action")))
        .containsExactly("retry", "retry_failed", "retry", "retry_succeeded");
  }

  @Test
  void statsAndGaugesCountOpenFailuresByType() {
    long openBefore = openOf(get(API + "/stats"));
    DeadLetter kept = deadLetter(Fault.status(400));
    DeadLetter fixed = deadLetter(Fault.status(400));

    JsonObject stats = get(API + "/stats");
    assertThat(openOf(stats)).isEqualTo(openBefore + 2);
    assertThat(stats.getJsonObject("by_type").getJsonObject(TYPE).getLong("failed_last_hour")).isGreaterThanOrEqualTo(2);
    assertThat(stats.getLong("queue_depth")).isGreaterThanOrEqualTo(openOf(stats));

    assertThat(post(API + "/" + fixed.failureId() + "/resolve", null).status()).isEqualTo(200);
    JsonObject after = get(API + "/stats");
    assertThat(openOf(after)).isEqualTo(openBefore + 1);
    assertThat(after.getJsonObject("by_type").getJsonObject(TYPE).getDouble("avg_resolution_seconds")).isNotNull();

    // the gauges follow (the figures are refreshed every 15 s)
    await("mraos_failures_open gauge").atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofSeconds(1)).until(() -> {
      Double gauge = OutboundFixture.metric(node, "mraos_failures_open", "integration_type=\"" + TYPE + "\"");
      return gauge != null && gauge.longValue() == openOf(get(API + "/stats"));
    });
    assertThat(OutboundFixture.metric(node, "mraos_failures_last_hour", "integration_type=\"" + TYPE + "\""))
        .isGreaterThanOrEqualTo(2.0);
    assertThat(get(API + "/" + kept.failureId()).getString("status")).isEqualTo("pending_manual_review");
  }

  private static long openOf(JsonObject stats) {
    JsonObject type = stats.getJsonObject("by_type").getJsonObject(TYPE);
    return type == null ? 0 : type.getLong("open");
  }
}
