package verticles.scheduler;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import mraos.cluster.SingletonLease;
import mraos.config.MraosConfig;
import mraos.db.Database;
import mraos.events.Outbox;
import mraos.jobs.ScheduledJob;
import mraos.time.NodeClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Map;

/**
 * Runs each job at its slots, in the plant's time zone, by the node's clock (once in the cluster: a singleton). A slot
 * missed while no node ran is run once when the scheduler starts again (the latest one, never every missed slot);
 * a brand-new installation starts with the next slot. Deployment config: {@code {"mraos": <node config>}}.
 */
public final class SchedulerVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(SchedulerVerticle.class);

  private JobRunner runner;
  private ScheduledJob.Context context;
  private ZoneId zone;
  private Duration tick;
  private final Map<String, Schedule> schedules = new HashMap<>();
  /** job → latest slot this scheduler has dealt with. */
  private final Map<String, Instant> handled = new HashMap<>();
  private final Map<String, Boolean> busy = new HashMap<>();
  private long timer;
  /** Whether this node still holds the scheduler's lock: no job starts without it. */
  private SingletonLease.Proof lease;

  @Override
  public Future<?> start() {
    MraosConfig config = MraosConfig.from(config().getJsonObject("mraos"));
    lease = SingletonLease.proof(vertx, config());
    context = new ScheduledJob.Context(vertx, Database.pool(vertx, config.database()), NodeClock.of(vertx), config);
    runner = new JobRunner(context);
    zone = config.plantTimeZone();
    tick = config.scheduler().tick();
    config.scheduler().jobs().forEach((name, text) -> {
      runner.job(name); // a schedule for a job that does not exist is a configuration error
      schedules.put(name, Schedule.parse(text));
    });
    timer = vertx.setPeriodic(0, tick.toMillis(), id -> tick());
    LOG.info("Scheduler runs {} in time zone {}", config.scheduler().jobs(), zone);
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }

  private void tick() {
    if (!lease.held()) {
      return;
    }
    Instant now = context.clock().instant();
    schedules.forEach((name, schedule) -> schedule.latestSlot(now, zone).ifPresent(slot -> {
      Instant last = handled.get(name);
      if (Boolean.TRUE.equals(busy.get(name)) || (last != null && !slot.isAfter(last))) {
        return;
      }
      busy.put(name, true);
      due(name, slot, now).onComplete(ar -> {
        busy.put(name, false);
        if (ar.succeeded()) {
          handled.put(name, slot);
        }
        Outbox.wakeUp(vertx.eventBus());
      });
    }));
  }

  /** The slot is newer than any this scheduler dealt with: run it, unless it was run already or this is a first start. */
  private Future<Void> due(String name, Instant slot, Instant now) {
    ScheduledJob job = runner.job(name);
    return JobRuns.lastSlot(context.pool(), name).compose(last -> {
      if (last != null && !slot.isAfter(last)) {
        return Future.succeededFuture();
      }
      if (last == null) {
        LOG.info("Job {} has never run here; its first run will be the next slot after {}", name, slot);
        return JobRuns.claim(context.pool(), name, slot, "skipped", "first_start", context.config().node().name(), now).mapEmpty();
      }
      String trigger = Duration.between(slot, now).compareTo(tick.multipliedBy(5).plusSeconds(60)) > 0 ? "catch_up" : "schedule";
      return runner.run(job, slot, trigger).<Void>mapEmpty().recover(err -> Future.succeededFuture()); // failure recorded
    });
  }
}
