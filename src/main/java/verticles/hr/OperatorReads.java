package verticles.hr;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;

/**
 * The operators as MRAOS holds them, for supervisors: status, skills with where each certification stands (valid,
 * expiring within {@code hr.certification-warning}, expired), and today's shift with its clock in and out. Asked for
 * a skill, only operators whose certification for it has not expired are listed: they may do that work today.
 */
final class OperatorReads {

  static final List<String> STATUSES = List.of("available", "assigned", "on_break", "off_shift", "absent");

  /** What to list: each null field does not filter. */
  record Filter(String status, String skill, String employeeId, Boolean active, int limit) {
  }

  static final String LIST = """
      SELECT o.operator_id, o.employee_id, o.first_name, o.last_name, o.job_title, o.location, o.is_active,
             o.current_status,
             COALESCE((SELECT json_agg(json_build_object('skill_code', k.skill_code, 'skill_name', k.skill_name,
                         'proficiency_level', k.proficiency_level, 'certification_date', k.certification_date,
                         'certification_expiry', k.certification_expiry) ORDER BY k.skill_code)
                         FROM operator_skills k WHERE k.operator_id = o.operator_id), '[]'::json) AS skills,
             (SELECT json_build_object('shift_id', s.shift_id, 'shift_name', s.shift_name, 'start_time', s.start_time,
                     'end_time', s.end_time, 'is_overtime', s.is_overtime, 'actual_clock_in', s.actual_clock_in,
                     'actual_clock_out', s.actual_clock_out)
                FROM operator_shifts s WHERE s.employee_id = o.employee_id AND s.shift_date = $6
               ORDER BY s.start_time LIMIT 1) AS shift_today
        FROM operators o
       WHERE ($1::text IS NULL OR o.current_status = $1)
         AND ($2::text IS NULL OR EXISTS (SELECT 1 FROM operator_skills k WHERE k.operator_id = o.operator_id
               AND k.skill_code = $2 AND (k.certification_expiry IS NULL OR k.certification_expiry >= $6)))
         AND ($3::text IS NULL OR o.employee_id = $3)
         AND ($4::bool IS NULL OR o.is_active = $4)
       ORDER BY o.operator_id LIMIT $5""";

  private OperatorReads() {
  }

  static Future<JsonArray> list(Pool pool, Filter filter, Instant now, ZoneId zone, Duration warning) {
    LocalDate today = LocalDate.ofInstant(now, zone);
    return pool.preparedQuery(LIST).execute(Tuple.tuple().addString(filter.status()).addString(filter.skill())
        .addString(filter.employeeId()).addBoolean(filter.active()).addInteger(filter.limit()).addLocalDate(today))
        .map(rows -> {
          JsonArray operators = new JsonArray();
          for (Row row : rows) {
            JsonArray skills = new JsonArray();
            Object stored = row.getValue("skills");
            JsonArray raw = stored instanceof JsonArray array ? array : new JsonArray(String.valueOf(stored));
            raw.forEach(s -> skills.add(withStatus((JsonObject) s, today, warning)));
            Object shift = row.getValue("shift_today");
            operators.add(new JsonObject().put("operator_id", row.getString("operator_id"))
                .put("employee_id", row.getString("employee_id")).put("first_name", row.getString("first_name"))
                .put("last_name", row.getString("last_name")).put("job_title", row.getString("job_title"))
                .put("location", row.getString("location")).put("is_active", row.getBoolean("is_active"))
                .put("current_status", row.getString("current_status")).put("skills", skills)
                .put("shift_today", shift instanceof JsonObject json ? json
                    : shift == null ? null : new JsonObject(String.valueOf(shift))));
          }
          return operators;
        });
  }

  /** valid, expiring (within the warning) or expired, by the certification's expiry and the plant's date. */
  static JsonObject withStatus(JsonObject skill, LocalDate today, Duration warning) {
    String expiry = skill.getString("certification_expiry");
    String status = "valid";
    if (expiry != null) {
      LocalDate expires = LocalDate.parse(expiry);
      status = expires.isBefore(today) ? "expired" : expires.isAfter(today.plusDays(warning.toDays())) ? "valid" : "expiring";
    }
    return skill.put("certification_status", status);
  }
}
