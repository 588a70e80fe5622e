package mraos.outbound;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import mraos.outbound.OutboundFixture.Completed;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import simulators.ErpSimulator;
import simulators.Fault;
import simulators.ReceivedRequest;
import testsupport.KafkaTopic;
import testsupport.PlantNode;
import testsupport.TestNode;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static mraos.outbound.OutboundFixture.PATH;
import static mraos.outbound.OutboundFixture.awaitOutboundAudit;
import static mraos.outbound.OutboundFixture.awaitSettled;
import static mraos.outbound.OutboundFixture.booked;
import static mraos.outbound.OutboundFixture.completeNew;
import static mraos.outbound.OutboundFixture.failure;
import static mraos.outbound.OutboundFixture.gapsMillis;
import static mraos.outbound.OutboundFixture.requests;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Spec §7.1, one error class per test, against the ERP simulator with the schedule shrunk to milliseconds: how many
 * times a completion report is sent (exactly), roughly when (lower bounds, generous upper bounds: the machine is
 * loaded), what each attempt leaves in the audit log, and the dead letter (§7.2) when the retries run out.
 * The breaker is set out of reach here (CircuitBreakerTest covers it), so failures of one test cannot open it for the next.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class RetryByErrorClassTest {

  /** Slack for "immediately" and the upper bounds: poll interval, a loaded 2-core machine. */
  static final long SLACK_MS = 3_000;

  @RegisterExtension
  static final PlantNode plant = PlantNode.start().withErp().withDeadLetters()
      .with("outbound.breaker-max-failures", 1000)
      .with("outbound.retry.unauthorized-retries", 1)
      .with("outbound.retry.rate-limited-initial", "300ms")
      .with("outbound.retry.rate-limited-max", "5s")
      .with("outbound.retry.rate-limited-retries", 3)
      .with("outbound.retry.not-found", new JsonArray().add("400ms"))
      .with("outbound.retry.server-error", new JsonArray().add("200ms").add("400ms").add("800ms"))
      .with("outbound.retry.timeout", new JsonArray().add("300ms").add("600ms"))
      .with("outbound.retry.network-error", new JsonArray().add("0s").add("300ms").add("600ms"))
      .with("erp.request-timeout", "1s");

  static ErpSimulator erp;
  static TestNode node;
  static KafkaTopic deadLetters;

  @BeforeAll
  static void start() {
    erp = plant.erp();
    node = plant.node();
    deadLetters = plant.deadLetters();
  }

  @BeforeEach
  void freshErp() {
    erp.reset();
  }

  // ---- 401

  @Test
  void unauthorizedRefreshesTheTokenAndRetriesOnceWithTheNewToken() {
    AtomicReference<String> first = new AtomicReference<>();
    // ERP refuses whatever token comes first (as if it had expired on ERP's side), and only that one
    erp.refuseTokens(token -> first.compareAndSet(null, token) || token.equals(first.get()));

    Completed report = completeNew(node);

    assertThat(awaitSettled(node.db, report.messageId(), Duration.ofSeconds(20))).containsEntry("status", "delivered");
    List<ReceivedRequest> sent = requests(erp, report.messageId());
    assertThat(sent).hasSize(2);
    String refused = sent.get(0).header("Authorization");
    String retried = sent.get(1).header("Authorization");
    assertThat(refused).startsWith("Bearer ").isEqualTo("Bearer " + first.get());
    assertThat(retried).as("a fresh token the second time").startsWith("Bearer ").isNotEqualTo(refused);
    assertThat(gapsMillis(sent)[0]).as("retried at once").isLessThan(SLACK_MS);
    assertThat(booked(erp, report.messageId())).isEqualTo(1);

    List<Map<String, Object>> audit = awaitOutboundAudit(node.db, report.correlationId(), 2);
    assertThat(audit.get(0)).containsEntry("http_status_code", 401).containsEntry("success", false);
    assertThat(audit.get(1)).containsEntry("http_status_code", 200).containsEntry("success", true);
  }

  @Test
  void aSecondUnauthorizedIsADeadLetter() {
    erp.refuseTokens(token -> true);

    Completed report = completeNew(node);

    Map<String, Object> message = awaitSettled(node.db, report.messageId(), Duration.ofSeconds(20));
    List<ReceivedRequest> sent = requests(erp, report.messageId());
    assertThat(sent).as("the call and one retry with a refreshed token").hasSize(2);
    assertThat(sent.get(1).header("Authorization")).isNotEqualTo(sent.get(0).header("Authorization"));
    assertDeadLetter(message, report, "AUTHENTICATION_ERROR", 401, 1);
    List<Map<String, Object>> audit = awaitOutboundAudit(node.db, report.correlationId(), 2);
    assertThat(audit).allSatisfy(row -> assertThat(row).containsEntry("http_status_code", 401).containsEntry("success", false));
    assertNothingMoreSent(report, 2);
  }

  // ---- 429

  @Test
  void rateLimitedBacksOffHonouringRetryAfter() {
    // Retry-After 1 s is longer than the first backoff (300 ms): it wins; then 600 ms (doubled from 300 ms)
    erp.fault(PATH, Fault.tooManyRequests(1), Fault.status(429));

    Completed report = completeNew(node);

    assertThat(awaitSettled(node.db, report.messageId(), Duration.ofSeconds(20))).containsEntry("status", "delivered");
    List<ReceivedRequest> sent = requests(erp, report.messageId());
    assertThat(sent).hasSize(3);
    long[] gaps = gapsMillis(sent);
    assertThat(gaps[0]).as("Retry-After: 1 honoured").isBetween(950L, 1_000 + SLACK_MS);
    assertThat(gaps[1]).as("second backoff: 2 x 300 ms").isBetween(550L, 600 + SLACK_MS);
    assertThat(booked(erp, report.messageId())).isEqualTo(1);
    List<Map<String, Object>> audit = awaitOutboundAudit(node.db, report.correlationId(), 3);
    assertThat(audit).extracting(r -> r.get("http_status_code")).containsExactly(429, 429, 200);
    assertThat(audit).extracting(r -> r.get("success")).containsExactly(false, false, true);
  }

  @Test
  void rateLimitedDoublesTheDelayUntilItsRetriesRunOut() {
    erp.fault(PATH, Fault.status(429), Fault.status(429), Fault.status(429), Fault.status(429), Fault.status(429));

    Completed report = completeNew(node);

    Map<String, Object> message = awaitSettled(node.db, report.messageId(), Duration.ofSeconds(30));
    List<ReceivedRequest> sent = requests(erp, report.messageId());
    assertThat(sent).as("the call and rate-limited-retries (3) retries").hasSize(4);
    long[] gaps = gapsMillis(sent);
    assertThat(gaps[0]).isBetween(280L, 300 + SLACK_MS);
    assertThat(gaps[1]).isBetween(580L, 600 + SLACK_MS);
    assertThat(gaps[2]).isBetween(1_180L, 1_200 + SLACK_MS);
    assertThat(new JsonObject(message.get("retries").toString()).getInteger("rate_limited")).isEqualTo(3);
    assertDeadLetter(message, report, "RATE_LIMITED", 429, 3);
    awaitOutboundAudit(node.db, report.correlationId(), 4);
    assertNothingMoreSent(report, 4);
  }

  // ---- 400

  @Test
  void validationErrorIsNotRetriedAndGoesStraightToTheDeadLetters() {
    erp.fault(PATH, Fault.status(400).body(new JsonObject().put("status", "error").put("message", "quantity_good is wrong")));

    Completed report = completeNew(node);

    Map<String, Object> message = awaitSettled(node.db, report.messageId(), Duration.ofSeconds(20));
    assertThat(requests(erp, report.messageId())).hasSize(1);
    Map<String, Object> failure = assertDeadLetter(message, report, "VALIDATION_ERROR", 400, 0);
    assertThat(failure.get("last_retry_at")).as("never retried").isNull();
    assertThat((String) failure.get("error_message")).contains("400").contains("quantity_good is wrong");
    List<Map<String, Object>> audit = awaitOutboundAudit(node.db, report.correlationId(), 1);
    assertThat(audit.get(0)).containsEntry("http_status_code", 400).containsEntry("success", false);
    assertThat(audit.get(0).get("response_payload").toString()).contains("quantity_good is wrong");
    assertNothingMoreSent(report, 1);
    assertThat(booked(erp, report.messageId())).isZero();
  }

  // ---- 404

  @Test
  void notFoundIsRetriedOnce() {
    erp.fault(PATH, Fault.status(404), Fault.status(404));

    Completed report = completeNew(node);

    Map<String, Object> message = awaitSettled(node.db, report.messageId(), Duration.ofSeconds(20));
    List<ReceivedRequest> sent = requests(erp, report.messageId());
    assertThat(sent).hasSize(2);
    assertThat(gapsMillis(sent)[0]).isBetween(380L, 400 + SLACK_MS);
    assertDeadLetter(message, report, "NOT_FOUND", 404, 1);
    assertThat(awaitOutboundAudit(node.db, report.correlationId(), 2)).extracting(r -> r.get("http_status_code"))
        .containsExactly(404, 404);
    assertNothingMoreSent(report, 2);
  }

  @Test
  void notFoundThenFoundIsDelivered() {
    erp.fault(PATH, Fault.status(404));

    Completed report = completeNew(node);

    assertThat(awaitSettled(node.db, report.messageId(), Duration.ofSeconds(20))).containsEntry("status", "delivered");
    assertThat(requests(erp, report.messageId())).hasSize(2);
    assertThat(booked(erp, report.messageId())).isEqualTo(1);
  }

  // ---- 500-503

  @Test
  void serverErrorsAreRetriedThreeTimesAtTheConfiguredDelays() {
    erp.fault(PATH, Fault.status(500), Fault.status(501), Fault.status(502), Fault.status(503), Fault.status(503));

    Completed report = completeNew(node);

    Map<String, Object> message = awaitSettled(node.db, report.messageId(), Duration.ofSeconds(30));
    List<ReceivedRequest> sent = requests(erp, report.messageId());
    assertThat(sent).as("the call and 3 retries").hasSize(4);
    long[] gaps = gapsMillis(sent);
    assertThat(gaps[0]).isBetween(180L, 200 + SLACK_MS);
    assertThat(gaps[1]).isBetween(380L, 400 + SLACK_MS);
    assertThat(gaps[2]).isBetween(780L, 800 + SLACK_MS);
    assertThat(new JsonObject(message.get("retries").toString()).getInteger("server_error")).isEqualTo(3);
    Map<String, Object> failure = assertDeadLetter(message, report, "SERVER_ERROR", 503, 3);
    assertThat(awaitOutboundAudit(node.db, report.correlationId(), 4)).extracting(r -> r.get("http_status_code"))
        .containsExactly(500, 501, 502, 503);
    assertNothingMoreSent(report, 4);
  }

  @Test
  void serverErrorThenSuccessIsDeliveredOnce() {
    erp.fault(PATH, Fault.status(503), Fault.status(503));

    Completed report = completeNew(node);

    assertThat(awaitSettled(node.db, report.messageId(), Duration.ofSeconds(20))).containsEntry("status", "delivered")
        .containsEntry("attempts", 3);
    assertThat(requests(erp, report.messageId())).hasSize(3);
    assertThat(booked(erp, report.messageId())).isEqualTo(1);
    assertThat(awaitOutboundAudit(node.db, report.correlationId(), 3)).extracting(r -> r.get("success"))
        .containsExactly(false, false, true);
  }

  // ---- 504 / no answer in time

  @Test
  void gatewayTimeoutIsRetriedTwice() {
    erp.fault(PATH, Fault.status(504), Fault.status(504), Fault.status(504), Fault.status(504));

    Completed report = completeNew(node);

    Map<String, Object> message = awaitSettled(node.db, report.messageId(), Duration.ofSeconds(20));
    List<ReceivedRequest> sent = requests(erp, report.messageId());
    assertThat(sent).as("the call and 2 retries").hasSize(3);
    long[] gaps = gapsMillis(sent);
    assertThat(gaps[0]).isBetween(280L, 300 + SLACK_MS);
    assertThat(gaps[1]).isBetween(580L, 600 + SLACK_MS);
    assertThat(new JsonObject(message.get("retries").toString()).getInteger("timeout")).isEqualTo(2);
    assertDeadLetter(message, report, "TIMEOUT", 504, 2);
    assertThat(awaitOutboundAudit(node.db, report.correlationId(), 3)).extracting(r -> r.get("http_status_code"))
        .containsExactly(504, 504, 504);
    assertNothingMoreSent(report, 3);
  }

  @Test
  void noAnswerWithinTheRequestTimeoutCountsAsATimeout() {
    // ERP holds the first call 3 s (the request timeout is 1 s), then still books it: the retry must not book it twice
    erp.fault(PATH, Fault.delay(Duration.ofSeconds(3)));

    Completed report = completeNew(node);

    Map<String, Object> message = awaitSettled(node.db, report.messageId(), Duration.ofSeconds(20));
    assertThat(message).containsEntry("status", "delivered");
    assertThat(new JsonObject(message.get("retries").toString()).getInteger("timeout")).as(message.toString()).isEqualTo(1);
    List<Map<String, Object>> audit = awaitOutboundAudit(node.db, report.correlationId(), 2);
    assertThat(audit.get(0)).containsEntry("success", false);
    assertThat(audit.get(0).get("http_status_code")).isNull();
    assertThat((String) audit.get(0).get("error_message")).containsIgnoringCase("timeout");
    assertThat(audit.get(1)).containsEntry("success", true);
    await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
        .until(() -> requests(erp, report.messageId()).size() == 2);
    assertThat(booked(erp, report.messageId())).as("same Idempotency-Key: booked once").isEqualTo(1);
  }

  // ---- network errors

  @Test
  void networkErrorsAreRetriedThreeTimesTheFirstAtOnce() {
    erp.fault(PATH, Fault.close(), Fault.close(), Fault.close(), Fault.close(), Fault.close());

    Completed report = completeNew(node);

    Map<String, Object> message = awaitSettled(node.db, report.messageId(), Duration.ofSeconds(20));
    List<ReceivedRequest> sent = requests(erp, report.messageId());
    assertThat(sent).as("the call and 3 retries").hasSize(4);
    long[] gaps = gapsMillis(sent);
    assertThat(gaps[0]).as("first retry immediately").isLessThan(SLACK_MS);
    assertThat(gaps[1]).isBetween(280L, 300 + SLACK_MS);
    assertThat(gaps[2]).isBetween(580L, 600 + SLACK_MS);
    assertThat(new JsonObject(message.get("retries").toString()).getInteger("network_error")).isEqualTo(3);
    assertDeadLetter(message, report, "NETWORK_ERROR", null, 3);
    List<Map<String, Object>> audit = awaitOutboundAudit(node.db, report.correlationId(), 4);
    assertThat(audit).allSatisfy(row -> {
      assertThat(row).containsEntry("success", false);
      assertThat(row.get("http_status_code")).isNull();
      assertThat(row.get("error_message")).isNotNull();
    });
    assertNothingMoreSent(report, 4);
  }

  // ---- helpers

  /** The message is a dead letter with the §7.2 structure, in PostgreSQL and on Kafka. */
  private Map<String, Object> assertDeadLetter(Map<String, Object> message, Completed report, String errorCode, Integer lastStatus,
                                               int retries) {
    assertThat(message).containsEntry("status", "failed");
    assertThat(message.get("last_status")).isEqualTo(lastStatus);
    String failureId = (String) message.get("failure_id");
    assertThat(failureId).matches("FAIL-\\d{8}-\\d{4,}");
    Map<String, Object> failure = failure(node.db, failureId);
    assertThat(failure).containsEntry("integration_type", OutboundFixture.TYPE).containsEntry("direction", "outbound")
        .containsEntry("external_system", "ERP").containsEntry("error_code", errorCode)
        .containsEntry("status", "pending_manual_review").containsEntry("message_id", report.messageId())
        .containsEntry("correlation_id", report.correlationId()).containsEntry("retry_count", retries);
    if (retries > 0) {
      assertThat(failure.get("last_retry_at")).as("when it was last retried").isNotNull();
    }
    JsonObject original = new JsonObject(failure.get("original_message").toString());
    assertThat(original.getString("message_id")).isEqualTo(report.messageId());
    assertThat(original.getString("path")).isEqualTo(PATH);
    assertThat(original.getJsonObject("payload").getString("mraos_work_order_id")).isEqualTo(report.workOrderId());

    JsonObject event = new JsonObject(deadLetters.await(
        e -> failureId.equals(e.getJsonObject("payload").getString("failure_id")), Duration.ofSeconds(20)).value());
    JsonObject deadLetter = event.getJsonObject("payload");
    assertThat(deadLetter.fieldNames()).contains("failure_id", "timestamp", "integration_type", "original_message",
        "error_details", "retry_count", "last_retry_at", "status");
    assertThat(deadLetter.getString("integration_type")).isEqualTo(OutboundFixture.TYPE);
    assertThat(deadLetter.getString("status")).isEqualTo("pending_manual_review");
    assertThat(deadLetter.getInteger("retry_count")).isEqualTo(retries);
    assertThat(deadLetter.getJsonObject("error_details").getString("error_code")).isEqualTo(errorCode);
    assertThat(deadLetter.getJsonObject("error_details").getString("error_message")).isNotBlank();
    assertThat(deadLetter.getJsonObject("original_message").getString("message_id")).isEqualTo(report.messageId());
    return failure;
  }

  /** A dead letter is final: nothing more goes out for it. */
  private void assertNothingMoreSent(Completed report, int requests) {
    await().pollDelay(Duration.ofMillis(1_500)).atMost(Duration.ofSeconds(5))
        .until(() -> requests(erp, report.messageId()).size() == requests);
    assertThat(OutboundFixture.status(node.db, report.messageId())).isEqualTo("failed");
  }
}
