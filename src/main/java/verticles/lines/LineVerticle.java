package verticles.lines;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import mraos.cluster.SingletonLease;
import mraos.config.MraosConfig.LinesConfig;
import mraos.config.MraosConfig;
import mraos.db.BatchedStatements;
import mraos.db.Database;
import mraos.events.Addresses;
import mraos.events.Outbox;
import mraos.failures.IntegrationFailures;
import mraos.health.Readiness;
import mraos.http.ApiError;
import mraos.metrics.Meters;
import mraos.plant.PlantModel;
import mraos.time.NodeClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import verticles.erp.ErpRoutes;
import verticles.workorders.WorkOrderCompletion;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The actor of one production line (one per line in the cluster): every change the MES reports for the line's work
 * orders and machines goes through it, in order. It reads the line's MQTT topics on its own persistent session and
 * takes the OPC UA status of its machines; it writes in batches (one transaction per batch window or batch size) and
 * acknowledges the MQTT messages of a batch only after the batch committed. While PostgreSQL cannot be reached it keeps
 * what arrives, in order and unacknowledged, up to {@code lines.buffer-limit}; then it stops reading and the broker
 * keeps the rest. After a restart, or on another node, it rebuilds its machines' state from PostgreSQL. A work order
 * that reaches its quantity is completed (and reported to ERP). Deployment config: {@code {"mraos": ..., "line": id}}.
 */
public final class LineVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(LineVerticle.class);

  /**
   * While PostgreSQL is there, what a line holds is bounded by the broker's in-flight window (nothing is acknowledged
   * before it is committed), and stopping to read would only make the broker send it all again: the line then stops
   * reading only past this many times {@code lines.buffer-limit}, as a guard against a broker without such a window.
   */
  static final int LOAD_FACTOR = 10;

  static final String MACHINE_STATES = "SELECT machine_id, current_status, last_update_at FROM machines WHERE line_id = $1";

  /**
   * A message waiting to be written, with the MQTT delivery to acknowledge once it is (or, for an admin's retry of a dead
   * letter, the promise to complete).
   */
  private record Pending(MesMessage message, MqttLineSession.Received received, Promise<JsonObject> retried, long arrivedNanos) {
  }

  /** An admin's retry of a dead letter is applied whatever its age: keeping it out was the age rule's whole effect. */
  static final Duration NO_AGE_LIMIT = Duration.ofSeconds(Long.MAX_VALUE);
  static final String KNOWN_ORDER = "SELECT 1 FROM work_orders WHERE work_order_id = $1";

  private MraosConfig config;
  private LinesConfig settings;
  private String lineId;
  private Map<String, PlantModel.Machine> machines;
  private Pool pool;
  private Clock clock;
  private IntegrationFailures failures;
  private WorkOrderCompletion completion;
  private MqttLineSession session;
  private final Map<String, String> statuses = new HashMap<>();
  /** When (the MES's time) each machine's held status was reported: older snapshots arriving late are not applied. */
  private final Map<String, Instant> statusTimes = new HashMap<>();
  private final ArrayDeque<Pending> pending = new ArrayDeque<>();
  private final Set<String> completionsDue = new LinkedHashSet<>();
  private final Set<String> knownOrders = new HashSet<>();
  private final AtomicInteger bufferGauge = new AtomicInteger();
  private MeterRegistry meters;
  private Timer commitLatency;
  private DistributionSummary batchSizes;
  private Counter applied;
  private Counter deadLetters;
  private CountsWriter countsWriter;
  private boolean flushing;
  private boolean paused;
  /** The last batch could not be written because PostgreSQL was away (not because it refused the data). */
  private boolean databaseAway;
  private boolean stopping;
  /** Whether this node still holds the line's lock: nothing is read or acknowledged without it. */
  private SingletonLease.Proof lease;
  private long flushTimer = -1;
  private long lastFlushStart;
  /** Which work orders' progress events are due, and the figures held back ({@code lines.progress-interval}). */
  private ProgressThrottle progress;
  private long progressTimer = -1;
  private int isolate;

  @Override
  public Future<?> start() {
    config = MraosConfig.from(config().getJsonObject("mraos"));
    settings = config.lines();
    lineId = config().getString("line");
    lease = SingletonLease.proof(vertx, config());
    PlantModel plant = PlantModel.load(config.plantModel());
    if (plant.line(lineId).isEmpty()) {
      return Future.failedFuture("Line " + lineId + " is not in the plant model");
    }
    machines = MesMessage.machinesById(plant);
    pool = Database.batchPool(vertx, config.database()); // its statements are batches and look-ups by key
    clock = NodeClock.of(vertx);
    failures = new IntegrationFailures(config.kafka().integrationFailuresTopic());
    completion = new WorkOrderCompletion(pool, clock, config);
    progress = new ProgressThrottle(settings.progressInterval());
    meters = Meters.registry(config.metricsRegistryName());
    meters.gauge(Meters.LINE_BUFFER, Tags.of(Meters.TAG_LINE, lineId), bufferGauge);
    commitLatency = Timer.builder(Meters.MES_COMMIT_LATENCY).tags(Meters.TAG_LINE, lineId)
        .publishPercentiles(0.5, 0.95, 0.99).register(meters);
    batchSizes = DistributionSummary.builder(Meters.MES_BATCH_MESSAGES).tags(Meters.TAG_LINE, lineId)
        .description("MES messages written per batch").register(meters);
    applied = meters.counter(Meters.MES_MESSAGES, Tags.of(Meters.TAG_LINE, lineId, Meters.TAG_OUTCOME, "applied"));
    deadLetters = meters.counter(Meters.MES_MESSAGES, Tags.of(Meters.TAG_LINE, lineId, Meters.TAG_OUTCOME, "dead_letter"));
    countsWriter = CountsWriter.of(vertx, settings.countStatementsInFlight(), meters);
    Readiness.report(vertx, component(), false, "starting");
    session = new MqttLineSession(vertx, config.mqtt(), lineId, this::onMqtt, this::onConnected);
    return pool.preparedQuery(MACHINE_STATES).execute(Tuple.of(lineId)).onSuccess(rows -> {
      rows.forEach(row -> {
        statuses.put(row.getString("machine_id"), row.getString("current_status"));
        if (row.getOffsetDateTime("last_update_at") != null) {
          statusTimes.put(row.getString("machine_id"), row.getOffsetDateTime("last_update_at").toInstant());
        }
      });
      vertx.eventBus().<JsonObject>consumer(Addresses.lineMachineStatus(lineId),
          message -> enqueue(MesMessage.fromOpcUa(message.body(), lineId, machines, clock.instant()), null, null));
      vertx.eventBus().<JsonObject>consumer(Addresses.lineRetry(lineId), this::onRetry);
      session.start();
      LOG.info("Line {} runs here ({} machines)", lineId, statuses.size());
    });
  }

  /** A clean stop hands the line over: what is pending is written and acknowledged, then the session closes. */
  @Override
  public Future<?> stop() {
    stopping = true;
    Readiness.forget(vertx, component());
    if (!lease.held()) {
      // the lock is lost and another node may run the line already: leave the broker now, acknowledge nothing more;
      // what was read and not acknowledged is delivered again to the line's next holder
      session.stop();
      LOG.info("Line {}: stopped at once (the node lost the line's lock), {} message(s) left to its next holder", lineId,
          pending.size());
      pending.stream().filter(p -> p.retried() != null)
          .forEach(p -> p.retried().tryFail("line " + lineId + " moved to another node before the message was written"));
      return Future.succeededFuture();
    }
    Promise<Void> drained = Promise.promise();
    drain(drained, System.currentTimeMillis() + 5_000);
    return drained.future().eventually(() -> {
      pending.stream().filter(p -> p.retried() != null)
          .forEach(p -> p.retried().tryFail("line " + lineId + " stopped before the message was written; retry it again"));
      session.stop();
      return Future.succeededFuture();
    });
  }

  private void drain(Promise<Void> done, long deadline) {
    if (!flushing && (!pending.isEmpty() || progress.holdsAny()) && databaseAway) {
      // the database (or the node's pool, closing with the node) is gone: what is left stays unacknowledged, and the
      // broker delivers it again to whoever runs the line next
      LOG.info("Line {}: stops with {} message(s) not written (PostgreSQL unavailable); the broker keeps them for the line's"
          + " next holder", lineId, pending.size());
      done.tryComplete();
      return;
    }
    if ((pending.isEmpty() && !flushing && !progress.holdsAny()) || System.currentTimeMillis() > deadline) {
      done.tryComplete();
      return;
    }
    flush();
    vertx.setTimer(20, id -> drain(done, deadline));
  }

  private void onMqtt(MqttLineSession.Received received) {
    if (stopping || !lease.held()) {
      return; // not acknowledged: the broker gives it to whoever runs the line next
    }
    enqueue(MesMessage.fromMqtt(received.message().topicName(), received.message().payload(), lineId, machines, clock.instant(),
        settings.maxMessageAge()), received, null);
  }

  /**
   * An integration admin retries one of this line's MES dead letters ({@link Addresses#lineRetry}): it is checked as an
   * MQTT message would be (except its age) and, for a count or an inspection, against the work orders MRAOS holds, then
   * applied in order with the rest. The reply comes once it is committed; a refusal fails the request with the reason and
   * makes no new dead letter (the one retried stays under review).
   */
  private void onRetry(Message<JsonObject> request) {
    if (stopping) {
      request.fail(503, "Line " + lineId + " is being handed over; retry in a moment");
      return;
    }
    Object payload = request.body().getValue("payload");
    Buffer bytes = payload instanceof JsonObject json ? json.toBuffer() : Buffer.buffer(String.valueOf(payload));
    MesMessage message = MesMessage.fromMqtt(request.body().getString("topic"), bytes, lineId, machines, clock.instant(),
        NO_AGE_LIMIT);
    if (message instanceof MesMessage.Refused refused) {
      request.fail(400, refused.reason());
      return;
    }
    String workOrder = message instanceof MesMessage.Count c ? c.workOrderId()
        : message instanceof MesMessage.Inspection i ? i.workOrderId() : null;
    Future<Boolean> orderKnown = workOrder == null || knownOrders.contains(workOrder) ? Future.succeededFuture(true)
        : pool.preparedQuery(KNOWN_ORDER).execute(Tuple.of(workOrder)).map(rows -> rows.size() > 0);
    orderKnown.onComplete(known -> {
      if (known.failed()) {
        request.fail(503, "PostgreSQL unreachable: " + known.cause().getMessage());
      } else if (!known.result()) {
        request.fail(400, "Work order " + workOrder + " is not known to MRAOS");
      } else {
        Promise<JsonObject> applied = Promise.promise();
        applied.future().onSuccess(request::reply).onFailure(err -> request.fail(400, err.getMessage()));
        LOG.info("Line {}: applying a retried dead letter ({}) for {}", lineId, typeOf(message),
            request.body().getString("failure_id"));
        enqueue(message, null, applied);
      }
    });
  }

  private void onConnected(boolean connected) {
    if (stopping) {
      return; // the session closing as the line stops: the line is no longer this node's to report
    }
    Readiness.report(vertx, component(), connected || paused, connected ? "MQTT session on " + config.mqtt().url()
        : paused ? "reading paused: buffer full while PostgreSQL is away" : "MQTT broker " + config.mqtt().url() + " unreachable");
  }

  private void enqueue(MesMessage message, MqttLineSession.Received received, Promise<JsonObject> retried) {
    pending.add(new Pending(message, received, retried, System.nanoTime()));
    bufferGauge.set(pending.size());
    if (received != null && !paused && pending.size() >= (databaseAway ? settings.bufferLimit() : settings.bufferLimit() * LOAD_FACTOR)) {
      paused = true;
      session.pause();
    }
    if (pending.size() >= settings.batchSize()) {
      flush();
    } else if (flushTimer < 0 && !flushing) {
      flushTimer = vertx.setTimer(Math.max(1, settings.batchWindow().toMillis()), id -> {
        flushTimer = -1;
        flush();
      });
    }
  }

  /**
   * Writes the oldest pending messages in one transaction, with the held progress events now due; acknowledges the
   * messages after it commits.
   */
  private void flush() {
    if (flushTimer >= 0) {
      vertx.cancelTimer(flushTimer);
      flushTimer = -1;
    }
    if (flushing || (pending.isEmpty() && !progress.holdsAny())) {
      return;
    }
    long started = System.nanoTime();
    int size = isolate > 0 ? 1 : Math.min(settings.batchSize(), pending.size());
    List<Pending> batch = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      batch.add(pending.poll());
    }
    List<MesMessage> messages = batch.stream().map(Pending::message).toList();
    List<ProgressThrottle.Held> carried = List.of();
    if (progress.holdsAny()) {
      Set<String> inBatch = new HashSet<>();
      messages.forEach(m -> {
        if (m instanceof MesMessage.Count c) {
          inBatch.add(c.workOrderId());
        }
      });
      carried = progress.takeDue(started, inBatch, stopping); // a clean stop hands over what it holds
    }
    if (batch.isEmpty() && carried.isEmpty()) {
      return;
    }
    List<ProgressThrottle.Held> carrying = carried;
    flushing = true;
    lastFlushStart = started;
    LOG.debug("Line {}: writing a batch of {} ({} more pending, {} held progress event(s))", lineId, size, pending.size(),
        carried.size());
    LineBatch.Context context = new LineBatch.Context(lineId, clock.instant(), config.kafka().workOrdersTopic(),
        config.kafka().resourceStatusTopic(), failures, statusTimes, progress, started, carried);
    // counts only, for work orders met before (what a busy line mostly gets): one statement, its own transaction,
    // shared with other lines' batches of counts waiting at the same time
    Future<LineBatch.Outcome> written;
    if (LineBatch.countsOnly(messages, knownOrders)) {
      LineBatch.Counts counts = LineBatch.counts(context, messages, statuses);
      written = countsWriter.write(pool, counts).map(counts::outcome);
    } else {
      written = pool.withTransaction(tx -> LineBatch.apply(tx, context, messages, statuses, knownOrders));
    }
    written.onComplete(ar -> {
      flushing = false;
      LOG.debug("Line {}: batch of {} {}", lineId, size, ar.succeeded() ? "committed" : "failed: " + ar.cause());
      if (ar.succeeded()) {
        committed(batch, ar.result(), carrying, started);
      } else {
        progress.restore(carrying);
        if (!batch.isEmpty()) {
          failed(batch, ar.cause());
        } else {
          databaseAway = true;
        }
      }
      bufferGauge.set(pending.size());
      if (paused && !stopping && pending.size() <= settings.bufferLimit() / 2) {
        paused = false;
        session.resume();
      }
      if (!pending.isEmpty() && !stopping) {
        if (ar.succeeded()) {
          next();
        } else {
          vertx.setTimer(Math.max(1, settings.retryDelay().toMillis()), id -> flush());
        }
      }
      scheduleProgress(ar.succeeded() ? 0 : settings.retryDelay().toNanos());
    });
  }

  /**
   * Held progress events are written once their interval has passed: by the line's next batch while it is busy (no
   * batch of its own, so the batch pacing stays as it is), on their own when it is quiet (no sooner than
   * {@code atLeast} ns from now).
   */
  private void scheduleProgress(long atLeast) {
    if (progressTimer >= 0 || stopping || !progress.holdsAny()) {
      return;
    }
    long in = Math.max(atLeast, progress.nextDueIn(System.nanoTime()));
    progressTimer = vertx.setTimer(Math.max(1, TimeUnit.NANOSECONDS.toMillis(in + 999_999)), id -> {
      progressTimer = -1;
      if (flushing || !pending.isEmpty()) {
        return; // a batch is under way or due (its timer is set): it takes what is due, and schedules again after
      }
      flush();
      if (!flushing) {
        scheduleProgress(0); // nothing was due after all: look again when it is
      }
    });
  }

  /**
   * After a batch: a full batch is written at once; a smaller one waits until a batch window has passed since the last
   * one started, so a busy line writes at most one batch per window (larger batches: fewer transactions, fewer updates
   * and progress events per count) and a quiet one still writes within a window of a message's arrival.
   */
  private void next() {
    long wait = settings.batchWindow().toNanos() - (System.nanoTime() - lastFlushStart);
    if (pending.size() >= settings.batchSize() || wait <= 0) {
      flush();
    } else if (flushTimer < 0) {
      flushTimer = vertx.setTimer(Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait)), id -> {
        flushTimer = -1;
        flush();
      });
    }
  }

  private void committed(List<Pending> batch, LineBatch.Outcome outcome, List<ProgressThrottle.Held> carried, long started) {
    databaseAway = false;
    if (isolate > 0) {
      isolate--;
    }
    long now = System.nanoTime();
    if (!batch.isEmpty()) {
      batchSizes.record(batch.size());
    }
    for (Pending p : batch) {
      if (p.received() != null && (!lease.held() || !session.ack(p.received()))) {
        LOG.debug("Line {}: not acknowledged (the lock or connection {} is gone; the broker delivers it again)", lineId,
            p.received().connection());
      }
      if (p.retried() != null) {
        p.retried().tryComplete(new JsonObject().put("applied", typeOf(p.message())).put("machine_id", p.message().machineId())
            .put("timestamp", p.message().timestamp().toString()));
      } else {
        commitLatency.record(now - p.arrivedNanos(), TimeUnit.NANOSECONDS);
      }
    }
    carried.forEach(h -> progress.published(h.workOrderId(), h.status(), started));
    for (LineBatch.Progress p : outcome.progress()) {
      if (p.published()) {
        progress.published(p.workOrderId(), p.status(), started);
      } else {
        progress.hold(p.workOrderId(), p.status());
      }
    }
    statuses.putAll(outcome.machineStatuses());
    statusTimes.putAll(outcome.statusTimes());
    applied.increment(outcome.applied());
    if (outcome.refused() > 0) {
      deadLetters.increment(outcome.refused());
    }
    outcome.live().forEach(event -> vertx.eventBus().publish(Addresses.LIVE, event));
    if (!outcome.live().isEmpty() || outcome.refused() > 0 || !carried.isEmpty()) {
      Outbox.wakeUp(vertx.eventBus());
    }
    completionsDue.addAll(outcome.completionsDue());
    completeDue();
  }

  /**
   * PostgreSQL away: the batch goes back to the front, in order, and is tried again after the retry delay. If
   * PostgreSQL refused the data itself, the batch is retried one message at a time, and a single message it still
   * refuses becomes a dead letter, so one bad message cannot stop the line.
   */
  private void failed(List<Pending> batch, Throwable cause) {
    boolean dataError = BatchedStatements.isDataError(cause);
    if (dataError && batch.size() == 1 && batch.get(0).retried() != null) {
      batch.get(0).retried().tryFail("PostgreSQL refused it: " + cause.getMessage()); // still under review: no new dead letter
      return;
    }
    if (dataError && batch.size() == 1) {
      Pending only = batch.get(0);
      MesMessage m = only.message();
      LOG.error("Line {}: PostgreSQL refuses a message ({}); it becomes a dead letter", lineId, cause.getMessage());
      pending.addFirst(new Pending(new MesMessage.Refused(m.machineId(), clock.instant(), typeOf(m),
          "PostgreSQL refused it: " + cause.getMessage(), new JsonObject().put("message", String.valueOf(m))), only.received(),
          null, only.arrivedNanos()));
      return;
    }
    if (dataError) {
      isolate = batch.size();
    } else {
      databaseAway = true;
      if (!stopping) {
        LOG.warn("Line {}: batch of {} not written ({}); kept in order, {} pending, retry in {}", lineId, batch.size(),
            cause.getMessage(), pending.size() + batch.size(), settings.retryDelay());
      }
    }
    for (int i = batch.size() - 1; i >= 0; i--) {
      pending.addFirst(batch.get(i));
    }
  }

  /** Work orders that reached their quantity: completed as a supervisor would, their report queued for ERP. */
  private void completeDue() {
    for (String workOrderId : List.copyOf(completionsDue)) {
      completion.complete(workOrderId, WorkOrderCompletion.Request.asCounted(), "mes", "mes-" + lineId).onComplete(ar -> {
        if (ar.succeeded() || (ar.cause() instanceof ApiError api && api.status() == 409)) {
          completionsDue.remove(workOrderId);
          if (ar.succeeded()) {
            LOG.info("Line {}: work order {} reached its quantity and is completed", lineId, workOrderId);
            vertx.eventBus().publish(Addresses.LIVE, new JsonObject().put("type", "work_order_completed").put("line_id", lineId)
                .put("data", ar.result().workOrder().toJson()));
            vertx.eventBus().publish(Addresses.WORK_ORDER_COMPLETED, ar.result().workOrder().toJson());
            vertx.eventBus().publish(Addresses.outboundWakeUp(ErpRoutes.SYSTEM), null);
            Outbox.wakeUp(vertx.eventBus());
          }
        } else {
          LOG.warn("Line {}: completing {} failed ({}); tried again after the next batch", lineId, workOrderId,
              ar.cause().getMessage());
        }
      });
    }
  }

  private static String typeOf(MesMessage m) {
    if (m instanceof MesMessage.Count) {
      return MesMessage.COUNT;
    }
    if (m instanceof MesMessage.Inspection) {
      return MesMessage.INSPECTION;
    }
    if (m instanceof MesMessage.Downtime) {
      return MesMessage.DOWNTIME;
    }
    return m instanceof MesMessage.Refused r ? r.integrationType() : MesMessage.STATUS;
  }

  private String component() {
    return "line-" + lineId;
  }
}
