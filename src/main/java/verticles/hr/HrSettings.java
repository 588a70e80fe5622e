package verticles.hr;

import mraos.config.MraosConfig;
import mraos.config.Settings;

import java.time.Duration;

/**
 * The HR area's settings ({@code hr} in conf/mraos.yaml beyond how MRAOS reaches HR, which is the machinery's
 * {@code MraosConfig.hr()}), parsed and checked once.
 */
record HrSettings(String employeesPath, String schedulesPath, String timeEntriesPath, String department, int pageSize,
                  Duration certificationWarning, int attendanceRequestsPerMinute, Duration idempotencyRetention,
                  Duration keyMaxAge, String defaultKeyClient, Duration hoursLookBack, Duration overtimeIncrement,
                  Duration housekeepingInterval, String hrUpdatesTopic) {

  static HrSettings of(MraosConfig config) {
    Settings hr = Settings.of(config.json()).section("hr");
    Settings paths = hr.section("paths");
    Settings attendance = hr.section("attendance");
    Settings hours = hr.section("hours-report");
    String department = hr.string("department").trim();
    if (department.isEmpty()) {
      throw new IllegalArgumentException("Configuration hr.department must name the department whose people MRAOS takes");
    }
    return new HrSettings(paths.string("employees"), paths.string("schedules"), paths.string("time-entries"), department,
        hr.integer("page-size", 1, 10_000), hr.duration("certification-warning", Duration.ZERO, Duration.ofDays(3650)),
        attendance.integer("requests-per-minute", 1, 10_000_000),
        attendance.duration("idempotency-retention", Duration.ofHours(24), Duration.ofDays(365)),
        attendance.duration("key-max-age", Duration.ofDays(1), Duration.ofDays(3650)),
        attendance.string("default-key-client").trim(),
        hours.duration("look-back", Duration.ZERO, Duration.ofDays(60)),
        hours.duration("overtime-increment", Duration.ofMinutes(1), Duration.ofHours(8)),
        hr.duration("housekeeping-interval", Duration.ofMillis(100), Duration.ofDays(1)),
        config.kafka().hrUpdatesTopic());
  }
}
