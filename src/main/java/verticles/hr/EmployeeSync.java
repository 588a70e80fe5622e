package verticles.hr;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import mraos.events.Outbox;
import mraos.jobs.ScheduledJob;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The employee master sync (spec §5.2.1, daily at 01:00 and on demand): every page of HR's active employees of the
 * department, then ONE transaction that applies them all ({@link OperatorMaster}), publishes each operator that changed
 * on {@code hr-updates} and keeps the summary (added, updated, deactivated, skills changed, pages, duration) for
 * {@code GET /api/v1/hr/syncs/latest}. A sync that cannot read every page changes nothing: it is kept as failed, and
 * the scheduler keeps an integration failure for it (retrying that runs the sync again).
 */
public final class EmployeeSync implements ScheduledJob {

  public static final String JOB = "hr-employee-sync";
  public static final String INTEGRATION_TYPE = "hr_employee_sync";

  @Override
  public String name() {
    return JOB;
  }

  @Override
  public Future<JsonObject> run(Context context, Instant slot) {
    HrSettings settings = HrSettings.of(context.config());
    Instant started = context.clock().instant();
    long startNanos = System.nanoTime();
    String correlationId = "hr-employee-sync-" + slot.toEpochMilli();
    String path = settings.employeesPath() + "?department=" + URLEncoder.encode(settings.department(), StandardCharsets.UTF_8)
        + "&status=active";
    return new HrPull(context.vertx(), context.config())
        .all(INTEGRATION_TYPE, path, "employees", settings.pageSize(), correlationId)
        .compose(pulled -> {
          List<String> refused = new ArrayList<>();
          List<Employee> employees = new ArrayList<>();
          pulled.items().forEach(item -> {
            Employee employee = Employee.read(item, refused);
            if (employee != null) {
              employees.add(employee);
            }
          });
          if (!refused.isEmpty() && employees.isEmpty()) {
            // nothing usable: marking every operator inactive on the strength of a broken answer would be wrong
            return Future.failedFuture(new IllegalStateException("HR's employees could not be read: " + refused.get(0)));
          }
          Instant now = context.clock().instant();
          return context.pool().withTransaction(tx -> OperatorMaster.apply(tx, employees, now).compose(changes -> {
            JsonObject summary = summary(context, settings, employees, refused, changes, pulled.pages(), startNanos);
            List<Tuple> events = new ArrayList<>();
            Map<String, Employee> byId = new java.util.HashMap<>();
            employees.forEach(e -> byId.put(e.employeeId(), e));
            changes.byEmployee().forEach((employeeId, change) -> events.add(HrEvents.event(settings.hrUpdatesTopic(), now,
                correlationId, employeeId, new JsonObject().put("event_type", "operator." + change).put("operator",
                    OperatorMaster.eventOperator(employeeId, changes.operatorIds().get(employeeId), byId.get(employeeId))))));
            events.add(HrEvents.event(settings.hrUpdatesTopic(), now, correlationId, null,
                new JsonObject().put("event_type", "employee_master.synced").put("summary", summary)));
            return Outbox.appendAll(tx, events)
                .compose(v -> SyncRuns.succeeded(tx, SyncRuns.EMPLOYEES, started, context.clock().instant(), summary))
                .map(summary);
          }));
        })
        .onSuccess(summary -> HrEvents.committed(context.vertx(), null))
        .recover(err -> SyncRuns.failed(context.pool(), SyncRuns.EMPLOYEES, started, context.clock().instant(),
                String.valueOf(err.getMessage()))
            .transform(v -> Future.failedFuture(err)));
  }

  private static JsonObject summary(Context context, HrSettings settings, List<Employee> employees, List<String> refused,
                                    OperatorMaster.Changes changes, int pages, long startNanos) {
    LocalDate today = LocalDate.ofInstant(context.clock().instant(), context.config().plantTimeZone());
    LocalDate warnUntil = today.plusDays(settings.certificationWarning().toDays());
    int expired = 0;
    int expiring = 0;
    for (Employee employee : employees) {
      for (Employee.Skill skill : employee.skills()) {
        if (skill.expires() == null) {
          continue;
        }
        if (skill.expires().isBefore(today)) {
          expired++;
        } else if (!skill.expires().isAfter(warnUntil)) {
          expiring++;
        }
      }
    }
    JsonArray warnings = new JsonArray();
    refused.forEach(warnings::add);
    employees.forEach(e -> e.problems().forEach(p -> warnings.add(e.employeeId() + ": " + p)));
    return new JsonObject()
        .put("received", employees.size() + refused.size())
        .put("added", changes.added())
        .put("updated", changes.updated())
        .put("unchanged", changes.unchanged())
        .put("deactivated", changes.deactivated())
        .put("skills_changed", changes.skillsChanged())
        .put("certifications_expired", expired)
        .put("certifications_expiring", expiring)
        .put("pages", pages)
        .put("duration_ms", Duration.ofNanos(System.nanoTime() - startNanos).toMillis())
        .put("warnings", warnings);
  }
}
