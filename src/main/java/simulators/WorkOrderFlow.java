package simulators;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import mraos.http.ApiError;
import mraos.http.ErrorCode;
import mraos.plant.PlantModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * The round each work order of the simulated plant makes through the node, as {@link PlantSimulation} tells it: sent
 * by ERP, started by a supervisor, made by its machine, reported to ERP, then that machine's next. Used on the
 * simulation's Vert.x context.
 */
final class WorkOrderFlow {

  private static final Logger LOG = LoggerFactory.getLogger(WorkOrderFlow.class);

  private final Context context;
  private final ErpSimulator erp;
  private final NodeApi api;
  private final RetriedCalls calls;
  private final ErpOrders orders;
  private final ProductCatalogue catalogue;
  /** The plant's machines by id, as the MES's start call names them. */
  private final Map<String, SimulatedMachine> machines;
  private final BooleanSupplier stopped;
  /** Line id → its index in the plant model and its name, for the product it makes and ERP's line preference. */
  private final Map<String, Integer> lineIndex = new HashMap<>();
  private final Map<String, String> lineNames;
  /** MRAOS work order id → the machine the MES started it on, until ERP heard of its completion. */
  private final Map<String, SimulatedMachine> startedOn = new HashMap<>();
  /** Completion reports ERP received for orders whose machine had not yet finished them, by MRAOS work order id. */
  private final Map<String, Receipt> reported = new HashMap<>();
  /** Machine id → the MRAOS operator id of the operator HR put on it (filled once HR's people are in MRAOS). */
  private final Map<String, String> operators = new HashMap<>();
  private long mesJobs = 78_944;
  private volatile int ordersSent;
  private volatile int ordersCompleted;

  /**
   * @param machines the plant's machines by id (filled by the caller once they exist; each calls {@link #finished})
   * @param stopped  whether the plant was stopped: no more orders, start calls refused
   */
  WorkOrderFlow(Context context, ErpSimulator erp, NodeApi api, RetriedCalls calls, ErpOrders orders,
                ProductCatalogue catalogue, PlantModel plant, Map<String, SimulatedMachine> machines, BooleanSupplier stopped) {
    this.context = Objects.requireNonNull(context, "context");
    this.erp = Objects.requireNonNull(erp, "erp");
    this.api = Objects.requireNonNull(api, "api");
    this.calls = Objects.requireNonNull(calls, "calls");
    this.orders = Objects.requireNonNull(orders, "orders");
    this.catalogue = Objects.requireNonNull(catalogue, "catalogue");
    this.machines = Objects.requireNonNull(machines, "machines");
    this.stopped = Objects.requireNonNull(stopped, "stopped");
    lineNames = plant.lineNames();
    plant.lines().forEach(line -> lineIndex.put(line.id(), lineIndex.size()));
  }

  /** From now on each machine's orders are started with this operator (machine id → MRAOS operator id). */
  void operators(Map<String, String> byMachine) {
    operators.putAll(byMachine);
  }

  int ordersSent() {
    return ordersSent;
  }

  int ordersCompleted() {
    return ordersCompleted;
  }

  /** ERP sends the machine its next work order and a supervisor starts it there; the MES's start call does the rest. */
  void sendNextOrder(SimulatedMachine machine) {
    if (stopped.getAsBoolean()) {
      return;
    }
    String line = machine.machine().lineId();
    ErpOrders.Order order = orders.next(catalogue.productOfLine(lineIndex.getOrDefault(line, 0)), lineNames.get(line),
        Instant.now());
    erp.seedWorkOrders(List.of(order.workOrder().copy().put("status", ErpSimulator.DEFAULT_STATUS)));
    ordersSent++;
    // the operator HR scheduled on the machine (clocked in by the time clock); before HR answered, a made-up id
    String operator = operators.getOrDefault(machine.id(), "O-" + machine.id().replaceAll("\\D", ""));
    calls.retried("work order " + order.erpWorkOrderId(), () -> api.sendWorkOrder(order.createdEvent(Instant.now())))
        .compose(id -> calls.retried("the start of " + id + " on " + machine.id(), () -> api.start(id, machine.id(), operator))
            .map(id))
        .onSuccess(id -> LOG.debug("Simulated plant: {} ({}) sent for {}, start requested", id, order.erpWorkOrderId(),
            machine.id()));
  }

  /** The MES's start call (spec §4.2.2), passed on by the MES stand-in: the named machine takes the job. */
  Future<JsonObject> startCall(JsonObject call) {
    Promise<JsonObject> answer = Promise.promise();
    context.runOnContext(v -> {
      SimulatedMachine machine = machines.get(call.getString("machine_id"));
      boolean stopped = this.stopped.getAsBoolean();
      if (stopped || machine == null) {
        answer.fail(ApiError.of(stopped ? 503 : 404, stopped ? ErrorCode.SERVICE_UNAVAILABLE : ErrorCode.INT_004,
            "The simulated MES runs no machine " + call.getString("machine_id")));
        return;
      }
      try {
        answer.complete(machine.start(call, "JOB-MES-" + ++mesJobs));
        startedOn.put(call.getString("work_order_id"), machine);
      } catch (ApiError refused) {
        answer.fail(refused);
      }
    });
    return answer.future();
  }

  /** A machine made its order's quantity; it takes the next once the node has reported the completion to ERP. */
  void finished(SimulatedMachine machine) {
    nextIfReported(machine);
  }

  /** ERP received a completion report; if it is of an order of this plant, its machine gets the next one. */
  void completionReported(Receipt receipt) {
    String workOrderId = receipt.body().getString("mraos_work_order_id");
    SimulatedMachine machine = startedOn.get(workOrderId);
    if (machine == null || stopped.getAsBoolean()) {
      return; // not one of this run's orders
    }
    reported.put(workOrderId, receipt);
    nextIfReported(machine);
  }

  /** The report may reach ERP before the machine has seen its last acknowledgement: whichever comes second moves on. */
  private void nextIfReported(SimulatedMachine machine) {
    String workOrderId = machine.job().workOrderId();
    Receipt receipt = machine.state() == SimulatedMachine.State.IDLE ? reported.remove(workOrderId) : null;
    if (receipt == null || stopped.getAsBoolean()) {
      return;
    }
    startedOn.remove(workOrderId);
    ordersCompleted++;
    JsonObject report = receipt.body();
    LOG.info("Simulated plant: ERP received the completion of {} ({}, {} produced) as {}; {} gets its next order",
        workOrderId, report.getString("erp_work_order_id"), report.getValue("quantity_produced"), receipt.confirmationId(),
        machine.id());
    // ERP books the order completed (changed now), keeping the rest of it for reconciliation to compare
    String erpWorkOrderId = report.getString("erp_work_order_id");
    JsonObject completed = erp.workOrder(erpWorkOrderId).orElseGet(() -> new JsonObject()
        .put("erp_work_order_id", erpWorkOrderId));
    completed.remove("updated_at");
    erp.seedWorkOrders(List.of(completed.put("status", "completed")
        .put("quantity_produced", report.getValue("quantity_produced"))));
    sendNextOrder(machine);
  }
}
