package simulators;

import io.vertx.core.Future;
import io.vertx.ext.web.client.WebClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The simulated plant's operators coming to work, through the node's real interfaces: HR holds the roster (an operator
 * per machine) and today's shift; an integration admin gives HR's time clock an API key; a supervisor runs the employee
 * and schedule syncs; each operator clocks in at the time clock before their first work order. The result says which
 * MRAOS operator works which machine. Used on the simulation's Vert.x context.
 */
final class PlantStaff {

  private static final Logger LOG = LoggerFactory.getLogger(PlantStaff.class);

  private final HrSimulator hr;
  private final NodeApi api;
  private final RetriedCalls calls;
  private final WebClient http;
  private final HrRoster roster;
  private final ZoneId zone;

  PlantStaff(HrSimulator hr, NodeApi api, RetriedCalls calls, WebClient http, HrRoster roster, ZoneId zone) {
    this.hr = Objects.requireNonNull(hr, "hr");
    this.api = Objects.requireNonNull(api, "api");
    this.calls = Objects.requireNonNull(calls, "calls");
    this.http = Objects.requireNonNull(http, "http");
    this.roster = Objects.requireNonNull(roster, "roster");
    this.zone = Objects.requireNonNull(zone, "zone");
  }

  /** Everyone synced and clocked in; machine id → MRAOS operator id. */
  Future<Map<String, String>> clockIn() {
    Instant now = Instant.now();
    HrRoster.Current shift = HrRoster.current(now, zone);
    hr.seedEmployees(roster.employees());
    hr.seedShifts(roster.shifts(shift));
    return calls.retried("HR's time clock API key", () -> api.createHrApiKey("the simulated plant's time clock"))
        .compose(key -> calls.retried("HR's employee sync", () -> api.runJob("hr-employee-sync"))
            .compose(employees -> calls.retried("HR's schedule sync", () -> api.runJob("hr-schedule-sync")))
            .compose(schedules -> {
              HrTimeClock clock = new HrTimeClock(http, api.base(), key, "Plant 1 - Entrance A");
              List<String> people = List.copyOf(roster.employeeOfMachine().values());
              Future<Void> all = Future.succeededFuture();
              for (String employee : people) {
                all = all.compose(v -> calls.retried("clock in of " + employee, () -> clock.clockIn(employee,
                    shift.shiftId(), now).compose(response -> response.statusCode() == 200 ? Future.succeededFuture()
                    : Future.failedFuture("HTTP " + response.statusCode() + ": " + response.bodyAsString()))).mapEmpty());
              }
              return all;
            }))
        .compose(v -> calls.retried("the operators' ids", api::operatorIds))
        .map(ids -> {
          Map<String, String> byMachine = new LinkedHashMap<>();
          roster.employeeOfMachine().forEach((machine, employee) -> {
            if (ids.get(employee) != null) {
              byMachine.put(machine, ids.get(employee));
            }
          });
          LOG.info("Simulated plant: {} operators clocked in for {} ({}): {}", byMachine.size(), shift.shiftId(),
              HrRoster.DEPARTMENT, byMachine);
          return byMachine;
        });
  }
}
