package simulators;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import mraos.http.ErrorCode;
import mraos.http.Responses;

import java.util.List;

/**
 * The plant's HR system as MRAOS sees it (spec §5, Appendix A), every API route requiring a bearer token:
 * <pre>
 * GET  /api/v1/employees?department=&amp;status=active&amp;page=&amp;page_size=   the employee master with skills (§5.2.1), paged
 * GET  /api/v1/schedules?date=&amp;department=&amp;page=&amp;page_size=         the day's shifts (§5.2.1), paged
 * POST /api/v1/time-entries                     hours worked (§5.2.2), idempotent by Idempotency-Key or date
 * </pre>
 * Besides {@link SystemSimulator}'s control routes (faults, outages, what was received):
 * <pre>
 * POST /_simulator/employees                    {"employees": [...]} or [...]: add or replace by employee_id
 * POST /_simulator/schedules                    {"schedules": [...]} or [...]: add or replace by employee, date, shift
 * GET  /_simulator/time-entries                 the time entries accepted, each once
 * </pre>
 * Its time clock ({@link HrTimeClock}) posts attendance to MRAOS. Standalone for a demo:
 * {@code java -cp "target/mraos.jar:target/lib/*" simulators.HrSimulator 8093}.
 */
public final class HrSimulator extends SystemSimulator {

  public static final String EMPLOYEES_PATH = "/api/v1/employees";
  public static final String SCHEDULES_PATH = "/api/v1/schedules";
  public static final String TIME_ENTRIES_PATH = "/api/v1/time-entries";

  private final HrDirectory directory = new HrDirectory();
  private final Journal timeEntries = new Journal();

  private HrSimulator(Vertx vertx) {
    super(vertx, "HR", Access.bearer());
    router().get(EMPLOYEES_PATH).handler(directory::employeesPage);
    router().get(SCHEDULES_PATH).handler(directory::schedulesPage);
    router().post(TIME_ENTRIES_PATH).handler(this::timeEntries);
    router().post(CONTROL + "employees").handler(directory::seedEmployeesFromBody);
    router().post(CONTROL + "schedules").handler(directory::seedShiftsFromBody);
    router().get(CONTROL + "time-entries").handler(ctx -> Responses.json(ctx, 200, new JsonObject()
        .put("time_entries", new JsonArray(timeEntryReceipts().stream().map(Receipt::toJson).toList()))));
  }

  /** @param port the port to listen on, 0 for any free one */
  public static Future<HrSimulator> start(Vertx vertx, int port) {
    HrSimulator hr = new HrSimulator(vertx);
    return hr.listen(port).map(hr);
  }

  /** Adds employees (spec §5.2.1 employee objects) or replaces those with the same employee_id; active unless said. */
  public void seedEmployees(List<JsonObject> employees) {
    directory.seedEmployees(employees);
  }

  /** The employees leave HR altogether (terminated): the next sync no longer finds them. */
  public void removeEmployees(String... employeeIds) {
    directory.removeEmployees(List.of(employeeIds));
  }

  /** Adds planned shifts (spec §5.2.1 schedule objects, optionally with HR's shift_id) or replaces the same ones. */
  public void seedShifts(List<JsonObject> shifts) {
    directory.seedShifts(shifts);
  }

  /** The time entries accepted, each once however often they were sent, oldest first. */
  public List<JsonObject> timeEntries() {
    return timeEntryReceipts().stream().map(Receipt::body).toList();
  }

  public List<Receipt> timeEntryReceipts() {
    return timeEntries.receipts();
  }

  /** Also forgets employees, shifts and time entries. */
  @Override
  public void reset() {
    super.reset();
    directory.clear();
    timeEntries.clear();
  }

  private void timeEntries(RoutingContext ctx) {
    JsonObject report = JsonBodies.object(ctx);
    if (!(report.getValue("date") instanceof String date) || !(report.getValue("time_entries") instanceof JsonArray entries)) {
      Responses.json(ctx, 400, Answers.error(ErrorCode.INT_003, "date and time_entries are required"));
      return;
    }
    String key = ctx.request().getHeader(ErpSimulator.IDEMPOTENCY_KEY);
    Receipt receipt = timeEntries.accept(key == null || key.isBlank() ? null : key.trim(), date + "|" + report.encode(),
        report, clock.instant(), () -> "TE-" + date + "-" + (timeEntries.receipts().size() + 1));
    Responses.json(ctx, 200, new JsonObject().put("status", "success").put("hr_confirmation_id", receipt.confirmationId())
        .put("entries_accepted", entries.size()));
  }

  /** Runs HR on its own for a demo or manual testing: {@code HrSimulator <port>} (0 = any free port). */
  public static void main(String[] args) {
    if (args.length != 1 || !args[0].matches("\\d{1,5}")) {
      System.err.println("Usage: java -cp \"target/mraos.jar:target/lib/*\" simulators.HrSimulator <port>   (0 = any free port)");
      System.exit(2);
      return;
    }
    Vertx vertx = Vertx.vertx();
    HrSimulator hr;
    try {
      hr = start(vertx, Integer.parseInt(args[0])).await();
    } catch (Exception e) {
      System.err.println("The HR simulator could not start: " + e.getMessage());
      vertx.close();
      System.exit(1);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> vertx.close().await(), "hr-simulator-shutdown"));
    System.out.println("HR simulator at " + hr.baseUrl() + "  (any bearer token is accepted)\n"
        + "  seed:     curl -X POST " + hr.baseUrl() + CONTROL + "employees -d '{\"employees\":[{\"employee_id\":\"EMP-1\","
        + "\"department\":\"Manufacturing\"}]}'\n"
        + "  faults:   curl -X POST " + hr.baseUrl() + CONTROL + "faults -d '{\"path\":\"" + EMPLOYEES_PATH
        + "\",\"faults\":[{\"status\":503}]}'\n"
        + "  received: curl " + hr.baseUrl() + CONTROL + "time-entries");
  }
}
