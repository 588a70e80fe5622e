package simulators;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import mraos.config.SimulationConfig;
import mraos.http.ApiError;
import mraos.http.ErrorCode;
import mraos.plant.PlantModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.Random;
import java.util.function.Consumer;

/**
 * One machine of the simulated plant as its MES reports it. Given a job by the MES's start call, it makes one unit per
 * cycle and reports each over MQTT (a count with the cumulative units), inspects one unit in
 * {@code inspection-every} (some with defects), now and then breaks down (downtime started, then ended once
 * repaired), and keeps its OPC UA status in step: Producing, Down or Faulted, Idle. A unit is made only after the
 * previous one's messages were acknowledged by the broker. Used on the simulation's Vert.x context.
 */
final class SimulatedMachine {

  private static final Logger LOG = LoggerFactory.getLogger(SimulatedMachine.class);

  enum State { IDLE, PRODUCING, DOWN }

  /** Why a machine stops, and how its MES names the state (spec §4.3 maps "Down" and "Faulted" to breakdown). */
  private record Breakdown(String reasonCode, String description, String mesStatus, String severity) {
  }

  private static final Breakdown[] BREAKDOWNS = {
      new Breakdown("MECH_FAULT", "Hydraulic system pressure drop", "Down", "high"),
      new Breakdown("MECH_FAULT", "Conveyor belt slipped", "Down", "medium"),
      new Breakdown("JAM", "Material jam at the infeed", "Down", "medium"),
      new Breakdown("ELEC_FAULT", "Servo drive overload", "Faulted", "high"),
      new Breakdown("TOOL_WEAR", "Tool worn out, changed", "Down", "medium"),
  };

  private static final String[] DEFECTS = {"cosmetic damage", "dimension out of tolerance", "scratch", "weld porosity",
      "missing fastener"};

  /** The work order the MES started on this machine. */
  record Job(String workOrderId, String erpWorkOrderId, String productName, int quantity, String operatorId, String mesJobId) {
  }

  private final Vertx vertx;
  private final PlantModel.Machine machine;
  private final SimulationConfig settings;
  private final Random random;
  private final MesBroker broker;
  private final MesOpcUaServer opcua;
  private final Consumer<SimulatedMachine> finished;
  /** This machine's own pace: its units take this share of the configured cycle time. */
  private final double pace;
  private State state = State.IDLE;
  private Job job;
  private int produced;
  private int defects;
  private int breakdowns;
  private double lastCycleSeconds;
  private long downtimeMillis;
  private long producingNanos;
  private final long bornNanos = System.nanoTime();
  private long stateSinceNanos = bornNanos;
  private long timer = -1;
  private int inspections;
  private boolean stopped;

  SimulatedMachine(Vertx vertx, PlantModel.Machine machine, SimulationConfig settings, Random random, MesBroker broker,
                   MesOpcUaServer opcua, Consumer<SimulatedMachine> finished) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.machine = Objects.requireNonNull(machine, "machine");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.random = Objects.requireNonNull(random, "random");
    this.broker = Objects.requireNonNull(broker, "broker");
    this.opcua = Objects.requireNonNull(opcua, "opcua");
    this.finished = Objects.requireNonNull(finished, "finished");
    this.pace = 0.75 + random.nextDouble() * 0.58;
  }

  String id() {
    return machine.id();
  }

  PlantModel.Machine machine() {
    return machine;
  }

  State state() {
    return state;
  }

  /** The job it runs or last ran; null before its first. */
  Job job() {
    return job;
  }

  int breakdowns() {
    return breakdowns;
  }

  /**
   * The MES's start call for this machine (spec §4.2.2): the job starts now and the MES's answer is returned. The same
   * work order started again gets the same answer; another one while this machine is busy is refused (409).
   */
  JsonObject start(JsonObject call, String mesJobId) {
    String workOrderId = call.getString("work_order_id");
    if (job != null && job.workOrderId().equals(workOrderId)) {
      return answer(job);
    }
    if (state != State.IDLE) {
      throw ApiError.of(409, ErrorCode.INT_003, "Machine " + id() + " is busy with work order " + job.workOrderId());
    }
    if (!(call.getValue("quantity_to_produce") instanceof Number quantity) || quantity.doubleValue() < 1) {
      throw ApiError.badRequest("quantity_to_produce must be a number of at least 1");
    }
    job = new Job(workOrderId, call.getString("erp_work_order_id"), call.getString("product_name"),
        (int) Math.ceil(quantity.doubleValue()), call.getString("operator_id"), mesJobId);
    produced = 0;
    defects = 0;
    enter(State.PRODUCING);
    LOG.info("Simulated plant: {} started {} (ERP {}, {} x {}, operator {})", id(), job.workOrderId(), job.erpWorkOrderId(),
        job.quantity(), job.productName(), job.operatorId());
    report("Producing");
    scheduleCycle();
    return answer(job);
  }

  private JsonObject answer(Job started) {
    return new JsonObject().put("status", "success").put("mes_job_id", started.mesJobId())
        .put("message", "Work order started on machine " + id());
  }

  void stop() {
    stopped = true;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }

  private void scheduleCycle() {
    // each unit takes the machine's pace give or take a tenth
    long millis = Math.max(1, Math.round(settings.cycleTime().toMillis() * pace * (0.9 + random.nextDouble() * 0.2)));
    lastCycleSeconds = Math.round(millis / 100.0) / 10.0;
    timer = vertx.setTimer(millis, id -> {
      timer = -1;
      cycle();
    });
  }

  private void cycle() {
    if (stopped || state != State.PRODUCING) {
      return;
    }
    if (random.nextInt(settings.breakdownOneIn()) == 0) {
      breakDown();
      return;
    }
    produced++;
    Instant now = Instant.now();
    boolean inspected = produced % settings.inspectionEvery() == 0;
    boolean defect = inspected && random.nextInt(settings.defectOneIn()) == 0;
    String line = machine.lineId();
    broker.publish(MesMqttPublisher.countTopic(line, id()), MesMqttPublisher.count(id(), job.workOrderId(), now, 1, produced,
            defect ? "fail" : "pass", Math.max(0.1, lastCycleSeconds)))
        .compose(v -> inspected ? broker.publish(MesMqttPublisher.inspectionTopic(line, id()), inspection(now, defect)) : Future.<Void>succeededFuture())
        .onSuccess(v -> unitDone())
        .onFailure(e -> LOG.debug("Simulated plant: {} stops reporting ({})", id(), e.getMessage()));
  }

  private JsonObject inspection(Instant at, boolean defect) {
    inspections++;
    String inspectionId = "INS-" + id() + "-" + job.workOrderId() + "-" + inspections;
    String defectType = defect ? DEFECTS[random.nextInt(DEFECTS.length)] : null;
    if (defect) {
      defects++;
      LOG.info("Simulated plant: defect on {} ({}) in {}, unit {}", id(), defectType, job.workOrderId(), produced);
    }
    return MesMqttPublisher.inspection(id(), job.workOrderId(), at, inspectionId, defect, defectType);
  }

  private void unitDone() {
    if (stopped) {
      return;
    }
    if (produced >= job.quantity()) {
      enter(State.IDLE);
      LOG.info("Simulated plant: {} finished {} ({} units, {} with defects)", id(), job.workOrderId(), produced, defects);
      report("Idle");
      finished.accept(this);
      return;
    }
    report("Producing");
    scheduleCycle();
  }

  private void breakDown() {
    Breakdown why = BREAKDOWNS[random.nextInt(BREAKDOWNS.length)];
    long repairMillis = between(settings.repairTimeMin(), settings.repairTimeMax());
    breakdowns++;
    enter(State.DOWN);
    Instant at = Instant.now();
    LOG.info("Simulated plant: breakdown on {} ({}: {}) during {}; repair takes {}", id(), why.reasonCode(),
        why.description(), job.workOrderId(), Duration.ofMillis(repairMillis));
    report(why.mesStatus());
    int estimatedMinutes = (int) Math.max(1, Math.ceil(repairMillis / 60_000.0));
    broker.publish(MesMqttPublisher.downtimeTopic(machine.lineId(), id()), MesMqttPublisher.downtime(id(), at, true,
            why.reasonCode(), why.description(), why.severity(), estimatedMinutes, job.workOrderId()))
        .onSuccess(v -> timer = vertx.setTimer(Math.max(1, repairMillis), id -> {
          timer = -1;
          repaired(why);
        }));
  }

  private void repaired(Breakdown why) {
    if (stopped) {
      return;
    }
    long down = Duration.ofNanos(System.nanoTime() - stateSinceNanos).toMillis();
    downtimeMillis += down;
    broker.publish(MesMqttPublisher.downtimeTopic(machine.lineId(), id()), MesMqttPublisher.downtime(id(), Instant.now(), false,
            why.reasonCode(), "Repaired: " + why.description().toLowerCase(Locale.ROOT), why.severity(), 0,
            job.workOrderId()))
        .onSuccess(v -> {
          if (stopped) {
            return;
          }
          enter(State.PRODUCING);
          LOG.info("Simulated plant: {} repaired after {}, back on {}", id(), Duration.ofMillis(down), job.workOrderId());
          report("Producing");
          scheduleCycle();
        });
  }

  /** The machine's status nodes on the MES's OPC UA server. */
  private void report(String mesStatus) {
    opcua.setStatus(id(), new MesOpcUaServer.Status(mesStatus, utilization(),
        state == State.IDLE ? "" : job.workOrderId(), produced, lastCycleSeconds, (int) (downtimeMillis / 1000)));
  }

  private void enter(State next) {
    long now = System.nanoTime();
    if (state == State.PRODUCING) {
      producingNanos += now - stateSinceNanos;
    }
    state = next;
    stateSinceNanos = now;
  }

  /** Share of its life this machine has been producing, in percent with one decimal. */
  private double utilization() {
    long now = System.nanoTime();
    long producing = producingNanos + (state == State.PRODUCING ? now - stateSinceNanos : 0);
    long life = Math.max(1, now - bornNanos);
    return Math.round(1000.0 * producing / life) / 10.0;
  }

  private long between(Duration min, Duration max) {
    long spread = max.toMillis() - min.toMillis();
    return min.toMillis() + (spread <= 0 ? 0 : (long) (random.nextDouble() * (spread + 1)));
  }
}
