package verticles.hr;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;

import static org.assertj.core.api.Assertions.assertThat;

/** The hours of one shift (spec §5.2.2): the spec's own example, overtime beyond the shift, an overtime shift, a night. */
class HoursWorkedTest {

  static final ZoneId PLANT = ZoneId.of("UTC");
  static final LocalDate DAY = LocalDate.of(2025, 11, 18);
  static final HoursWorked.Plan SHIFT_A = new HoursWorked.Plan(DAY, LocalTime.of(6, 0), LocalTime.of(14, 0),
      LocalTime.of(9, 30), LocalTime.of(10, 0), false);

  @Test
  void theSpecsExampleGivesTheSpecsFigures() {
    HoursWorked hours = HoursWorked.of(SHIFT_A, Instant.parse("2025-11-18T06:02:15Z"), Instant.parse("2025-11-18T14:05:30Z"),
        PLANT, Duration.ofMinutes(15));
    assertThat(HoursWorked.hours(hours.total())).isEqualByComparingTo("8.05");
    assertThat(HoursWorked.hours(hours.breaks())).isEqualByComparingTo("0.5");
    assertThat(HoursWorked.hours(hours.work())).isEqualByComparingTo("7.55");
    assertThat(HoursWorked.hours(hours.overtime())).isEqualByComparingTo(BigDecimal.ZERO);
  }

  @Test
  void timeBeyondThePlannedShiftCountsInWholeSteps() {
    // 05:50 to 15:20: 10 minutes before, 80 minutes after: 90 minutes outside, six quarter hours
    HoursWorked hours = HoursWorked.of(SHIFT_A, Instant.parse("2025-11-18T05:50:00Z"), Instant.parse("2025-11-18T15:20:00Z"),
        PLANT, Duration.ofMinutes(15));
    assertThat(HoursWorked.hours(hours.total())).isEqualByComparingTo("9.5");
    assertThat(HoursWorked.hours(hours.work())).isEqualByComparingTo("9.0");
    assertThat(HoursWorked.hours(hours.overtime())).isEqualByComparingTo("1.5");
  }

  @Test
  void aBreakOutsideTheAttendanceIsNotTakenOffAndAnOvertimeShiftIsAllOvertime() {
    HoursWorked.Plan extra = new HoursWorked.Plan(DAY, LocalTime.of(14, 0), LocalTime.of(18, 0), LocalTime.of(16, 0),
        LocalTime.of(16, 15), true);
    HoursWorked hours = HoursWorked.of(extra, Instant.parse("2025-11-18T14:00:00Z"), Instant.parse("2025-11-18T15:30:00Z"),
        PLANT, Duration.ofMinutes(15));
    assertThat(HoursWorked.hours(hours.breaks())).isEqualByComparingTo(BigDecimal.ZERO);
    assertThat(HoursWorked.hours(hours.overtime())).isEqualByComparingTo("1.5");
  }

  @Test
  void aNightShiftAndItsBreakEndTheNextDayInThePlantsTimeZone() {
    ZoneId berlin = ZoneId.of("Europe/Berlin");
    HoursWorked.Plan night = new HoursWorked.Plan(DAY, LocalTime.of(22, 0), LocalTime.of(6, 0), LocalTime.of(1, 30),
        LocalTime.of(2, 0), false);
    // 22:00 to 06:30 Berlin time (UTC+1 in November)
    HoursWorked hours = HoursWorked.of(night, Instant.parse("2025-11-18T21:00:00Z"), Instant.parse("2025-11-19T05:30:00Z"),
        berlin, Duration.ofMinutes(15));
    assertThat(HoursWorked.hours(hours.total())).isEqualByComparingTo("8.5");
    assertThat(HoursWorked.hours(hours.breaks())).isEqualByComparingTo("0.5");
    assertThat(HoursWorked.hours(hours.overtime())).isEqualByComparingTo("0.5");
  }
}
