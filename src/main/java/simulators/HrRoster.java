package simulators;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import mraos.plant.PlantModel;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The simulated plant's people as its HR holds them: an operator per machine (EMP-2025-0&lt;machine number&gt;, the
 * Manufacturing department), certified for the machine's kind of work (one certification expiring within weeks, one
 * expired, as a real roster has), and the plant's three shifts (A 06-14, B 14-22, C 22-06, each with a half-hour break):
 * everyone is scheduled on today's shift that runs now (before 06:00, the night shift starting this evening).
 */
final class HrRoster {

  static final String DEPARTMENT = "Manufacturing";
  private static final DateTimeFormatter ID_DATE = DateTimeFormatter.ofPattern("yyyyMMdd", Locale.ROOT);

  /** A shift of the plant's day: name, letter, start, break start. */
  private record Slot(String letter, LocalTime start, LocalTime breakStart) {
  }

  private static final List<Slot> SLOTS = List.of(new Slot("A", LocalTime.of(6, 0), LocalTime.of(9, 30)),
      new Slot("B", LocalTime.of(14, 0), LocalTime.of(17, 30)), new Slot("C", LocalTime.of(22, 0), LocalTime.of(1, 30)));

  /** The shift running now: its date (the day it started), letter and times. */
  record Current(LocalDate date, String letter, LocalTime start, LocalTime breakStart) {
    String shiftId() {
      return "SH-" + ID_DATE.format(date) + "-" + letter;
    }
  }

  private final Map<String, String> employeeOfMachine = new LinkedHashMap<>();
  private final List<JsonObject> employees = new ArrayList<>();

  HrRoster(List<PlantModel.Machine> machines, LocalDate today) {
    int n = 0;
    for (PlantModel.Machine machine : machines) {
      String id = "EMP-2025-0" + machine.id().replaceAll("\\D", "");
      employeeOfMachine.put(machine.id(), id);
      String skill = (machine.type() == null ? "machine" : machine.type()).toUpperCase(Locale.ROOT) + "-L2";
      LocalDate expiry = n == 1 ? today.plusDays(20) : n == 2 ? today.minusDays(3) : today.plusYears(2);
      employees.add(new JsonObject().put("employee_id", id).put("first_name", "Operator").put("last_name", machine.id())
          .put("email", id.toLowerCase(Locale.ROOT) + "@plant.example").put("department", DEPARTMENT)
          .put("job_title", "Production Operator").put("hire_date", "2020-03-15").put("is_active", true)
          .put("location", "Plant 1 - " + machine.lineId())
          .put("skills", new JsonArray().add(new JsonObject().put("skill_code", skill)
              .put("skill_name", machine.type() + " operation, level 2").put("proficiency_level", 2)
              .put("certification_date", today.minusYears(1).toString()).put("certification_expiry", expiry.toString()))));
      n++;
    }
  }

  List<JsonObject> employees() {
    return employees;
  }

  Map<String, String> employeeOfMachine() {
    return employeeOfMachine;
  }

  /** The shift of the plant's day that runs at {@code now}. */
  static Current current(Instant now, ZoneId zone) {
    ZonedDateTime local = now.atZone(zone);
    LocalTime time = local.toLocalTime();
    for (int i = 0; i < 2; i++) {
      Slot slot = SLOTS.get(i);
      if (!time.isBefore(slot.start()) && time.isBefore(slot.start().plusHours(8))) {
        return new Current(local.toLocalDate(), slot.letter(), slot.start(), slot.breakStart());
      }
    }
    // the night: the schedule sync takes the plant's date, so the night shift is the one that starts this evening
    Slot night = SLOTS.get(2);
    return new Current(local.toLocalDate(), night.letter(), night.start(), night.breakStart());
  }

  /** Everyone on the shift running now. */
  List<JsonObject> shifts(Current shift) {
    List<JsonObject> shifts = new ArrayList<>();
    for (String employee : employeeOfMachine.values()) {
      shifts.add(new JsonObject().put("employee_id", employee).put("shift_id", shift.shiftId())
          .put("shift_date", shift.date().toString()).put("shift_name", "Shift " + shift.letter())
          .put("start_time", shift.start() + ":00").put("end_time", shift.start().plusHours(8) + ":00")
          .put("break_start", shift.breakStart() + ":00").put("break_end", shift.breakStart().plusMinutes(30) + ":00")
          .put("is_overtime", false));
    }
    return shifts;
  }
}
