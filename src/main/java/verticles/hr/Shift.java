package verticles.hr;

import io.vertx.core.json.JsonObject;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * One planned shift of HR's schedule (spec §5.2.1): who, which day, planned start and end, the break, whether it is
 * overtime. HR's {@code shift_id} (what the time clock's attendance names, e.g. SH-20251118-A) is taken when HR sends
 * one, otherwise made the way HR makes it: SH-&lt;yyyyMMdd&gt;-&lt;last word of the shift's name&gt;.
 */
record Shift(String employeeId, String shiftId, LocalDate date, String name, LocalTime start, LocalTime end,
             LocalTime breakStart, LocalTime breakEnd, boolean overtime) {

  private static final DateTimeFormatter ID_DATE = DateTimeFormatter.ofPattern("yyyyMMdd", Locale.ROOT);

  /** The shift, or null when the entry cannot be one (its problem added to {@code problems}). */
  static Shift read(Object entry, List<JsonObject> problems) {
    if (!(entry instanceof JsonObject json)) {
      problems.add(new JsonObject().put("message", "an entry of schedules is not an object"));
      return null;
    }
    String employee = text(json, "employee_id");
    String name = text(json, "shift_name");
    try {
      if (employee == null || name == null) {
        throw new DateTimeException("employee_id and shift_name are required");
      }
      LocalDate date = LocalDate.parse(text(json, "shift_date"));
      LocalTime start = LocalTime.parse(text(json, "start_time"));
      LocalTime end = LocalTime.parse(text(json, "end_time"));
      LocalTime breakStart = time(json, "break_start");
      LocalTime breakEnd = time(json, "break_end");
      if ((breakStart == null) != (breakEnd == null)) {
        throw new DateTimeException("a break needs both break_start and break_end");
      }
      String shiftId = text(json, "shift_id");
      if (shiftId == null) {
        String[] words = name.split("\\s+");
        shiftId = "SH-" + ID_DATE.format(date) + "-" + words[words.length - 1].toUpperCase(Locale.ROOT);
      }
      return new Shift(employee, shiftId, date, name, start, end, breakStart, breakEnd,
          Boolean.TRUE.equals(json.getValue("is_overtime")));
    } catch (DateTimeException | NullPointerException e) {
      problems.add(new JsonObject().put("employee_id", employee).put("shift_name", name)
          .put("message", "not a shift: " + (e.getMessage() == null ? "shift_date, start_time and end_time are required"
              : e.getMessage())));
      return null;
    }
  }

  private static LocalTime time(JsonObject json, String field) {
    String text = text(json, field);
    return text == null ? null : LocalTime.parse(text);
  }

  private static String text(JsonObject json, String field) {
    Object value = json.getValue(field);
    return value == null || value.toString().isBlank() ? null : value.toString().trim();
  }
}
