package simulators;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import mraos.config.DevClient;
import mraos.config.MraosConfig;
import mraos.config.SimulationConfig;
import mraos.http.ApiError;
import mraos.http.ErrorCode;
import mraos.plant.PlantModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.function.Supplier;

/**
 * A plant running beside an MRAOS node, through the node's real interfaces only. Once the node is ready, ERP (the
 * {@link ErpSimulator} plus its webhook calls) sends the material master and a work order for each machine, and a
 * supervisor starts each order on its machine ({@code POST /api/v1/work-orders/{id}/start}); the node tells the MES,
 * whose start call sets the {@link SimulatedMachine} going: counts, inspections and downtime over MQTT, status over
 * OPC UA. When the node reports an order's completion to ERP, ERP sends that machine its next order, so the plant runs
 * until stopped. Everything runs on one Vert.x context.
 */
public final class PlantSimulation {

  private static final Logger LOG = LoggerFactory.getLogger(PlantSimulation.class);
  /** A call that failed (node not reachable, token refused) is tried again after this many cycle times. */
  private static final int RETRY_CYCLES = 10;

  private final Vertx vertx;
  private final Context context;
  private final SimulatedSystems systems;
  private final SimulationConfig settings;
  private final NodeApi api;
  private final WebClient http;
  private final MesBroker broker;
  private final ErpOrders orders;
  private final ProductCatalogue catalogue = ProductCatalogue.washers();
  private final Map<String, SimulatedMachine> machines = new LinkedHashMap<>();
  /** Line id → its index in the plant model and its name, for the product it makes and ERP's line preference. */
  private final Map<String, Integer> lineIndex = new HashMap<>();
  private final Map<String, String> lineNames;
  /** MRAOS work order id → the machine the MES started it on, until ERP heard of its completion. */
  private final Map<String, SimulatedMachine> startedOn = new HashMap<>();
  /** Completion reports ERP received for orders whose machine had not yet finished them, by MRAOS work order id. */
  private final Map<String, Receipt> reported = new HashMap<>();
  private long mesJobs = 78_944;
  private volatile int ordersSent;
  private volatile int ordersCompleted;
  private final Promise<Void> started = Promise.promise();
  private long summaryTimer = -1;
  private boolean stopped;

  private PlantSimulation(Vertx vertx, Context context, SimulatedSystems systems, MraosConfig node) {
    this.vertx = vertx;
    this.context = context;
    this.systems = systems;
    this.settings = node.simulation();
    long seed = settings.seed() != 0 ? settings.seed() : System.nanoTime();
    Random random = new Random(seed);
    http = WebClient.create(vertx, new WebClientOptions().setConnectTimeout(5_000));
    IssuerTokens tokens = new IssuerTokens(http, node.security().effectiveIssuer(), Clock.systemUTC());
    api = new NodeApi(http, "http://" + loopbackHost(node.http().host()) + ":" + node.http().port(), tokens,
        client(node, settings.erpClientId(), settings.erpClientSecret()),
        client(node, settings.supervisorClientId(), settings.supervisorClientSecret()));
    broker = new MesBroker(vertx, node.mqtt().url(), "mes-plant-simulation-" + ProcessHandle.current().pid(),
        node.mqtt().username(), node.mqtt().password(), node.mqtt().reconnectDelays().get(0));
    orders = new ErpOrders(ErpOrders.runTag(Instant.now()), settings, new Random(random.nextLong()));
    PlantModel plant = PlantModel.load(node.plantModel());
    lineNames = plant.lineNames();
    plant.lines().forEach(line -> lineIndex.put(line.id(), lineIndex.size()));
    List<PlantModel.Machine> running = settings.machines().isEmpty() ? plant.machines()
        : settings.machines().stream().map(id -> plant.machine(id).orElseThrow(() -> new IllegalArgumentException(
            "Configuration simulation.machines names " + id + ", which is not a machine of the plant model"))).toList();
    // each machine draws from its own sequence, so a seeded run behaves the same whatever the timing between machines
    running.forEach(machine -> machines.put(machine.id(), new SimulatedMachine(vertx, machine, settings,
        new Random(random.nextLong()), broker, systems.opcua(), this::finished)));
  }

  /**
   * Starts the plant beside the node whose (effective) configuration is {@code node} and returns at once; the plant
   * waits for the node to be ready. {@link #started()} tells when ERP's materials are in and every machine was sent its
   * first work order. A configuration the plant cannot run with fails here.
   */
  public static PlantSimulation start(Vertx vertx, SimulatedSystems systems, MraosConfig node) {
    Objects.requireNonNull(systems, "systems");
    PlantSimulation plant = new PlantSimulation(vertx, vertx.getOrCreateContext(), systems, node);
    plant.context.runOnContext(v -> plant.run().onComplete(plant.started));
    return plant;
  }

  /** Completes once the node was ready, ERP's materials are in and every machine was sent its first work order. */
  public Future<Void> started() {
    return started.future();
  }

  private Future<Void> run() {
    LOG.info("Simulated plant: {} machines wait for the node to be ready", machines.size());
    return nodeReady().compose(v -> {
      systems.takeStartCalls(this::startCall);
      systems.erp().onCompletion(receipt -> context.runOnContext(x -> completionReported(receipt)));
      systems.erp().seedMaterials(catalogue.materials().stream().map(ProductCatalogue.Material::toJson).toList());
      return retried("ERP's material master", () -> api.sendMaterials(catalogue.materialMaster()));
    }).onSuccess(v -> {
      LOG.info("Simulated plant: ERP sent {} materials; {} machines get their first work orders", catalogue.materials().size(),
          machines.size());
      machines.values().forEach(this::sendNextOrder);
      if (!settings.summaryInterval().isZero()) {
        summaryTimer = vertx.setPeriodic(settings.summaryInterval().toMillis(), id -> logSummary());
      }
    });
  }

  /** Stops the machines and the broker connection; start calls get 503 again. */
  public Future<Void> stop() {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> {
      stopped = true;
      systems.takeStartCalls(null);
      systems.erp().onCompletion(receipt -> { });
      if (summaryTimer >= 0) {
        vertx.cancelTimer(summaryTimer);
      }
      machines.values().forEach(SimulatedMachine::stop);
      broker.close().onComplete(ar -> {
        http.close();
        LOG.info("Simulated plant stopped ({} work orders sent, {} completed)", ordersSent, ordersCompleted);
        done.complete();
      });
    });
    return done.future();
  }

  /** Work orders ERP sent so far. */
  public int ordersSent() {
    return ordersSent;
  }

  /** Work orders whose completion ERP received so far. */
  public int ordersCompleted() {
    return ordersCompleted;
  }

  // ---- the plant's life

  /** ERP sends the machine its next work order and a supervisor starts it there; the MES's start call does the rest. */
  private void sendNextOrder(SimulatedMachine machine) {
    if (stopped) {
      return;
    }
    String line = machine.machine().lineId();
    ErpOrders.Order order = orders.next(catalogue.productOfLine(lineIndex.getOrDefault(line, 0)), lineNames.get(line),
        Instant.now());
    systems.erp().seedWorkOrders(List.of(order.workOrder().copy().put("status", ErpSimulator.DEFAULT_STATUS)));
    ordersSent++;
    String operator = "O-" + machine.id().replaceAll("\\D", "");
    retried("work order " + order.erpWorkOrderId(), () -> api.sendWorkOrder(order.createdEvent(Instant.now())))
        .compose(id -> retried("the start of " + id + " on " + machine.id(), () -> api.start(id, machine.id(), operator))
            .map(id))
        .onSuccess(id -> LOG.debug("Simulated plant: {} ({}) sent for {}, start requested", id, order.erpWorkOrderId(),
            machine.id()));
  }

  /** The MES's start call (spec §4.2.2), passed on by the MES stand-in: the named machine takes the job. */
  private Future<JsonObject> startCall(JsonObject call) {
    Promise<JsonObject> answer = Promise.promise();
    context.runOnContext(v -> {
      SimulatedMachine machine = machines.get(call.getString("machine_id"));
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
  private void finished(SimulatedMachine machine) {
    nextIfReported(machine);
  }

  /** ERP received a completion report; if it is of an order of this plant, its machine gets the next one. */
  private void completionReported(Receipt receipt) {
    String workOrderId = receipt.body().getString("mraos_work_order_id");
    SimulatedMachine machine = startedOn.get(workOrderId);
    if (machine == null || stopped) {
      return; // not one of this run's orders
    }
    reported.put(workOrderId, receipt);
    nextIfReported(machine);
  }

  /** The report may reach ERP before the machine has seen its last acknowledgement: whichever comes second moves on. */
  private void nextIfReported(SimulatedMachine machine) {
    String workOrderId = machine.job().workOrderId();
    Receipt receipt = machine.state() == SimulatedMachine.State.IDLE ? reported.remove(workOrderId) : null;
    if (receipt == null || stopped) {
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
    JsonObject completed = systems.erp().workOrder(erpWorkOrderId).orElseGet(() -> new JsonObject()
        .put("erp_work_order_id", erpWorkOrderId));
    completed.remove("updated_at");
    systems.erp().seedWorkOrders(List.of(completed.put("status", "completed")
        .put("quantity_produced", report.getValue("quantity_produced"))));
    sendNextOrder(machine);
  }

  private void logSummary() {
    Map<SimulatedMachine.State, Integer> byState = new LinkedHashMap<>();
    machines.values().forEach(m -> byState.merge(m.state(), 1, Integer::sum));
    int breakdowns = machines.values().stream().mapToInt(SimulatedMachine::breakdowns).sum();
    LOG.info("Simulated plant: {} producing, {} down, {} idle; {} work orders sent, {} completed and reported to ERP, "
            + "{} breakdowns so far", byState.getOrDefault(SimulatedMachine.State.PRODUCING, 0),
        byState.getOrDefault(SimulatedMachine.State.DOWN, 0), byState.getOrDefault(SimulatedMachine.State.IDLE, 0),
        ordersSent, ordersCompleted, breakdowns);
  }

  // ---- the node

  private Future<Void> nodeReady() {
    Promise<Void> ready = Promise.promise();
    pollReady(ready);
    return ready.future();
  }

  private void pollReady(Promise<Void> ready) {
    if (stopped) {
      ready.tryFail("the simulated plant was stopped");
      return;
    }
    api.ready().onComplete(ar -> {
      if (ar.succeeded() && ar.result()) {
        LOG.info("Simulated plant: the node is ready");
        ready.tryComplete();
      } else {
        vertx.setTimer(Math.max(1, settings.cycleTime().toMillis()), id -> pollReady(ready));
      }
    });
  }

  /** The call, tried again after a pause until it succeeds (or the plant stops); the first failure is logged. */
  private <T> Future<T> retried(String what, Supplier<Future<T>> call) {
    Promise<T> done = Promise.promise();
    attempt(what, call, done, 1);
    return done.future();
  }

  private <T> void attempt(String what, Supplier<Future<T>> call, Promise<T> done, int attempt) {
    if (stopped) {
      done.tryFail("the simulated plant was stopped");
      return;
    }
    call.get().onComplete(ar -> {
      if (ar.succeeded()) {
        done.tryComplete(ar.result());
        return;
      }
      Duration pause = settings.cycleTime().multipliedBy(RETRY_CYCLES);
      if (attempt == 1) {
        LOG.warn("Simulated plant: {} failed ({}); trying again every {}", what, ar.cause().getMessage(), pause);
      }
      vertx.setTimer(Math.max(1, pause.toMillis()), id -> attempt(what, call, done, attempt + 1));
    });
  }

  private static IssuerTokens.Client client(MraosConfig node, String clientId, String secret) {
    if (!secret.isEmpty()) {
      return new IssuerTokens.Client(clientId, secret);
    }
    DevClient dev = node.security().embeddedIssuer().clients().get(clientId);
    if (dev == null) {
      throw new IllegalArgumentException("The simulated plant needs a secret for client " + clientId
          + ": set simulation.*-client-secret, or name a client of security.embedded-issuer.clients");
    }
    return new IssuerTokens.Client(clientId, dev.secret());
  }

  /** The node's HTTP host as a loopback caller reaches it. */
  private static String loopbackHost(String host) {
    return host.isBlank() || host.equals("0.0.0.0") || host.equals("::") ? "localhost" : host;
  }
}
