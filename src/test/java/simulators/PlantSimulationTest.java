package simulators;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import testsupport.PlantNode;
import testsupport.TestNode;
import testsupport.TestServices;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code --simulate} end to end, started the way Main starts it: the plant's systems first, a node pointed at them, then
 * the plant. Two machines, a fast cycle and a fixed seed. Everything is checked through MRAOS (its database and API)
 * and the stand-ins: ERP's orders arrive and are started on the MES, their quantity grows from the machines' MQTT
 * counts, finished orders reach ERP and the machine gets its next one, status comes over OPC UA, and the seeded
 * breakdowns and defects become alerts.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class PlantSimulationTest {

  static final List<String> MACHINES = List.of("M-101", "M-203");
  static final Map<String, Object> SETTINGS = Map.ofEntries(
      Map.entry("simulation.erp-port", 0),
      Map.entry("simulation.mes-port", 0),
      Map.entry("simulation.hr-port", 0),
      Map.entry("simulation.inventory-port", 0),
      Map.entry("simulation.opcua-port", 0),
      Map.entry("simulation.machines", String.join(",", MACHINES)),
      Map.entry("simulation.cycle-time", "100ms"),
      Map.entry("simulation.work-order-quantity-min", 8),
      Map.entry("simulation.work-order-quantity-max", 12),
      Map.entry("simulation.inspection-every", 2),
      Map.entry("simulation.defect-one-in", 3),
      // with this seed each machine breaks down within its first few dozen units
      Map.entry("simulation.breakdown-one-in", 15),
      Map.entry("simulation.repair-time-min", "300ms"),
      Map.entry("simulation.repair-time-max", "600ms"),
      Map.entry("simulation.summary-interval", "0s"),
      Map.entry("simulation.seed", 4242),
      Map.entry("mes.opcua.publishing-interval", "100ms"),
      Map.entry("mes.opcua.sampling-interval", "50ms"),
      Map.entry("mes.opcua.keep-alive", "1s"),
      Map.entry("outbound.poll-interval", "100ms"));

  static Vertx vertx;
  static SimulatedSystems systems;
  static TestNode node;
  static PlantSimulation plant;
  static String startPath;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    systems = SimulatedSystems.start(vertx, TestServices.get().nodeConfig(SETTINGS));
    Map<String, Object> pointed = new HashMap<>(SETTINGS);
    pointed.putAll(systems.overrides());
    PlantNode.setAsideLeftoverCalls();
    node = TestNode.start(pointed);
    startPath = node.config().mesWorkOrderStartPath();
    plant = PlantSimulation.start(vertx, systems, node.config());
    plant.started().await(30, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    if (plant != null) {
      plant.stop().await(30, TimeUnit.SECONDS);
    }
    if (node != null) {
      node.close();
    }
    if (systems != null) {
      systems.close();
    }
    vertx.close().await();
  }

  /** The MES start calls MRAOS made: work order id → machine. */
  static Map<String, String> started() {
    return systems.mes().received(startPath).stream().map(ReceivedRequest::json)
        .collect(Collectors.toMap(call -> call.getString("work_order_id"), call -> call.getString("machine_id"), (a, b) -> a));
  }

  static Map<String, Object> workOrder(String id) {
    return node.db.rows("SELECT * FROM work_orders WHERE work_order_id = ?", id).get(0);
  }

  static int produced(String id) {
    return ((Number) workOrder(id).get("quantity_produced")).intValue();
  }

  @Test
  void theOperatorsComeFromHrAndClockInBeforeTheirMachinesGetOrders() {
    // the plant has started: HR's roster synced, everyone clocked in at the time clock, then the first orders sent
    assertThat(systems.hr().received(HrSimulator.EMPLOYEES_PATH)).as("the employee sync read HR").isNotEmpty();
    for (String machine : MACHINES) {
      String employee = "EMP-2025-0" + machine.replaceAll("\\D", "");
      Map<String, Object> shift = node.db.rows("SELECT s.actual_clock_in, o.operator_id FROM operator_shifts s"
          + " JOIN operators o USING (employee_id) WHERE s.employee_id = ? ORDER BY s.shift_date DESC LIMIT 1", employee).get(0);
      assertThat(shift.get("actual_clock_in")).as(employee + " clocked in").isNotNull();
      String operator = shift.get("operator_id").toString();
      await().atMost(Duration.ofSeconds(20)).until(() -> started().values().contains(machine));
      assertThat(node.db.count("SELECT count(*) FROM work_orders WHERE machine_id = ? AND operator_id = ?", machine, operator))
          .as("the machine's orders are started with its operator").isPositive();
      assertThat(node.db.count("SELECT count(*) FROM work_order_assignments WHERE operator_id = ? AND assigned_at >= ?",
          operator, shift.get("actual_clock_in"))).as("assigned after clocking in").isPositive();
    }
  }

  @Test
  void erpsOrdersArriveAreStartedOnTheMachinesAndTheirQuantityGrows() {
    await("an order started on each simulated machine").atMost(Duration.ofSeconds(20))
        .until(() -> Set.copyOf(started().values()).containsAll(MACHINES));
    Map<String, String> started = started();
    assertThat(started.values()).allMatch(MACHINES::contains); // the other machines stay idle
    for (Map.Entry<String, String> order : started.entrySet()) {
      Map<String, Object> row = workOrder(order.getKey());
      assertThat(row.get("erp_work_order_id").toString()).startsWith("WO-ERP-");
      assertThat(row).containsEntry("machine_id", order.getValue());
      assertThat(row.get("mes_job_id").toString()).startsWith("JOB-MES-");
      assertThat(((Number) row.get("quantity_ordered")).intValue()).isBetween(8, 12);
    }

    // an order in progress makes more as its machine reports counts over MQTT
    String running = await().atMost(Duration.ofSeconds(20)).until(() -> started().keySet().stream()
        .filter(id -> "in_progress".equals(workOrder(id).get("status")) && produced(id) > 0).findFirst().orElse(null),
        id -> id != null);
    int before = produced(running);
    await("more units of " + running).atMost(Duration.ofSeconds(10))
        .until(() -> produced(running) > before || "completed".equals(workOrder(running).get("status")));
    assertThat(node.api.get("/api/v1/work-orders/" + running, node.token("supervisor")).json()
        .getInteger("quantity_produced")).isGreaterThanOrEqualTo(before);
  }

  @Test
  void aFinishedOrderIsReportedToErpAndItsMachineGetsTheNextOne() {
    JsonObject report = await("a completion at ERP").atMost(Duration.ofSeconds(30)).until(
        () -> systems.erp().completions().stream().filter(c -> started().containsKey(c.getString("mraos_work_order_id")))
            .findFirst().orElse(null), c -> c != null);
    String id = report.getString("mraos_work_order_id");
    Map<String, Object> row = workOrder(id);
    assertThat(row).containsEntry("status", "completed").containsEntry("erp_work_order_id", report.getString("erp_work_order_id"));
    assertThat(report.getInteger("quantity_produced")).isEqualTo(((Number) row.get("quantity_ordered")).intValue());

    String machine = started().get(id);
    await("the next order on " + machine).atMost(Duration.ofSeconds(20)).until(() -> started().entrySet().stream()
        .filter(e -> e.getValue().equals(machine) && !e.getKey().equals(id))
        .anyMatch(e -> "in_progress".equals(workOrder(e.getKey()).get("status"))
            || "completed".equals(workOrder(e.getKey()).get("status"))));
    assertThat(plant.ordersCompleted()).isPositive();
    assertThat(systems.erp().workOrder(report.getString("erp_work_order_id")).orElseThrow().getString("status"))
        .isEqualTo("completed");
  }

  @Test
  void machineStatusComesOverOpcUa() {
    for (String machine : MACHINES) {
      await("OPC UA status of " + machine).atMost(Duration.ofSeconds(20)).until(() -> node.db.count(
          "SELECT count(*) FROM machine_status_history WHERE machine_id = ? AND source = 'opcua' AND status = 'running'"
              + " AND work_order_id = ANY(?)", machine, started().keySet().toArray(String[]::new)) > 0);
    }
    Map<String, Object> machine = node.db.rows("SELECT * FROM machines WHERE machine_id = ?", MACHINES.get(0)).get(0);
    assertThat(started()).containsKey((String) machine.get("current_work_order_id"));
  }

  @Test
  void theSeededBreakdownsAndDefectsRaiseAlerts() {
    for (String machine : MACHINES) {
      await("a breakdown alert for " + machine).atMost(Duration.ofSeconds(30)).until(() -> node.db.count(
          "SELECT count(*) FROM alerts WHERE machine_id = ? AND alert_type = 'machine_breakdown' AND work_order_id = ANY(?)",
          machine, started().keySet().toArray(String[]::new)) > 0);
    }
    assertThat(node.db.count("SELECT count(*) FROM machine_status_history WHERE source = 'mqtt' AND status = 'breakdown'"
        + " AND reason_code IS NOT NULL AND work_order_id = ANY(?)", (Object) started().keySet().toArray(String[]::new)))
        .isPositive();
    await("a defect alert").atMost(Duration.ofSeconds(20)).until(() -> node.db.count(
        "SELECT count(*) FROM alerts WHERE alert_type = 'quality_defect' AND work_order_id = ANY(?)",
        (Object) started().keySet().toArray(String[]::new)) > 0);
  }
}
