package verticles.hr;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/**
 * The hours of one attended shift (spec §5.2.2): from clock in to clock out ({@code total}), the planned break within
 * that time ({@code breaks}), what is left ({@code work}), and overtime: all the work of an overtime shift, otherwise
 * the time worked outside the planned shift counted in whole steps of {@code increment} (six minutes past the end of
 * the shift with 15-minute steps is none). Shift times are the plant's wall-clock times; a shift (or break) that ends
 * at or before it starts ends the next day.
 */
record HoursWorked(Duration total, Duration breaks, Duration work, Duration overtime) {

  /** The planned shift, in the plant's time zone. */
  record Plan(LocalDate date, LocalTime start, LocalTime end, LocalTime breakStart, LocalTime breakEnd, boolean overtime) {
  }

  static HoursWorked of(Plan plan, Instant clockIn, Instant clockOut, ZoneId zone, Duration increment) {
    ZonedDateTime start = plan.date().atTime(plan.start()).atZone(zone);
    ZonedDateTime end = plan.date().atTime(plan.end()).atZone(zone);
    if (!end.isAfter(start)) {
      end = end.plusDays(1);
    }
    Duration total = between(clockIn, clockOut);
    Duration breaks = Duration.ZERO;
    if (plan.breakStart() != null && plan.breakEnd() != null) {
      ZonedDateTime breakStart = plan.date().atTime(plan.breakStart()).atZone(zone);
      if (breakStart.isBefore(start)) {
        breakStart = breakStart.plusDays(1);
      }
      ZonedDateTime breakEnd = breakStart.toLocalDate().atTime(plan.breakEnd()).atZone(zone);
      if (!breakEnd.isAfter(breakStart)) {
        breakEnd = breakEnd.plusDays(1);
      }
      breaks = overlap(clockIn, clockOut, breakStart.toInstant(), breakEnd.toInstant());
    }
    Duration work = total.minus(breaks);
    Duration overtime;
    if (plan.overtime()) {
      overtime = work;
    } else {
      Duration outside = total.minus(overlap(clockIn, clockOut, start.toInstant(), end.toInstant()));
      overtime = increment.multipliedBy(outside.dividedBy(increment));
    }
    return new HoursWorked(total, breaks, work, overtime);
  }

  HoursWorked plus(HoursWorked other) {
    return new HoursWorked(total.plus(other.total), breaks.plus(other.breaks), work.plus(other.work),
        overtime.plus(other.overtime));
  }

  /** Hours to two decimals, as HR takes them (8 h 3 min 15 s: 8.05). */
  static BigDecimal hours(Duration duration) {
    return BigDecimal.valueOf(duration.toSeconds()).divide(BigDecimal.valueOf(3600), 2, RoundingMode.HALF_UP);
  }

  private static Duration overlap(Instant from, Instant to, Instant otherFrom, Instant otherTo) {
    Instant start = from.isAfter(otherFrom) ? from : otherFrom;
    Instant end = to.isBefore(otherTo) ? to : otherTo;
    return between(start, end);
  }

  private static Duration between(Instant from, Instant to) {
    return to.isAfter(from) ? Duration.between(from, to) : Duration.ZERO;
  }
}
