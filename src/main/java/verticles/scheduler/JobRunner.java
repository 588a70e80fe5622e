package verticles.scheduler;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import mraos.failures.DeadLetters;
import mraos.failures.IntegrationFailure;
import mraos.http.ApiError;
import mraos.jobs.ScheduledJob;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * Runs jobs: claims the slot, runs, records the outcome. A run that fails is kept as an integration failure, so an
 * integration admin sees it and can run it again from the dead-letter review.
 */
public final class JobRunner {

  private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);

  /** Result of asking for a run: the summary, or null if another run already had the slot. */
  public record Outcome(boolean ran, JsonObject summary) {
  }

  private final ScheduledJob.Context context;
  private final Map<String, ScheduledJob> jobs = new TreeMap<>();
  private final DeadLetters failures;

  public JobRunner(ScheduledJob.Context context) {
    this.context = context;
    ServiceLoader.load(ScheduledJob.class).forEach(job -> jobs.put(job.name(), job));
    this.failures = DeadLetters.of(context.config());
  }

  public Map<String, ScheduledJob> jobs() {
    return jobs;
  }

  public ScheduledJob job(String name) {
    ScheduledJob job = jobs.get(name);
    if (job == null) {
      throw ApiError.notFound("No job named '" + name + "' (jobs: " + jobs.keySet() + ")");
    }
    return job;
  }

  /** Claims the slot and runs the job; fails when the run fails (after recording it). */
  public Future<Outcome> run(ScheduledJob job, Instant slot, String trigger) {
    Instant started = context.clock().instant();
    String node = context.config().node().name();
    return JobRuns.claim(context.pool(), job.name(), slot, "running", trigger, node, started).compose(claimed -> {
      if (!claimed) {
        return Future.succeededFuture(new Outcome(false, null));
      }
      LOG.info("Job {} starts for slot {} ({})", job.name(), slot, trigger);
      return job.run(context, slot).transform(ar -> {
        Instant now = context.clock().instant();
        if (ar.succeeded()) {
          LOG.info("Job {} for slot {} done: {}", job.name(), slot, ar.result().encode());
          return JobRuns.finish(context.pool(), job.name(), slot, true, ar.result(), null, now)
              .map(v -> new Outcome(true, ar.result()));
        }
        String error = ar.cause().getMessage() == null ? ar.cause().toString() : ar.cause().getMessage();
        LOG.warn("Job {} for slot {} failed: {}", job.name(), slot, error);
        IntegrationFailure failure = IntegrationFailure.forReview(now, job.integrationType(), "inbound", "MRAOS",
            new JsonObject().put("job", job.name()).put("slot", slot.toString()).put("trigger", trigger), "JOB_FAILED",
            "Job " + job.name() + " failed: " + error, null);
        return JobRuns.finish(context.pool(), job.name(), slot, false, null, error, now)
            .compose(v -> failures.record(context.pool(), failure))
            .compose(v -> Future.failedFuture(ar.cause()));
      });
    });
  }
}
