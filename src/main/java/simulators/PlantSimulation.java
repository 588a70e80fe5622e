package simulators;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import mraos.config.MraosConfig;
import mraos.config.SimulationConfig;
import mraos.plant.PlantModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/**
 * A plant running beside an MRAOS node, through the node's real interfaces only. Once the node is ready, HR's people
 * come in ({@link PlantStaff}: master and schedule synced, everyone clocked in before their shift), then ERP (the
 * {@link ErpSimulator} plus its webhook calls) sends the material master and a work order for each machine, and a
 * supervisor starts each order on its machine ({@code POST /api/v1/work-orders/{id}/start}); the node tells the MES,
 * whose start call sets the {@link SimulatedMachine} going: counts, inspections and downtime over MQTT, status over
 * OPC UA. When the node reports an order's completion to ERP, ERP sends that machine its next order, so the plant runs
 * until stopped. Everything runs on one Vert.x context.
 */
public final class PlantSimulation {

  private static final Logger LOG = LoggerFactory.getLogger(PlantSimulation.class);

  private final Vertx vertx;
  private final Context context;
  private final SimulatedSystems systems;
  private final SimulationConfig settings;
  private final NodeApi api;
  private final WebClient http;
  private final MesBroker broker;
  private final RetriedCalls calls;
  private final ProductCatalogue catalogue = ProductCatalogue.washers();
  private final Map<String, SimulatedMachine> machines = new LinkedHashMap<>();
  private final WorkOrderFlow flow;
  private final PlantStaff staff;
  /** Where the warehouse's CDC events go (the node's broker and CDC topic), and the plant's date. */
  private final String kafka;
  private final String cdcTopic;
  private final java.time.ZoneId zone;
  private final Promise<Void> started = Promise.promise();
  private long summaryTimer = -1;
  private boolean stopped;

  private PlantSimulation(Vertx vertx, Context context, SimulatedSystems systems, MraosConfig node) {
    this.vertx = vertx;
    this.context = context;
    this.systems = systems;
    this.settings = node.simulation();
    this.kafka = node.kafka().bootstrapServers();
    this.cdcTopic = mraos.config.Settings.of(node.json()).section("inventory").section("cdc").string("topic");
    this.zone = node.plantTimeZone();
    long seed = settings.seed() != 0 ? settings.seed() : System.nanoTime();
    Random random = new Random(seed);
    http = WebClient.create(vertx, new WebClientOptions().setConnectTimeout(5_000));
    api = NodeApi.of(http, node);
    broker = new MesBroker(vertx, node.mqtt().url(), "mes-plant-simulation-" + ProcessHandle.current().pid(),
        node.mqtt().username(), node.mqtt().password(), node.mqtt().reconnectDelays().get(0));
    calls = new RetriedCalls(vertx, settings.cycleTime(), () -> stopped);
    ErpOrders orders = new ErpOrders(ErpOrders.runTag(Instant.now()), settings, new Random(random.nextLong()));
    PlantModel plant = PlantModel.load(node.plantModel());
    flow = new WorkOrderFlow(context, systems.erp(), api, calls, orders, catalogue, plant, machines, () -> stopped);
    List<PlantModel.Machine> running = settings.machines().isEmpty() ? plant.machines()
        : settings.machines().stream().map(id -> plant.machine(id).orElseThrow(() -> new IllegalArgumentException(
            "Configuration simulation.machines names " + id + ", which is not a machine of the plant model"))).toList();
    // each machine draws from its own sequence, so a seeded run behaves the same whatever the timing between machines
    running.forEach(machine -> machines.put(machine.id(), new SimulatedMachine(vertx, machine, settings,
        new Random(random.nextLong()), broker, systems.opcua(), flow::finished)));
    staff = new PlantStaff(systems.hr(), api, calls, http, new HrRoster(running, java.time.LocalDate.now(node.plantTimeZone())),
        node.plantTimeZone());
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
    return calls.nodeReady(api).compose(v -> staff.clockIn()).compose(byMachine -> {
      flow.operators(byMachine);
      systems.takeStartCalls(flow::startCall);
      systems.erp().onCompletion(receipt -> context.runOnContext(x -> flow.completionReported(receipt)));
      systems.erp().seedMaterials(catalogue.materials().stream().map(ProductCatalogue.Material::toJson).toList());
      systems.inventory().publishTo(kafka, cdcTopic);
      systems.inventory().seed(catalogue.warehouseStock(java.time.LocalDate.now(zone)));
      return calls.retried("ERP's material master", () -> api.sendMaterials(catalogue.materialMaster()));
    }).onSuccess(v -> {
      LOG.info("Simulated plant: ERP sent {} materials; {} machines get their first work orders", catalogue.materials().size(),
          machines.size());
      machines.values().forEach(flow::sendNextOrder);
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
        LOG.info("Simulated plant stopped ({} work orders sent, {} completed)", flow.ordersSent(), flow.ordersCompleted());
        done.complete();
      });
    });
    return done.future();
  }

  /** Work orders ERP sent so far. */
  public int ordersSent() {
    return flow.ordersSent();
  }

  /** Work orders whose completion ERP received so far. */
  public int ordersCompleted() {
    return flow.ordersCompleted();
  }

  private void logSummary() {
    Map<SimulatedMachine.State, Integer> byState = new LinkedHashMap<>();
    machines.values().forEach(m -> byState.merge(m.state(), 1, Integer::sum));
    int breakdowns = machines.values().stream().mapToInt(SimulatedMachine::breakdowns).sum();
    LOG.info("Simulated plant: {} producing, {} down, {} idle; {} work orders sent, {} completed and reported to ERP, "
            + "{} breakdowns so far", byState.getOrDefault(SimulatedMachine.State.PRODUCING, 0),
        byState.getOrDefault(SimulatedMachine.State.DOWN, 0), byState.getOrDefault(SimulatedMachine.State.IDLE, 0),
        flow.ordersSent(), flow.ordersCompleted(), breakdowns);
  }
}
