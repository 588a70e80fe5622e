package verticles.hr;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * One employee of HR's master (spec §5.2.1) as MRAOS keeps it: the person, and the skills with their certification.
 * Read leniently: a field HR got wrong (a date that is no date) is left empty and named in {@code problems}, so one
 * bad value does not keep the person out; an entry without an employee id cannot be matched and is refused whole.
 */
record Employee(String employeeId, String firstName, String lastName, String email, String phone, String department,
                String jobTitle, LocalDate hireDate, String location, boolean active, List<Skill> skills,
                List<String> problems) {

  /** A skill and its certification; expiry null: it does not expire. */
  record Skill(String code, String name, Integer proficiency, LocalDate certified, LocalDate expires) {
  }

  static final int MAX_ID = 32;

  /** The employee, or null when the entry has no usable employee id (its problem added to {@code refused}). */
  static Employee read(Object entry, List<String> refused) {
    if (!(entry instanceof JsonObject json)) {
      refused.add("an entry of employees is not an object: " + entry);
      return null;
    }
    String id = text(json, "employee_id");
    if (id == null || id.length() > MAX_ID) {
      refused.add("an employee without a usable employee_id (1.." + MAX_ID + " characters): " + shorten(json.encode()));
      return null;
    }
    List<String> problems = new ArrayList<>();
    List<Skill> skills = new ArrayList<>();
    JsonArray given = json.getValue("skills") instanceof JsonArray array ? array : new JsonArray();
    for (Object s : given) {
      if (!(s instanceof JsonObject skill) || text(skill, "skill_code") == null) {
        problems.add("a skill without a skill_code");
        continue;
      }
      Integer level = skill.getValue("proficiency_level") instanceof Number n ? n.intValue() : null;
      skills.add(new Skill(text(skill, "skill_code"), text(skill, "skill_name"), level,
          date(skill, "certification_date", problems), date(skill, "certification_expiry", problems)));
    }
    boolean active = !Boolean.FALSE.equals(json.getValue("is_active"));
    return new Employee(id, text(json, "first_name"), text(json, "last_name"), text(json, "email"), text(json, "phone"),
        text(json, "department"), text(json, "job_title"), date(json, "hire_date", problems), text(json, "location"), active,
        List.copyOf(skills), List.copyOf(problems));
  }

  private static String text(JsonObject json, String field) {
    Object value = json.getValue(field);
    if (value == null) {
      return null;
    }
    String text = value.toString().trim();
    return text.isEmpty() ? null : text;
  }

  private static LocalDate date(JsonObject json, String field, List<String> problems) {
    String text = text(json, field);
    if (text == null) {
      return null;
    }
    try {
      return LocalDate.parse(text);
    } catch (DateTimeParseException e) {
      problems.add(field + " '" + shorten(text) + "' is not a date (YYYY-MM-DD)");
      return null;
    }
  }

  private static String shorten(String text) {
    return text.length() > 200 ? text.substring(0, 200) + "…" : text;
  }
}
