package verticles.hr;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import simulators.HrSimulator;
import testsupport.Api;
import testsupport.KafkaTopic;
import testsupport.TestNode;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static verticles.hr.HrFixture.attend;
import static verticles.hr.HrFixture.employee;
import static verticles.hr.HrFixture.employeeId;
import static verticles.hr.HrFixture.newKey;
import static verticles.hr.HrFixture.ran;
import static verticles.hr.HrFixture.shift;
import static verticles.hr.HrFixture.swipe;

/**
 * The time clock's attendance webhook (spec §5.2.1, §5.3): X-API-Key (hashed, several valid at once, expired ones
 * refused, old ones reported), Idempotency-Key (same body: same answer, no second effect; other body: 422), its own
 * rate limit (429 INT-002 with Retry-After), clock in and out on the shift and the operator, unknown employees refused
 * and kept as integration failures that apply once the syncs brought them, and every change on hr-updates and the
 * supervisors' live feed.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class HrAttendanceTest {

  static final int LIMIT = 30;
  static final LocalDate TODAY = LocalDate.now(ZoneOffset.UTC);
  static Vertx vertx;
  static HrSimulator hr;
  static TestNode node;
  static KafkaTopic hrUpdates;
  static String key;
  static String worker;
  static String shiftId;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    hr = HrSimulator.start(vertx, 0).await();
    node = TestNode.start(Map.of("hr.base-url", hr.baseUrl(), "hr.attendance.requests-per-minute", LIMIT,
        "hr.housekeeping-interval", "300ms"));
    hrUpdates = new KafkaTopic(node.config().kafka().bootstrapServers(), "hr-updates");
    key = newKey(node, "hr-timeclock", null).getString("api_key");
    worker = employeeId();
    shiftId = "SH-" + worker.substring(4);
    hr.seedEmployees(List.of(employee(worker, "Worker", "WELD-L3", null)));
    hr.seedShifts(List.of(shift(worker, shiftId, TODAY, "Shift A", "06:00:00", "14:00:00", "09:30:00", "10:00:00", false)));
    ran(node, EmployeeSync.JOB);
    ran(node, ScheduleSync.JOB);
  }

  @AfterAll
  static void stop() {
    hrUpdates.close();
    node.close();
    vertx.close().await();
  }

  @Test
  void clockInAndOutSetTheShiftAndTheOperatorAndArePublished() throws Exception {
    List<JsonObject> screen = new CopyOnWriteArrayList<>();
    WebSocket ws = vertx.createWebSocketClient().connect(new WebSocketConnectOptions().setHost("localhost")
        .setPort(node.config().http().port()).setURI("/api/v1/live?lines=line2&access_token=" + node.token("supervisor")))
        .andThen(ar -> ar.result().textMessageHandler(text -> screen.add(new JsonObject(text)))).await();
    Instant in = TODAY.atTime(6, 2, 15).toInstant(ZoneOffset.UTC);

    Api.Response clockedIn = attend(node, key, "clk_in_" + worker, swipe("clock_in", worker, shiftId, in));

    assertThat(clockedIn.status()).as(clockedIn.toString()).isEqualTo(200);
    assertThat(clockedIn.json().getString("current_status")).isEqualTo("available");
    assertThat(node.db.value("SELECT current_status FROM operators WHERE employee_id = ?", worker)).isEqualTo("available");
    assertThat(node.db.value("SELECT actual_clock_in FROM operator_shifts WHERE employee_id = ?", worker).toString())
        .isEqualTo(node.db.value("SELECT ?::timestamptz", in.toString()).toString());
    JsonObject event = new JsonObject(hrUpdates.await(e -> clockEvent(e, "operator.clocked_in"), Duration.ofSeconds(20)).value());
    assertThat(event.getString("version")).isEqualTo("1.0");
    assertThat(event.getJsonObject("payload").getJsonObject("shift").getString("shift_id")).isEqualTo(shiftId);
    await().atMost(Duration.ofSeconds(10)).until(() -> screen.stream().anyMatch(m -> "operator_status".equals(m.getString("type"))
        && worker.equals(m.getJsonObject("data").getString("employee_id"))
        && "available".equals(m.getJsonObject("data").getString("current_status"))));

    Api.Response clockedOut = attend(node, key, "clk_out_" + worker, swipe("clock_out", worker, shiftId, in.plus(8, ChronoUnit.HOURS)));

    assertThat(clockedOut.status()).as(clockedOut.toString()).isEqualTo(200);
    assertThat(node.db.value("SELECT current_status FROM operators WHERE employee_id = ?", worker)).isEqualTo("off_shift");
    assertThat(node.db.value("SELECT actual_clock_out IS NOT NULL FROM operator_shifts WHERE employee_id = ?", worker)).isEqualTo(true);
    hrUpdates.await(e -> clockEvent(e, "operator.clocked_out"), Duration.ofSeconds(20));
    await().atMost(Duration.ofSeconds(10)).until(() -> screen.stream().anyMatch(m -> "operator_status".equals(m.getString("type"))
        && "off_shift".equals(m.getJsonObject("data").getString("current_status"))));
    ws.close().await();
  }

  private static boolean clockEvent(JsonObject e, String type) {
    JsonObject payload = e.getJsonObject("payload");
    return type.equals(payload.getString("event_type")) && worker.equals(payload.getJsonObject("operator").getString("employee_id"));
  }

  @Test
  void theSameIdempotencyKeyGetsTheSameAnswerOnceAndAnotherBodyIsRefused() {
    String person = seedOnShift();
    String shift = "SH-" + person.substring(4);
    JsonObject swipe = swipe("clock_in", person, shift, TODAY.atTime(6, 0).toInstant(ZoneOffset.UTC));
    String idempotencyKey = "clk_in_" + person + "_060000";

    Api.Response first = attend(node, key, idempotencyKey, swipe);
    Api.Response again = attend(node, key, idempotencyKey, swipe);

    assertThat(first.status()).as(first.toString()).isEqualTo(200);
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.json()).isEqualTo(first.json());
    assertThat(again.header("Idempotent-Replayed")).contains("true");
    java.util.function.Predicate<JsonObject> clockedIn = e -> "operator.clocked_in".equals(e.getJsonObject("payload")
        .getString("event_type")) && person.equals(e.getJsonObject("payload").getJsonObject("operator").getString("employee_id"));
    hrUpdates.await(clockedIn, Duration.ofSeconds(20));
    assertThat(hrUpdates.all(clockedIn)).as("one effect").hasSize(1);
    assertThat(node.db.value("SELECT expires_at - created_at >= interval '24 hours' FROM hr_idempotency_keys"
        + " WHERE idempotency_key = ?", idempotencyKey)).as("kept at least 24 h").isEqualTo(true);

    Api.Response other = attend(node, key, idempotencyKey, swipe.copy().put("timestamp", TODAY.atTime(6, 5).toInstant(ZoneOffset.UTC).toString()));
    assertThat(other.status()).as(other.toString()).isEqualTo(422);
    assertThat(other.json().getString("error_code")).isEqualTo("INT-003");
    assertThat(node.db.value("SELECT actual_clock_in FROM operator_shifts WHERE employee_id = ?", person).toString())
        .isEqualTo(node.db.value("SELECT ?::timestamptz", TODAY.atTime(6, 0).toInstant(ZoneOffset.UTC).toString()).toString());
  }

  @Test
  void missingWrongAndExpiredKeysAreRefusedAndAKeyIsRotatedWithoutDowntime() {
    String person = seedOnShift();
    JsonObject swipe = swipe("clock_in", person, "SH-" + person.substring(4), Instant.now());
    for (String bad : new String[] {null, "hrk_not-a-key"}) {
      Api.Response refused = attend(node, bad, null, swipe);
      assertThat(refused.status()).as(refused.toString()).isEqualTo(401);
      assertThat(refused.json().getString("error_code")).isEqualTo("INT-001");
    }
    Api.Response bearer = node.api.postJson(HrRoutes.ATTENDANCE, node.token("hr-connector"), swipe);
    assertThat(bearer.status()).as("a bearer token is no API key").isEqualTo(401);

    JsonObject old = newKey(node, "rotating-clock", null);
    assertThat(node.db.count("SELECT count(*) FROM hr_api_keys WHERE key_hash = encode(sha256(?::bytea), 'hex')",
        old.getString("api_key"))).as("kept as its hash").isEqualTo(1);
    assertThat(node.db.count("SELECT count(*) FROM hr_api_keys WHERE key_hash = ? OR key_prefix = ?", old.getString("api_key"),
        old.getString("api_key"))).as("never as itself").isZero();
    JsonObject fresh = newKey(node, "rotating-clock", null);
    Instant cutOver = Instant.now().plusSeconds(2);
    Api.Response expiring = node.api.postJson(ApiKeyRoutes.PATH + "/" + old.getString("key_id") + "/expire",
        node.token("supervisor"), new JsonObject().put("expires_at", cutOver.toString()));
    assertThat(expiring.status()).as(expiring.toString()).isEqualTo(200);
    assertThat(attend(node, old.getString("api_key"), null, swipe).status()).as("both valid until the cut-over").isEqualTo(200);
    assertThat(attend(node, fresh.getString("api_key"), null, swipe).status()).isEqualTo(200);

    await().atMost(Duration.ofSeconds(10)).until(() -> Instant.now().isAfter(cutOver));
    Api.Response expired = attend(node, old.getString("api_key"), null, swipe);
    assertThat(expired.status()).isEqualTo(401);
    assertThat(expired.json().getString("error_code")).isEqualTo("INT-001");
    assertThat(expired.json().getString("message")).contains("expired");
    assertThat(attend(node, fresh.getString("api_key"), null, swipe).status()).isEqualTo(200);
  }

  @Test
  void aKeyOlderThanNinetyDaysIsReportedInTheIntegrationStatus() {
    JsonObject aged = newKey(node, "aged-clock", null);
    node.db.exec("UPDATE hr_api_keys SET created_at = now() - interval '91 days' WHERE key_id = ?", aged.getString("key_id"));

    await().atMost(Duration.ofSeconds(15)).until(() -> "degraded".equals(node.status.state(HrVerticle.PART)));
    assertThat(node.status.part(HrVerticle.PART).getString("detail")).contains(aged.getString("key_id")).contains("rotate");
    JsonObject listed = node.api.get(ApiKeyRoutes.PATH, node.token("supervisor")).json().getJsonArray("keys").stream()
        .map(JsonObject.class::cast).filter(k -> k.getString("key_id").equals(aged.getString("key_id"))).findFirst().orElseThrow();
    assertThat(listed.getBoolean("rotation_due")).isTrue();
    assertThat(listed.containsKey("api_key")).isFalse();

    node.api.postJson(ApiKeyRoutes.PATH + "/" + aged.getString("key_id") + "/expire", node.token("supervisor"), new JsonObject());
    await().atMost(Duration.ofSeconds(15)).until(() -> "up".equals(node.status.state(HrVerticle.PART)));
  }

  @Test
  void pastItsRateLimitAClientIsRefusedWithRetryAfter() {
    String probe = newKey(node, "rate-probe", null).getString("api_key");
    JsonObject swipe = swipe("clock_in", "EMP-NOBODY", "SH-NONE", Instant.now()).put("event_type", "not-an-event");
    for (int i = 0; i < LIMIT; i++) {
      assertThat(attend(node, probe, null, swipe).status()).as("request " + (i + 1)).isEqualTo(400);
    }
    Api.Response limited = attend(node, probe, null, swipe);
    assertThat(limited.status()).isEqualTo(429);
    assertThat(limited.json().getString("error_code")).isEqualTo("INT-002");
    // counted per second: the oldest second ages out of the minute after 60 s, or 61 s at a second's boundary
    assertThat(Long.parseLong(limited.header("Retry-After").orElseThrow())).isBetween(1L, 61L);
    assertThat(attend(node, key, null, swipe).status()).as("another client is not limited by it").isEqualTo(400);
  }

  @Test
  void anUnknownEmployeeIsRefusedKeptAsAFailureAndAppliedOnceTheSyncsBroughtThem() {
    String newcomer = employeeId();
    String shift = "SH-" + newcomer.substring(4);
    JsonObject swipe = swipe("clock_in", newcomer, shift, TODAY.atTime(6, 1).toInstant(ZoneOffset.UTC));

    Api.Response refused = attend(node, key, "clk_in_" + newcomer, swipe);

    assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
    assertThat(refused.json().getString("error_code")).isEqualTo("INT-003");
    assertThat(refused.json().getString("message")).contains(newcomer).contains("not known");
    String failureId = refused.json().getString("failure_id");
    assertThat(node.db.value("SELECT original_message->>'employee_id' FROM integration_failures WHERE failure_id = ?", failureId))
        .isEqualTo(newcomer);
    assertThat(attend(node, key, "clk_in_" + newcomer, swipe).json().getString("failure_id")).as("a repeat keeps no second failure")
        .isEqualTo(failureId);

    hr.seedEmployees(List.of(employee(newcomer, "Newcomer", "WELD-L3", null)));
    hr.seedShifts(List.of(shift(newcomer, shift, TODAY, "Shift A", "06:00:00", "14:00:00", "09:30:00", "10:00:00", false)));
    ran(node, EmployeeSync.JOB);
    ran(node, ScheduleSync.JOB);
    Api.Response retried = node.api.postJson("/api/v1/integration-failures/" + failureId + "/retry", node.token("supervisor"),
        new JsonObject());

    assertThat(retried.status()).as(retried.toString()).isEqualTo(200);
    assertThat(node.db.value("SELECT status FROM integration_failures WHERE failure_id = ?", failureId)).isEqualTo("resolved");
    assertThat(node.db.value("SELECT current_status FROM operators WHERE employee_id = ?", newcomer)).isEqualTo("available");
    assertThat(node.db.value("SELECT actual_clock_in IS NOT NULL FROM operator_shifts WHERE employee_id = ?", newcomer)).isEqualTo(true);
  }

  @Test
  void anEventBreakingTheSchemaIsRefusedNamingTheField() {
    Api.Response refused = attend(node, key, null, new JsonObject().put("event_type", "clock_in").put("employee_id", worker));
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.json().getString("error_code")).isEqualTo("INT-003");
    assertThat(refused.json().getJsonArray("details").encode()).contains("timestamp").contains("shift_id");
  }

  /** A fresh employee on today's Shift A, synced into MRAOS; their id (their shift is SH-&lt;id without EMP-&gt;). */
  private static String seedOnShift() {
    String person = employeeId();
    hr.seedEmployees(List.of(employee(person, "Shifted", "WELD-L3", null)));
    hr.seedShifts(List.of(shift(person, "SH-" + person.substring(4), TODAY, "Shift A", "06:00:00", "14:00:00", "09:30:00",
        "10:00:00", false)));
    ran(node, EmployeeSync.JOB);
    ran(node, ScheduleSync.JOB);
    return person;
  }
}
