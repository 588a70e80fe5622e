package verticles.hr;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import simulators.Fault;
import simulators.HrSimulator;
import testsupport.Api;
import testsupport.MutableClock;
import testsupport.Plant;
import testsupport.PlantNode;
import testsupport.TestNode;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
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
 * Hours worked back to HR (spec §5.2.2) by a clock the test moves, far from any other class's days: the 23:00 report's
 * figures for a day with a break and overtime, the work orders the operator was put on, a shift still open left for a
 * later run, each shift reported once; and HR down: the call retried by error class, then a dead letter.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HrHoursReportTest {

  static final LocalDate DAY = LocalDate.of(2031, 5, 20);
  static Vertx vertx;
  static HrSimulator hr;
  static MutableClock clock;
  static TestNode node;
  static String key;
  static String welder;
  static String late;
  static String workOrder;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    hr = HrSimulator.start(vertx, 0).await();
    clock = MutableClock.at(Instant.parse("2031-05-20T05:00:00Z"));
    PlantNode.setAsideLeftoverCalls();
    node = TestNode.start(Map.of("hr.base-url", hr.baseUrl(), "outbound.poll-interval", "100ms",
        "outbound.retry.server-error", List.of("200ms", "200ms")), clock);
    key = newKey(node, "hr-timeclock", null).getString("api_key");
    welder = employeeId();
    late = employeeId();
    hr.seedEmployees(List.of(employee(welder, "Welder", "WELD-L3", null), employee(late, "Late", "WELD-L3", null)));
    hr.seedShifts(List.of(
        shift(welder, "SH-20310520-A", DAY, "Shift A", "06:00:00", "14:00:00", "09:30:00", "10:00:00", false),
        shift(late, "SH-20310520-A", DAY, "Shift A", "06:00:00", "14:00:00", "09:30:00", "10:00:00", false)));
    ran(node, EmployeeSync.JOB);
    ran(node, ScheduleSync.JOB);
  }

  @AfterAll
  static void stop() {
    node.close();
    vertx.close().await();
  }

  @Test
  @Order(1)
  void theDaysReportCarriesHoursBreakOvertimeAndTheOperatorsWorkOrders() {
    assertThat(attend(node, key, null, swipe("clock_in", welder, "SH-20310520-A", Instant.parse("2031-05-20T06:02:15Z")))
        .status()).isEqualTo(200);
    assertThat(attend(node, key, null, swipe("clock_in", late, "SH-20310520-A", Instant.parse("2031-05-20T06:30:00Z")))
        .status()).isEqualTo(200);
    clock.set(Instant.parse("2031-05-20T10:15:00Z"));
    String operator = (String) node.db.value("SELECT operator_id FROM operators WHERE employee_id = ?", welder);
    workOrder = startedBy(operator);
    // 65.5 minutes past the end of the shift: four whole quarter hours of overtime
    assertThat(attend(node, key, null, swipe("clock_out", welder, "SH-20310520-A", Instant.parse("2031-05-20T15:05:30Z")))
        .status()).isEqualTo(200);
    clock.set(Instant.parse("2031-05-20T23:00:00Z"));

    JsonObject summary = ran(node, HoursWorkedReport.JOB);

    assertThat(summary.getInteger("shifts_reported")).as(summary.encode()).isEqualTo(1);
    assertThat(summary.getLong("open_shifts")).as("the late worker has not clocked out").isEqualTo(1);
    await().atMost(Duration.ofSeconds(20)).until(() -> hr.timeEntries().size() == 1);
    JsonObject report = hr.timeEntries().get(0);
    assertThat(report.getString("date")).isEqualTo("2031-05-20");
    assertThat(report.getJsonArray("time_entries")).hasSize(1);
    JsonObject entry = report.getJsonArray("time_entries").getJsonObject(0);
    assertThat(entry.getString("employee_id")).isEqualTo(welder);
    assertThat(entry.getString("clock_in")).isEqualTo("2031-05-20T06:02:15Z");
    assertThat(entry.getString("clock_out")).isEqualTo("2031-05-20T15:05:30Z");
    assertThat(entry.getDouble("total_hours")).isEqualTo(9.05);
    assertThat(entry.getDouble("break_hours")).isEqualTo(0.5);
    assertThat(entry.getDouble("work_hours")).isEqualTo(8.55);
    assertThat(entry.getDouble("overtime_hours")).isEqualTo(1.0);
    assertThat(entry.getJsonArray("work_orders_assigned").getList()).containsExactly(workOrder);
    assertThat(hr.received(HrSimulator.TIME_ENTRIES_PATH).get(0).header("Idempotency-Key")).startsWith("msg_");
    assertThat(hr.received(HrSimulator.TIME_ENTRIES_PATH).get(0).header("Authorization")).startsWith("Bearer ");
    await().atMost(Duration.ofSeconds(10)).until(() -> node.db.count("SELECT count(*) FROM operator_shifts"
        + " WHERE employee_id = ? AND hours_reported_at IS NOT NULL", welder) == 1);

    JsonObject again = ran(node, HoursWorkedReport.JOB);
    assertThat(again.getInteger("shifts_reported")).as("each shift is reported once").isZero();
  }

  @Test
  @Order(2)
  void withHrDownTheReportIsRetriedByErrorClassThenKeptAsADeadLetter() {
    assertThat(attend(node, key, null, swipe("clock_out", late, "SH-20310520-A", Instant.parse("2031-05-20T14:00:00Z")))
        .status()).isEqualTo(200);
    hr.clear();
    hr.fault(HrSimulator.TIME_ENTRIES_PATH, Fault.status(503), Fault.status(503), Fault.status(503));

    JsonObject summary = ran(node, HoursWorkedReport.JOB);

    String messageId = summary.getJsonArray("reports").getJsonObject(0).getString("message_id");
    await().atMost(Duration.ofSeconds(30)).until(() -> "failed".equals(node.db.value(
        "SELECT status FROM outbound_messages WHERE message_id = ?", messageId)));
    assertThat(hr.received(HrSimulator.TIME_ENTRIES_PATH)).as("the first try and two retries").hasSize(3);
    assertThat(hr.timeEntries()).as("only the first report was taken").hasSize(1);
    Map<String, Object> failure = node.db.rows("SELECT f.integration_type, f.external_system, f.error_code,"
        + " f.original_message::text AS message FROM integration_failures f JOIN outbound_messages m"
        + " ON m.failure_id = f.failure_id WHERE m.message_id = ?", messageId).get(0);
    assertThat(failure).containsEntry("integration_type", "hr_time_entries").containsEntry("external_system", "HR")
        .containsEntry("error_code", "SERVER_ERROR");
    assertThat(failure.get("message").toString()).contains(late).contains("time_entries");
    assertThat(node.db.count("SELECT count(*) FROM integration_audit_log WHERE external_system = 'HR'"
        + " AND integration_type = 'hr_time_entries' AND http_status_code = 503")).isGreaterThanOrEqualTo(3);
  }

  /** A work order ERP sent, started by a supervisor on M-201 with this operator (the node's clock: now); its id. */
  private static String startedBy(String operator) {
    String erp = node.token("erp-connector");
    String material = Plant.seedMaterial(node);
    JsonObject event = Plant.workOrderEvent("work_order.created", Plant.unique("WO-ERP"), Plant.bomLine(material, "A-1", "Panel", 2));
    Api.Response created = node.api.postJson("/api/v1/integrations/erp/work-orders", erp, event);
    assertThat(created.status()).as(created.toString()).isEqualTo(200);
    String id = created.json().getString("mraos_work_order_id");
    Api.Response started = node.api.postJson("/api/v1/work-orders/" + id + "/start", node.token("supervisor"),
        new JsonObject().put("machine_id", "M-201").put("operator_id", operator));
    assertThat(started.status()).as(started.toString()).isEqualTo(202);
    return id;
  }
}
