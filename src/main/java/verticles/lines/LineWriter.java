package verticles.lines;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import mraos.cluster.SingletonLease;
import mraos.config.LinesConfig;
import mraos.db.BatchedStatements;
import mraos.events.Addresses;
import mraos.events.Outbox;
import mraos.failures.DeadLetters;
import mraos.workorders.WorkOrders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A line's messages on their way into PostgreSQL: kept in order and unacknowledged, written in batches (whatever
 * arrived within {@code lines.batch-window}, up to {@code lines.batch-size}), acknowledged only after the batch
 * committed, with the progress events the line held back once they are due. While PostgreSQL cannot be reached it
 * keeps what arrives up to {@code lines.buffer-limit}, then stops reading (the broker keeps the rest). A batch
 * PostgreSQL refuses is retried a message at a time, and a message it still refuses becomes a dead letter, so one bad
 * message cannot stop the line. Touched on the line's event loop only.
 */
final class LineWriter {

  private static final Logger LOG = LoggerFactory.getLogger(LineWriter.class);

  /**
   * How often a line being handed over looks whether its last batch is written: pacing inside lines.drain-timeout
   * (which is the setting), short next to a batch's commit so the hand-over waits no longer than it must.
   */
  private static final long DRAIN_POLL_MS = 20;

  /** What the writer works with, the same for every batch. */
  record Setup(String lineId, LinesConfig settings, Pool pool, Clock clock, String resourceStatusTopic, WorkOrders workOrders,
               DeadLetters failures) {
  }

  private final Vertx vertx;
  private final Setup setup;
  private final String lineId;
  private final LinesConfig settings;
  private final MqttLineSession session;
  private final SingletonLease.Proof lease;
  private final LineMeters meters;
  private final LineCompletions completions;
  /** The line's memory: each machine's status and its time, the work orders met. */
  private final Map<String, String> statuses;
  private final Map<String, Instant> statusTimes;
  private final Set<String> knownOrders = new HashSet<>();
  private final LineBacklog pending;
  private final BatchSettlement settlement;
  /** Which work orders' progress events are due, and the figures held back ({@code lines.progress-interval}). */
  private final ProgressThrottle progress;
  private boolean flushing;
  /** The last batch could not be written because PostgreSQL was away (not because it refused the data). */
  private boolean databaseAway;
  private boolean stopping;
  private long flushTimer = -1;
  private long progressTimer = -1;
  private long lastFlushStart;
  /** Batches still to be written one message at a time, after PostgreSQL refused one. */
  private int isolate;

  LineWriter(Vertx vertx, Setup setup, MqttLineSession session, SingletonLease.Proof lease, LineMeters meters,
             LineCompletions completions, Map<String, String> statuses, Map<String, Instant> statusTimes) {
    this.vertx = vertx;
    this.setup = setup;
    this.lineId = setup.lineId();
    this.settings = setup.settings();
    this.session = session;
    this.lease = lease;
    this.meters = meters;
    this.completions = completions;
    this.statuses = statuses;
    this.statusTimes = statusTimes;
    this.progress = new ProgressThrottle(settings.progressInterval());
    this.pending = new LineBacklog(settings, session, meters.held());
    this.settlement = new BatchSettlement(lineId, setup.clock(), pending, session, lease, meters);
  }

  /** Reading is paused (the buffer is full while PostgreSQL is away). */
  boolean paused() {
    return pending.paused();
  }

  Set<String> knownOrders() {
    return knownOrders;
  }

  /** Queues a message (with its MQTT delivery, or an admin's retry to answer once it is committed). */
  void enqueue(MesMessage message, MqttLineSession.Received received, Promise<JsonObject> retried) {
    pending.add(new LineBacklog.Pending(message, received, retried, System.nanoTime()), databaseAway);
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
   * A clean stop: writes and acknowledges what is pending (and the progress events held), until {@code deadline}
   * (epoch ms) or PostgreSQL turns out to be away; what is left stays unacknowledged for the line's next holder.
   */
  Future<Void> drain(long deadline) {
    stopping = true;
    Promise<Void> drained = Promise.promise();
    drain(drained, deadline);
    return drained.future().eventually(() -> {
      abandon("line " + lineId + " stopped before the message was written; retry it again");
      return Future.succeededFuture();
    });
  }

  /** Writes nothing more: the admins' retries still pending are told so. */
  void abandon(String why) {
    stopping = true;
    pending.abandon(why);
  }

  /** Connected again: see {@link LineBacklog#reconnected}. */
  void reconnected(int connection) {
    pending.reconnected(connection);
  }

  int pendingCount() {
    return pending.size();
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
    vertx.setTimer(DRAIN_POLL_MS, id -> drain(done, deadline));
  }

  /** Writes the oldest pending messages in one batch, with the held progress events now due. */
  private void flush() {
    if (flushTimer >= 0) {
      vertx.cancelTimer(flushTimer);
      flushTimer = -1;
    }
    if (flushing || (pending.isEmpty() && !progress.holdsAny())) {
      return;
    }
    long started = System.nanoTime();
    List<LineBacklog.Pending> batch = pending.take(isolate > 0 ? 1 : settings.batchSize());
    int size = batch.size();
    List<MesMessage> messages = batch.stream().map(LineBacklog.Pending::message).toList();
    List<ProgressThrottle.Held> carried = progress.holdsAny() ? progress.takeDue(started, countedIn(messages), stopping)
        : List.of(); // a clean stop hands over what it holds
    if (batch.isEmpty() && carried.isEmpty()) {
      return;
    }
    List<ProgressThrottle.Held> carrying = carried;
    flushing = true;
    lastFlushStart = started;
    LOG.debug("Line {}: writing a batch of {} ({} more pending, {} held progress event(s))", lineId, size, pending.size(),
        carried.size());
    LineBatch.Context context = new LineBatch.Context(lineId, setup.clock().instant(), setup.resourceStatusTopic(),
        setup.workOrders(), setup.failures(), statusTimes, progress, started, carried);
    // counts only, for work orders met before (what a busy line mostly gets): one statement, its own transaction,
    // shared with other lines' batches of counts waiting at the same time
    Future<LineBatch.Outcome> written = LineBatch.countsOnly(messages, knownOrders)
        ? LineBatch.applyCounts(context, messages, statuses)
        : setup.pool().withTransaction(tx -> LineBatch.apply(tx, context, messages, statuses, knownOrders));
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
      pending.settled(stopping);
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

  /** The batch committed: acknowledged (while the line's lock is still this node's), remembered, announced. */
  private void committed(List<LineBacklog.Pending> batch, LineBatch.Outcome outcome, List<ProgressThrottle.Held> carried, long started) {
    databaseAway = false;
    if (isolate > 0) {
      isolate--;
    }
    progress.written(carried, outcome.progress(), started);
    statuses.putAll(outcome.machineStatuses());
    statusTimes.putAll(outcome.statusTimes());
    meters.applied().increment(outcome.applied());
    if (outcome.refused() > 0) {
      meters.deadLetters().increment(outcome.refused());
    }
    outcome.live().forEach(event -> vertx.eventBus().publish(Addresses.LIVE, event));
    if (!outcome.live().isEmpty() || outcome.refused() > 0 || !carried.isEmpty()) {
      Outbox.wakeUp(vertx.eventBus());
    }
    settlement.committed(batch, outcome.refusals());
    completions.complete(outcome.completionsDue());
  }

  /**
   * PostgreSQL away: the batch goes back to the front, in order, and is tried again after the retry delay. If
   * PostgreSQL refused the data itself, the batch is retried one message at a time, and a single message it still
   * refuses becomes a dead letter.
   */
  private void failed(List<LineBacklog.Pending> batch, Throwable cause) {
    boolean dataError = BatchedStatements.isDataError(cause);
    if (dataError && batch.size() == 1 && batch.get(0).retried() != null) {
      batch.get(0).retried().tryFail("PostgreSQL refused it: " + cause.getMessage()); // still under review: no new dead letter
      return;
    }
    if (dataError && batch.size() == 1) {
      settlement.refusedByDatabase(batch.get(0), cause);
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
    pending.putBack(batch);
  }

  /** The work orders a batch counts for. */
  private static Set<String> countedIn(List<MesMessage> messages) {
    Set<String> orders = new HashSet<>();
    messages.forEach(m -> {
      if (m instanceof MesMessage.Count c) {
        orders.add(c.workOrderId());
      }
    });
    return orders;
  }
}
