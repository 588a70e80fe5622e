package simulators;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import mraos.http.Responses;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The people and shifts the simulated HR holds (spec §5.2.1): employees with their skills and certifications, and the
 * planned shifts per day, seeded by a test or over the control API and read by MRAOS page by page. Each map is guarded
 * by itself: the server's event loop reads while test threads seed.
 */
final class HrDirectory {

  /** By employee_id, in the order first seeded. */
  private final Map<String, JsonObject> employees = new LinkedHashMap<>();
  /** By employee_id + shift date + shift name. */
  private final Map<String, JsonObject> shifts = new LinkedHashMap<>();

  void seedEmployees(List<JsonObject> seeded) {
    List<JsonObject> checked = new ArrayList<>();
    for (JsonObject employee : seeded) {
      JsonBodies.requireText(employee, "employee_id", "an employee");
      JsonObject copy = employee.copy();
      if (copy.getValue("is_active") == null) {
        copy.put("is_active", true);
      }
      if (copy.getValue("skills") == null) {
        copy.put("skills", new JsonArray());
      }
      checked.add(copy);
    }
    synchronized (employees) {
      checked.forEach(e -> employees.put(e.getString("employee_id"), e));
    }
  }

  /** The employees leave HR (terminated): no longer listed at all. */
  void removeEmployees(List<String> ids) {
    synchronized (employees) {
      ids.forEach(employees::remove);
    }
  }

  void seedShifts(List<JsonObject> seeded) {
    List<JsonObject> checked = new ArrayList<>();
    for (JsonObject shift : seeded) {
      JsonBodies.requireText(shift, "employee_id", "a shift");
      JsonBodies.requireText(shift, "shift_date", "a shift");
      JsonBodies.requireText(shift, "shift_name", "a shift");
      checked.add(shift.copy());
    }
    synchronized (shifts) {
      checked.forEach(s -> shifts.put(s.getString("employee_id") + "|" + s.getString("shift_date") + "|"
          + s.getString("shift_name"), s));
    }
  }

  void clear() {
    synchronized (employees) {
      employees.clear();
    }
    synchronized (shifts) {
      shifts.clear();
    }
  }

  // ---- routes

  /** {@code ?department=&status=active}: the employees of the department (all without it), active ones if asked, paged. */
  void employeesPage(RoutingContext ctx) {
    String department = ctx.queryParams().get("department");
    boolean activeOnly = "active".equals(ctx.queryParams().get("status"));
    Paging paging = Paging.of(ctx);
    List<JsonObject> listed = snapshot(employees).stream()
        .filter(e -> department == null || department.equalsIgnoreCase(e.getString("department", "")))
        .filter(e -> !activeOnly || Boolean.TRUE.equals(e.getValue("is_active")))
        .toList();
    Responses.json(ctx, 200, paging.answer("employees", listed));
  }

  /** {@code ?date=&department=}: the day's shifts of the department's employees, paged. */
  void schedulesPage(RoutingContext ctx) {
    String date = ctx.queryParams().get("date");
    if (date == null || date.isBlank()) {
      throw new IllegalArgumentException("date is required (YYYY-MM-DD)");
    }
    String department = ctx.queryParams().get("department");
    Map<String, JsonObject> people = new LinkedHashMap<>();
    snapshot(employees).forEach(e -> people.put(e.getString("employee_id"), e));
    List<JsonObject> day = snapshot(shifts).stream()
        .filter(s -> date.equals(s.getString("shift_date")))
        // a shift of someone HR does not list is still scheduled (HR's schedule and master are separate systems)
        .filter(s -> department == null || !people.containsKey(s.getString("employee_id"))
            || department.equalsIgnoreCase(people.get(s.getString("employee_id")).getString("department", "")))
        .toList();
    Responses.json(ctx, 200, Paging.of(ctx).answer("schedules", day));
  }

  void seedEmployeesFromBody(RoutingContext ctx) {
    seedEmployees(JsonBodies.documents(JsonBodies.objectOrArray(ctx), "employees"));
    Responses.json(ctx, 200, new JsonObject().put("employee_count", snapshot(employees).size()));
  }

  void seedShiftsFromBody(RoutingContext ctx) {
    seedShifts(JsonBodies.documents(JsonBodies.objectOrArray(ctx), "schedules"));
    Responses.json(ctx, 200, new JsonObject().put("shift_count", snapshot(shifts).size()));
  }

  private static List<JsonObject> snapshot(Map<String, JsonObject> held) {
    synchronized (held) {
      return held.values().stream().map(JsonObject::copy).toList();
    }
  }
}
