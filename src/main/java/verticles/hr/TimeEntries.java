package verticles.hr;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import mraos.http.Json;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The spec's §5.2.2 payload for one shift date: an entry per employee with their first clock in, last clock out, total,
 * break, work and overtime hours ({@link HoursWorked}, summed over their shifts of the day), and the work orders they
 * were assigned that day: from the start of the plant's day (or their clock in, if earlier) to its end (or their clock
 * out, if later).
 */
final class TimeEntries {

  /** A shift that was clocked in and out. */
  record Attended(long shiftRecordId, String employeeId, String operatorId, HoursWorked.Plan plan, Instant clockIn,
                  Instant clockOut) {
  }

  /** A supervisor put the operator on the work order then. */
  record Assignment(String operatorId, String workOrderId, Instant at) {
  }

  private final LocalDate date;
  private final ZoneId zone;
  private final Duration increment;
  private final Instant dayStart;
  private final Instant dayEnd;

  TimeEntries(LocalDate date, ZoneId zone, Duration increment) {
    this.date = date;
    this.zone = zone;
    this.increment = increment;
    this.dayStart = date.atStartOfDay(zone).toInstant();
    this.dayEnd = date.plusDays(1).atStartOfDay(zone).toInstant();
  }

  /** The earliest time an assignment of these shifts may have been made. */
  Instant windowStart(List<Attended> shifts) {
    return shifts.stream().map(Attended::clockIn).filter(dayStart::isAfter).min(Instant::compareTo).orElse(dayStart);
  }

  /** The time before which every assignment of these shifts was made. */
  Instant windowEnd(List<Attended> shifts) {
    return shifts.stream().map(Attended::clockOut).filter(dayEnd::isBefore).max(Instant::compareTo).orElse(dayEnd);
  }

  JsonObject payload(List<Attended> shifts, List<Assignment> assignments) {
    Map<String, List<Attended>> byEmployee = new TreeMap<>();
    shifts.forEach(s -> byEmployee.computeIfAbsent(s.employeeId(), e -> new java.util.ArrayList<>()).add(s));
    JsonArray entries = new JsonArray();
    byEmployee.forEach((employee, theirs) -> entries.add(entry(employee, theirs, assignments)));
    return new JsonObject().put("date", date.toString()).put("time_entries", entries);
  }

  private JsonObject entry(String employee, List<Attended> theirs, List<Assignment> assignments) {
    HoursWorked sum = null;
    Instant in = null;
    Instant out = null;
    for (Attended shift : theirs) {
      HoursWorked hours = HoursWorked.of(shift.plan(), shift.clockIn(), shift.clockOut(), zone, increment);
      sum = sum == null ? hours : sum.plus(hours);
      in = in == null || shift.clockIn().isBefore(in) ? shift.clockIn() : in;
      out = out == null || shift.clockOut().isAfter(out) ? shift.clockOut() : out;
    }
    Instant from = in.isBefore(dayStart) ? in : dayStart;
    Instant to = out.isAfter(dayEnd) ? out : dayEnd;
    String operator = theirs.get(0).operatorId();
    Set<String> orders = new LinkedHashSet<>();
    assignments.stream().filter(a -> a.operatorId().equals(operator) && !a.at().isBefore(from) && a.at().isBefore(to))
        .forEach(a -> orders.add(a.workOrderId()));
    return new JsonObject()
        .put("employee_id", employee)
        .put("clock_in", Json.time(in))
        .put("clock_out", Json.time(out))
        .put("total_hours", HoursWorked.hours(sum.total()).doubleValue())
        .put("break_hours", HoursWorked.hours(sum.breaks()).doubleValue())
        .put("work_hours", HoursWorked.hours(sum.work()).doubleValue())
        .put("overtime_hours", HoursWorked.hours(sum.overtime()).doubleValue())
        .put("work_orders_assigned", new JsonArray(List.copyOf(orders)));
  }
}
