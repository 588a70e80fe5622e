package verticles.hr;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * HR's whole employee master applied to {@code operators} and {@code operator_skills} in the caller's transaction
 * (spec §5.2.1): new employees added (with an operator id of MRAOS's own, O-&lt;n&gt;), changed ones updated, those HR
 * no longer lists marked inactive (never deleted: their history stays), each listed employee's skills made HR's.
 * A row is written only when something in it changed, so the counts say what changed.
 */
final class OperatorMaster {

  /** What one application changed: counts, and per operator what happened to it (added, updated, deactivated). */
  record Changes(int added, int updated, int unchanged, int deactivated, int skillsChanged, Map<String, String> byEmployee,
                 Map<String, String> operatorIds) {
  }

  static final String UPSERT = """
      INSERT INTO operators (operator_id, employee_id, first_name, last_name, email, phone, department, job_title,
          hire_date, location, is_active, created_at, updated_at)
      SELECT 'O-' || nextval('operator_number_seq'), e.employee_id, e.first_name, e.last_name, e.email, e.phone,
             e.department, e.job_title, e.hire_date, e.location, e.is_active, $11, $11
        FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::date[],
                    $9::text[], $10::bool[])
             AS e(employee_id, first_name, last_name, email, phone, department, job_title, hire_date, location, is_active)
      ON CONFLICT (employee_id) DO UPDATE SET first_name = EXCLUDED.first_name, last_name = EXCLUDED.last_name,
          email = EXCLUDED.email, phone = EXCLUDED.phone, department = EXCLUDED.department,
          job_title = EXCLUDED.job_title, hire_date = EXCLUDED.hire_date, location = EXCLUDED.location,
          is_active = EXCLUDED.is_active,
          current_status = CASE WHEN EXCLUDED.is_active THEN operators.current_status ELSE 'off_shift' END,
          updated_at = EXCLUDED.updated_at
       WHERE (operators.first_name, operators.last_name, operators.email, operators.phone, operators.department,
              operators.job_title, operators.hire_date, operators.location, operators.is_active)
             IS DISTINCT FROM (EXCLUDED.first_name, EXCLUDED.last_name, EXCLUDED.email, EXCLUDED.phone,
              EXCLUDED.department, EXCLUDED.job_title, EXCLUDED.hire_date, EXCLUDED.location, EXCLUDED.is_active)
      RETURNING employee_id, (xmax = 0) AS added, is_active""";

  static final String DEACTIVATE = """
      UPDATE operators SET is_active = FALSE, current_status = 'off_shift', updated_at = $2
       WHERE is_active AND NOT (employee_id = ANY($1::text[]))
      RETURNING employee_id, operator_id""";

  static final String IDS = "SELECT employee_id, operator_id FROM operators WHERE employee_id = ANY($1::text[])";

  /** Each listed employee's skills become HR's: missing ones removed, new ones added, changed ones updated. */
  static final String SKILLS = """
      WITH incoming AS (
        SELECT o.operator_id, s.skill_code, s.skill_name, s.proficiency_level, s.certification_date, s.certification_expiry
          FROM unnest($1::text[], $2::text[], $3::text[], $4::int2[], $5::date[], $6::date[])
               AS s(employee_id, skill_code, skill_name, proficiency_level, certification_date, certification_expiry)
          JOIN operators o ON o.employee_id = s.employee_id),
      removed AS (
        DELETE FROM operator_skills k USING operators o
         WHERE o.operator_id = k.operator_id AND o.employee_id = ANY($7::text[])
           AND NOT EXISTS (SELECT 1 FROM incoming i WHERE i.operator_id = k.operator_id AND i.skill_code = k.skill_code)
        RETURNING k.operator_id),
      changed AS (
        INSERT INTO operator_skills (operator_id, skill_code, skill_name, proficiency_level, certification_date,
            certification_expiry)
        SELECT operator_id, skill_code, skill_name, proficiency_level, certification_date, certification_expiry FROM incoming
        ON CONFLICT (operator_id, skill_code) DO UPDATE SET skill_name = EXCLUDED.skill_name,
            proficiency_level = EXCLUDED.proficiency_level, certification_date = EXCLUDED.certification_date,
            certification_expiry = EXCLUDED.certification_expiry
         WHERE (operator_skills.skill_name, operator_skills.proficiency_level, operator_skills.certification_date,
                operator_skills.certification_expiry) IS DISTINCT FROM (EXCLUDED.skill_name, EXCLUDED.proficiency_level,
                EXCLUDED.certification_date, EXCLUDED.certification_expiry)
        RETURNING operator_id)
      SELECT count(*) AS changes FROM (SELECT operator_id FROM removed UNION ALL SELECT operator_id FROM changed) c""";

  private OperatorMaster() {
  }

  static Future<Changes> apply(SqlConnection tx, List<Employee> employees, Instant now) {
    Map<String, Employee> byId = new LinkedHashMap<>();
    employees.forEach(e -> byId.put(e.employeeId(), e)); // HR listing one person twice: the later entry wins
    List<Employee> list = new ArrayList<>(byId.values());
    String[] ids = list.stream().map(Employee::employeeId).toArray(String[]::new);
    Tuple people = Tuple.tuple()
        .addArrayOfString(ids)
        .addArrayOfString(column(list, Employee::firstName))
        .addArrayOfString(column(list, Employee::lastName))
        .addArrayOfString(column(list, Employee::email))
        .addArrayOfString(column(list, Employee::phone))
        .addArrayOfString(column(list, Employee::department))
        .addArrayOfString(column(list, Employee::jobTitle))
        .addArrayOfLocalDate(list.stream().map(Employee::hireDate).toArray(LocalDate[]::new))
        .addArrayOfString(column(list, Employee::location))
        .addArrayOfBoolean(list.stream().map(Employee::active).toArray(Boolean[]::new))
        .addOffsetDateTime(SyncRuns.utc(now));
    Map<String, String> byEmployee = new LinkedHashMap<>();
    int[] counts = new int[3]; // added, updated, deactivated
    return tx.preparedQuery(UPSERT).execute(people).compose(rows -> {
      for (Row row : rows) {
        boolean added = row.getBoolean("added");
        String change = added ? "added" : row.getBoolean("is_active") ? "updated" : "deactivated";
        byEmployee.put(row.getString("employee_id"), change);
        counts[added ? 0 : change.equals("updated") ? 1 : 2]++;
      }
      return tx.preparedQuery(DEACTIVATE).execute(Tuple.of(ids, SyncRuns.utc(now)));
    }).compose(rows -> {
      Map<String, String> operatorIds = new HashMap<>();
      for (Row row : rows) {
        byEmployee.put(row.getString("employee_id"), "deactivated");
        operatorIds.put(row.getString("employee_id"), row.getString("operator_id"));
        counts[2]++;
      }
      return skills(tx, list, ids).compose(skillChanges -> tx.preparedQuery(IDS).execute(Tuple.of((Object) ids)).map(idRows -> {
        idRows.forEach(row -> operatorIds.put(row.getString("employee_id"), row.getString("operator_id")));
        int unchanged = list.size() - (int) byEmployee.keySet().stream().filter(byId::containsKey).count();
        return new Changes(counts[0], counts[1], unchanged, counts[2], skillChanges, byEmployee, operatorIds);
      }));
    });
  }

  private static Future<Integer> skills(SqlConnection tx, List<Employee> list, String[] ids) {
    List<String> owner = new ArrayList<>();
    List<Employee.Skill> skills = new ArrayList<>();
    for (Employee employee : list) {
      Map<String, Employee.Skill> byCode = new LinkedHashMap<>();
      employee.skills().forEach(s -> byCode.put(s.code(), s));
      byCode.values().forEach(s -> {
        owner.add(employee.employeeId());
        skills.add(s);
      });
    }
    Tuple tuple = Tuple.tuple()
        .addArrayOfString(owner.toArray(String[]::new))
        .addArrayOfString(skills.stream().map(Employee.Skill::code).toArray(String[]::new))
        .addArrayOfString(skills.stream().map(Employee.Skill::name).toArray(String[]::new))
        .addArrayOfShort(skills.stream().map(s -> s.proficiency() == null ? null : s.proficiency().shortValue()).toArray(Short[]::new))
        .addArrayOfLocalDate(skills.stream().map(Employee.Skill::certified).toArray(LocalDate[]::new))
        .addArrayOfLocalDate(skills.stream().map(Employee.Skill::expires).toArray(LocalDate[]::new))
        .addArrayOfString(ids);
    return tx.preparedQuery(SKILLS).execute(tuple).map(rows -> rows.iterator().next().getLong("changes").intValue());
  }

  private static String[] column(List<Employee> list, java.util.function.Function<Employee, String> field) {
    return list.stream().map(field).toArray(String[]::new);
  }

  /** The operator as its hr-updates event names it. */
  static JsonObject eventOperator(String employeeId, String operatorId, Employee employee) {
    JsonObject operator = new JsonObject().put("operator_id", operatorId).put("employee_id", employeeId);
    if (employee != null) {
      operator.put("first_name", employee.firstName()).put("last_name", employee.lastName())
          .put("job_title", employee.jobTitle()).put("is_active", employee.active());
    } else {
      operator.put("is_active", false);
    }
    return operator;
  }
}
