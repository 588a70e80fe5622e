package verticles.hr;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * HR's shifts of one day written to {@code operator_shifts} in the caller's transaction. A shift of an employee
 * MRAOS does not know (the master sync has not brought them yet) is left out with a warning; the rest lands. A shift
 * already there keeps its attendance (actual clock in and out); only its plan is updated.
 */
final class ShiftSchedule {

  /** Counts, and the shifts left out with why. */
  record Outcome(int added, int updated, int unchanged, List<JsonObject> warnings) {
  }

  static final String KNOWN = "SELECT employee_id FROM operators WHERE employee_id = ANY($1::text[])";

  static final String UPSERT = """
      INSERT INTO operator_shifts (employee_id, shift_id, shift_date, shift_name, start_time, end_time, break_start,
          break_end, is_overtime, updated_at)
      SELECT s.employee_id, s.shift_id, s.shift_date, s.shift_name, s.start_time, s.end_time, s.break_start, s.break_end,
             s.is_overtime, $10
        FROM unnest($1::text[], $2::text[], $3::date[], $4::text[], $5::time[], $6::time[], $7::time[], $8::time[],
                    $9::bool[])
             AS s(employee_id, shift_id, shift_date, shift_name, start_time, end_time, break_start, break_end, is_overtime)
      ON CONFLICT (employee_id, shift_date, shift_name) DO UPDATE SET shift_id = EXCLUDED.shift_id,
          start_time = EXCLUDED.start_time, end_time = EXCLUDED.end_time, break_start = EXCLUDED.break_start,
          break_end = EXCLUDED.break_end, is_overtime = EXCLUDED.is_overtime, updated_at = EXCLUDED.updated_at
       WHERE (operator_shifts.shift_id, operator_shifts.start_time, operator_shifts.end_time, operator_shifts.break_start,
              operator_shifts.break_end, operator_shifts.is_overtime)
             IS DISTINCT FROM (EXCLUDED.shift_id, EXCLUDED.start_time, EXCLUDED.end_time, EXCLUDED.break_start,
              EXCLUDED.break_end, EXCLUDED.is_overtime)
      RETURNING (xmax = 0) AS added""";

  private ShiftSchedule() {
  }

  static Future<Outcome> apply(SqlConnection tx, List<Shift> shifts, List<JsonObject> warnings, Instant now) {
    Map<String, Shift> unique = new LinkedHashMap<>();
    shifts.forEach(s -> unique.put(s.employeeId() + "\n" + s.date() + "\n" + s.name(), s)); // the later entry wins
    String[] employees = unique.values().stream().map(Shift::employeeId).distinct().toArray(String[]::new);
    return tx.preparedQuery(KNOWN).execute(Tuple.of((Object) employees)).compose(rows -> {
      Set<String> known = new HashSet<>();
      rows.forEach(row -> known.add(row.getString("employee_id")));
      List<Shift> landing = new ArrayList<>();
      for (Shift shift : unique.values()) {
        if (known.contains(shift.employeeId())) {
          landing.add(shift);
        } else {
          warnings.add(new JsonObject().put("employee_id", shift.employeeId()).put("shift_name", shift.name())
              .put("shift_date", shift.date().toString())
              .put("message", "employee " + shift.employeeId() + " is not known to MRAOS (not in the employee master"
                  + " yet: run the employee sync, then this one again); the shift was not stored"));
        }
      }
      Tuple tuple = Tuple.tuple()
          .addArrayOfString(landing.stream().map(Shift::employeeId).toArray(String[]::new))
          .addArrayOfString(landing.stream().map(Shift::shiftId).toArray(String[]::new))
          .addArrayOfLocalDate(landing.stream().map(Shift::date).toArray(LocalDate[]::new))
          .addArrayOfString(landing.stream().map(Shift::name).toArray(String[]::new))
          .addArrayOfLocalTime(landing.stream().map(Shift::start).toArray(LocalTime[]::new))
          .addArrayOfLocalTime(landing.stream().map(Shift::end).toArray(LocalTime[]::new))
          .addArrayOfLocalTime(landing.stream().map(Shift::breakStart).toArray(LocalTime[]::new))
          .addArrayOfLocalTime(landing.stream().map(Shift::breakEnd).toArray(LocalTime[]::new))
          .addArrayOfBoolean(landing.stream().map(Shift::overtime).toArray(Boolean[]::new))
          .addOffsetDateTime(SyncRuns.utc(now));
      return tx.preparedQuery(UPSERT).execute(tuple).map(result -> {
        int added = 0;
        int updated = 0;
        for (Row row : result) {
          if (row.getBoolean("added")) {
            added++;
          } else {
            updated++;
          }
        }
        return new Outcome(added, updated, landing.size() - added - updated, warnings);
      });
    });
  }
}
