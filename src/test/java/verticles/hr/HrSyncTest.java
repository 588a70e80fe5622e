package verticles.hr;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import simulators.Fault;
import simulators.HrSimulator;
import simulators.ReceivedRequest;
import testsupport.Api;
import testsupport.KafkaTopic;
import testsupport.TestNode;

import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static verticles.hr.HrFixture.employee;
import static verticles.hr.HrFixture.employeeId;
import static verticles.hr.HrFixture.ran;
import static verticles.hr.HrFixture.runJob;
import static verticles.hr.HrFixture.shift;

/**
 * HR's employee master and shift schedule syncs (spec §5.2.1) against the HR simulator: every page read with a bearer
 * token, operators and skills upserted, those HR no longer lists deactivated (not deleted), certifications' expiry
 * reported, a failed page retried by error class, a sync that cannot finish changing nothing and leaving an integration
 * failure, unknown employees in a schedule kept as warnings, and each change on {@code hr-updates}.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class HrSyncTest {

  static Vertx vertx;
  static HrSimulator hr;
  static TestNode node;
  static KafkaTopic hrUpdates;
  static final LocalDate TODAY = LocalDate.now(ZoneOffset.UTC);

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    hr = HrSimulator.start(vertx, 0).await();
    node = TestNode.start(Map.of("hr.base-url", hr.baseUrl(), "hr.page-size", 3,
        "outbound.retry.server-error", List.of("100ms", "200ms")));
    hrUpdates = new KafkaTopic(node.config().kafka().bootstrapServers(), "hr-updates");
  }

  @AfterAll
  static void stop() {
    hrUpdates.close();
    node.close();
    vertx.close().await();
  }

  @BeforeEach
  void freshHr() {
    hr.reset();
  }

  @Test
  void everyPageIsReadWithABearerTokenAndTheOperatorsLandWithTheirSkills() {
    List<String> ids = seedPeople(8);

    JsonObject summary = ran(node, EmployeeSync.JOB);

    assertThat(summary.getInteger("pages")).as(summary.encode()).isEqualTo(3);
    assertThat(summary.getInteger("added")).isEqualTo(8);
    assertThat(summary.getInteger("received")).isEqualTo(8);
    assertThat(summary.getLong("duration_ms")).isNotNull();
    List<ReceivedRequest> pages = hr.received(HrSimulator.EMPLOYEES_PATH);
    assertThat(pages).hasSize(3);
    assertThat(pages).allSatisfy(page -> {
      assertThat(page.header("Authorization")).startsWith("Bearer ");
      assertThat(page.query()).contains("department=Manufacturing").contains("status=active").contains("page_size=3");
    });
    assertThat(pages.get(2).query()).contains("page=3");
    for (String id : ids) {
      Map<String, Object> operator = node.db.rows("SELECT * FROM operators WHERE employee_id = ?", id).get(0);
      assertThat(operator.get("operator_id").toString()).startsWith("O-");
      assertThat(operator).containsEntry("is_active", true).containsEntry("department", "Manufacturing");
      assertThat(node.db.count("SELECT count(*) FROM operator_skills k JOIN operators o USING (operator_id)"
          + " WHERE o.employee_id = ? AND skill_code = 'WELD-L3' AND proficiency_level = 3", id)).isEqualTo(1);
    }
    Api.Response latest = node.api.get(HrRoutes.LATEST_SYNC, node.token("supervisor"));
    assertThat(latest.status()).isEqualTo(200);
    assertThat(latest.json().getString("status")).isEqualTo("succeeded");
    assertThat(latest.json().getJsonObject("summary").getInteger("added")).isEqualTo(8);

    // the same master again: nothing changes, nothing is counted as changed
    JsonObject again = ran(node, EmployeeSync.JOB);
    assertThat(again.getInteger("added")).isZero();
    assertThat(again.getInteger("updated")).isZero();
    assertThat(again.getInteger("unchanged")).isEqualTo(8);
    assertThat(again.getInteger("skills_changed")).isZero();
  }

  @Test
  void anEmployeeHrNoLongerListsIsMarkedInactiveAndKept() {
    List<String> ids = seedPeople(4);
    ran(node, EmployeeSync.JOB);
    String leaver = ids.get(1);
    hr.removeEmployees(leaver);
    // and one who changed job
    hr.seedEmployees(List.of(employee(ids.get(2), "Promoted", "WELD-L3", TODAY.plusYears(1)).put("job_title", "Team Lead")));

    JsonObject summary = ran(node, EmployeeSync.JOB);

    assertThat(summary.getInteger("deactivated")).as(summary.encode()).isGreaterThanOrEqualTo(1);
    assertThat(summary.getInteger("updated")).isEqualTo(1);
    assertThat(node.db.rows("SELECT is_active, current_status FROM operators WHERE employee_id = ?", leaver))
        .containsExactly(Map.of("is_active", false, "current_status", "off_shift"));
    assertThat(node.db.count("SELECT count(*) FROM operator_skills k JOIN operators o USING (operator_id) WHERE o.employee_id = ?",
        leaver)).as("a leaver's record stays").isEqualTo(1);
    assertThat(node.db.value("SELECT job_title FROM operators WHERE employee_id = ?", ids.get(2))).isEqualTo("Team Lead");
    JsonObject event = new JsonObject(hrUpdates.await(e -> leaverEvent(e, leaver), Duration.ofSeconds(20)).value());
    assertThat(event.getString("version")).isEqualTo("1.0");
    assertThat(event.getString("message_id")).startsWith("msg_");
    assertThat(event.getString("source_system")).isEqualTo("MRAOS");
    assertThat(event.getJsonObject("payload").getJsonObject("operator").getBoolean("is_active")).isFalse();
    assertThat(new JsonObject(hrUpdates.await(e -> "operator.added".equals(e.getJsonObject("payload").getString("event_type"))
        && leaver.equals(e.getJsonObject("payload").getJsonObject("operator").getString("employee_id")),
        Duration.ofSeconds(20)).value()).getJsonObject("payload").getJsonObject("operator").getString("operator_id"))
        .startsWith("O-");
  }

  private static boolean leaverEvent(JsonObject e, String leaver) {
    JsonObject payload = e.getJsonObject("payload");
    return "operator.deactivated".equals(payload.getString("event_type"))
        && leaver.equals(payload.getJsonObject("operator").getString("employee_id"));
  }

  @Test
  void anExpiredCertificationIsReportedAndNoLongerQualifiesItsOperator() {
    String expired = employeeId();
    String expiring = employeeId();
    String valid = employeeId();
    String skill = "SKL-" + expired.substring(5, 11);
    hr.seedEmployees(List.of(employee(expired, "Expired", skill, TODAY.minusDays(1)),
        employee(expiring, "Expiring", skill, TODAY.plusDays(10)), employee(valid, "Valid", skill, TODAY.plusYears(2))));

    JsonObject summary = ran(node, EmployeeSync.JOB);

    assertThat(summary.getInteger("certifications_expired")).as(summary.encode()).isEqualTo(1);
    assertThat(summary.getInteger("certifications_expiring")).isEqualTo(1);
    Api.Response qualified = node.api.get(HrRoutes.OPERATORS + "?skill=" + skill, node.token("supervisor"));
    assertThat(qualified.status()).as(qualified.toString()).isEqualTo(200);
    JsonArray operators = qualified.json().getJsonArray("operators");
    assertThat(operators.stream().map(o -> ((JsonObject) o).getString("employee_id"))).containsExactlyInAnyOrder(expiring, valid);
    Api.Response one = node.api.get(HrRoutes.OPERATORS + "?employee_id=" + expired, node.token("supervisor"));
    JsonObject held = one.json().getJsonArray("operators").getJsonObject(0);
    assertThat(held.getJsonArray("skills").getJsonObject(0).getString("certification_status")).isEqualTo("expired");
    JsonObject soon = node.api.get(HrRoutes.OPERATORS + "?employee_id=" + expiring, node.token("supervisor")).json()
        .getJsonArray("operators").getJsonObject(0);
    assertThat(soon.getJsonArray("skills").getJsonObject(0).getString("certification_status")).isEqualTo("expiring");
  }

  @Test
  void aFailedPageIsRetriedAndTheSyncFinishes() {
    seedPeople(7);
    hr.fault(HrSimulator.EMPLOYEES_PATH, Fault.delay(Duration.ZERO), Fault.status(503));

    JsonObject summary = ran(node, EmployeeSync.JOB);

    assertThat(summary.getInteger("pages")).isEqualTo(3);
    assertThat(hr.received(HrSimulator.EMPLOYEES_PATH)).as("page 2 asked twice").hasSize(4);
    assertThat(hr.received(HrSimulator.EMPLOYEES_PATH).get(2).query()).contains("page=2");
  }

  @Test
  void aSyncThatCannotReadEveryPageChangesNothingAndLeavesAnIntegrationFailure() {
    List<String> ids = seedPeople(5);
    ran(node, EmployeeSync.JOB);
    String newcomer = employeeId();
    hr.seedEmployees(List.of(employee(newcomer, "Newcomer", "WELD-L3", null)));
    hr.removeEmployees(ids.get(0));
    // page 2 fails the first time and both retries (server-error: 100ms, 200ms)
    hr.fault(HrSimulator.EMPLOYEES_PATH, Fault.delay(Duration.ZERO), Fault.status(503), Fault.status(503), Fault.status(503));

    Api.Response failed = runJob(node, EmployeeSync.JOB);

    assertThat(failed.status()).as(failed.toString()).isGreaterThanOrEqualTo(500);
    assertThat(node.db.count("SELECT count(*) FROM operators WHERE employee_id = ?", newcomer)).as("nobody added").isZero();
    assertThat(node.db.value("SELECT is_active FROM operators WHERE employee_id = ?", ids.get(0))).as("nobody deactivated")
        .isEqualTo(true);
    Api.Response latest = node.api.get(HrRoutes.LATEST_SYNC, node.token("supervisor"));
    assertThat(latest.json().getString("status")).isEqualTo("failed");
    assertThat(latest.json().getString("error")).contains("503");
    List<Map<String, Object>> failures = node.db.rows("SELECT error_code, error_message, original_message::text AS message"
        + " FROM integration_failures WHERE integration_type = 'hr_employee_sync' ORDER BY timestamp DESC LIMIT 1");
    assertThat(failures).hasSize(1);
    assertThat(failures.get(0).get("error_message").toString()).contains("hr-employee-sync").contains("503");
    assertThat(failures.get(0).get("message").toString()).contains("hr-employee-sync");
  }

  @Test
  void aScheduleLandsForKnownEmployeesAndWarnsOfUnknownOnes() {
    List<String> ids = seedPeople(2);
    ran(node, EmployeeSync.JOB);
    String stranger = employeeId();
    hr.seedShifts(List.of(
        shift(ids.get(0), "SH-T-A", TODAY, "Shift A", "06:00:00", "14:00:00", "09:30:00", "10:00:00", false),
        shift(ids.get(1), null, TODAY, "Shift B", "14:00:00", "22:00:00", "17:30:00", "18:00:00", true),
        shift(stranger, "SH-T-A", TODAY, "Shift A", "06:00:00", "14:00:00", "09:30:00", "10:00:00", false)));

    JsonObject summary = ran(node, ScheduleSync.JOB);

    assertThat(summary.getInteger("added")).as(summary.encode()).isEqualTo(2);
    assertThat(summary.getString("date")).isEqualTo(TODAY.toString());
    JsonArray warnings = summary.getJsonArray("warnings");
    assertThat(warnings).hasSize(1);
    assertThat(warnings.getJsonObject(0).getString("employee_id")).isEqualTo(stranger);
    assertThat(warnings.getJsonObject(0).getString("message")).contains("not known");
    Map<String, Object> first = node.db.rows("SELECT shift_id, shift_name, start_time::text AS s, end_time::text AS e,"
        + " break_start::text AS bs, break_end::text AS be, is_overtime FROM operator_shifts WHERE employee_id = ?", ids.get(0)).get(0);
    assertThat(first).containsEntry("shift_id", "SH-T-A").containsEntry("s", "06:00:00").containsEntry("e", "14:00:00")
        .containsEntry("bs", "09:30:00").containsEntry("be", "10:00:00").containsEntry("is_overtime", false);
    String madeId = "SH-" + TODAY.toString().replace("-", "") + "-B";
    assertThat(node.db.rows("SELECT shift_id, is_overtime FROM operator_shifts WHERE employee_id = ?", ids.get(1)))
        .containsExactly(Map.of("shift_id", madeId, "is_overtime", true));
    assertThat(node.db.count("SELECT count(*) FROM operator_shifts WHERE employee_id = ?", stranger)).isZero();
    assertThat(hr.received(HrSimulator.SCHEDULES_PATH).get(0).query()).contains("date=" + TODAY).contains("department=Manufacturing");
    assertThat(node.api.get(HrRoutes.LATEST_SYNC + "?kind=schedules", node.token("supervisor")).json()
        .getJsonObject("summary").getJsonArray("warnings")).hasSize(1);
  }

  /** Seeds this many fresh employees in HR (a welder each); their ids. */
  private static List<String> seedPeople(int count) {
    List<String> ids = new java.util.ArrayList<>();
    List<JsonObject> people = new java.util.ArrayList<>();
    for (int i = 0; i < count; i++) {
      String id = employeeId();
      ids.add(id);
      people.add(employee(id, "Doe" + i, "WELD-L3", TODAY.plusYears(1)));
    }
    hr.seedEmployees(people);
    return ids;
  }
}
