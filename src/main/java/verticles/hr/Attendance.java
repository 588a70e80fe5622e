package verticles.hr;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import mraos.events.Outbox;
import mraos.http.ApiError;
import mraos.http.Json;
import mraos.http.PayloadSchema;
import mraos.time.Timestamps;

import java.time.Instant;
import java.util.List;

/**
 * A clock in or out from HR's time clock (spec §5.2.1, §5.3) applied in the caller's transaction: {@code clock_in} sets
 * the shift's {@code actual_clock_in} (the first one counts) and makes the operator {@code available};
 * {@code clock_out} sets {@code actual_clock_out} (the last one counts) and makes the operator {@code off_shift}. The
 * change goes to {@code hr-updates} in the same transaction. An event MRAOS cannot place (an employee or shift it does
 * not know, an inactive employee, a clock out before the clock in) is refused with what is wrong.
 */
final class Attendance {

  static final String INTEGRATION_TYPE = "hr_attendance_inbound";
  static final PayloadSchema SCHEMA = PayloadSchema.fromResource("verticles/hr/attendance.schema.json");

  /** Applied: the answer, and the operator's new status for the live feed. */
  record Applied(JsonObject answer, JsonObject operatorStatus) {
  }

  static final String PLACE = """
      SELECT o.operator_id, o.is_active, s.shift_record_id, s.shift_date, s.shift_name, s.actual_clock_in
        FROM operators o LEFT JOIN operator_shifts s ON s.employee_id = o.employee_id AND s.shift_id = $2
       WHERE o.employee_id = $1
         FOR UPDATE OF o""";
  static final String CLOCK_IN = """
      UPDATE operator_shifts SET actual_clock_in = COALESCE(actual_clock_in, $2), updated_at = $3 WHERE shift_record_id = $1
      RETURNING actual_clock_in, actual_clock_out""";
  static final String CLOCK_OUT = """
      UPDATE operator_shifts SET actual_clock_out = GREATEST(COALESCE(actual_clock_out, $2), $2), updated_at = $3
       WHERE shift_record_id = $1
      RETURNING actual_clock_in, actual_clock_out""";
  static final String STATUS = "UPDATE operators SET current_status = $2, updated_at = $3 WHERE operator_id = $1";

  private Attendance() {
  }

  /** The event's schema violations as a 400, or null when it has none. */
  static ApiError violations(JsonObject event) {
    JsonArray violations = SCHEMA.violations(event);
    return violations.isEmpty() ? null : ApiError.badRequest("The attendance event does not match the schema ("
        + violations.size() + " problem(s))").details(violations);
  }

  /** Applies a schema-valid event; fails with a 400 {@link ApiError} when it cannot be placed. */
  static Future<Applied> apply(SqlConnection tx, JsonObject event, String topic, String correlationId, Instant now) {
    String employee = event.getString("employee_id");
    String shiftId = event.getString("shift_id");
    boolean in = event.getString("event_type").equals("clock_in");
    Instant at = Timestamps.parse(event.getString("timestamp"));
    return tx.preparedQuery(PLACE).execute(Tuple.of(employee, shiftId)).compose(rows -> {
      if (rows.size() == 0) {
        return Future.failedFuture(refusal("Employee " + employee + " is not known to MRAOS (not in the employee master:"
            + " the employee sync may not have brought them yet)", "employee_id", "unknown employee"));
      }
      Row place = rows.iterator().next();
      if (!place.getBoolean("is_active")) {
        return Future.failedFuture(refusal("Employee " + employee + " is no longer active in HR's employee master",
            "employee_id", "inactive employee"));
      }
      if (place.getLong("shift_record_id") == null) {
        return Future.failedFuture(refusal("Shift " + shiftId + " of employee " + employee + " is not known to MRAOS (not"
            + " in the shift schedule: the schedule sync may not have brought it yet)", "shift_id", "unknown shift"));
      }
      Instant clockedIn = Json.instant(place.getOffsetDateTime("actual_clock_in"));
      if (!in && clockedIn != null && at.isBefore(clockedIn)) {
        return Future.failedFuture(refusal("Employee " + employee + " cannot clock out at " + Json.time(at)
            + ", before clocking in at " + Json.time(clockedIn), "timestamp", "before the clock in"));
      }
      String operatorId = place.getString("operator_id");
      String status = in ? "available" : "off_shift";
      return tx.preparedQuery(in ? CLOCK_IN : CLOCK_OUT)
          .execute(Tuple.of(place.getLong("shift_record_id"), SyncRuns.utc(at), SyncRuns.utc(now)))
          .compose(shiftRows -> tx.preparedQuery(STATUS).execute(Tuple.of(operatorId, status, SyncRuns.utc(now)))
              .map(shiftRows.iterator().next()))
          .compose(shift -> {
            JsonObject shiftJson = new JsonObject().put("shift_id", shiftId)
                .put("shift_date", place.getLocalDate("shift_date").toString()).put("shift_name", place.getString("shift_name"))
                .put("actual_clock_in", Json.time(Json.instant(shift.getOffsetDateTime("actual_clock_in"))))
                .put("actual_clock_out", Json.time(Json.instant(shift.getOffsetDateTime("actual_clock_out"))));
            JsonObject operator = new JsonObject().put("operator_id", operatorId).put("employee_id", employee)
                .put("current_status", status);
            JsonObject payload = new JsonObject().put("event_type", in ? "operator.clocked_in" : "operator.clocked_out")
                .put("timestamp", Json.time(at)).put("location", event.getString("location"))
                .put("operator", operator).put("shift", shiftJson);
            return Outbox.appendAll(tx, List.of(HrEvents.event(topic, now, correlationId, employee, payload)))
                .map(v -> new Applied(new JsonObject().put("status", "success").put("event_type", event.getString("event_type"))
                    .put("employee_id", employee).put("operator_id", operatorId).put("current_status", status)
                    .put("shift", shiftJson), operator.copy().put("event_type", event.getString("event_type"))
                    .put("at", Json.time(at)).put("shift_id", shiftId)));
          });
    });
  }

  private static ApiError refusal(String message, String field, String problem) {
    return ApiError.badRequest(message).detail(new JsonObject().put("field", field).put("message", problem));
  }
}
