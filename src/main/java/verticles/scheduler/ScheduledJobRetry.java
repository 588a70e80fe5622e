package verticles.scheduler;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import mraos.failures.FailureRetry;
import mraos.failures.IntegrationFailure;
import mraos.jobs.ScheduledJob;

import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

/** A failed job run, retried from the dead-letter review: the job runs again, now. */
public final class ScheduledJobRetry implements FailureRetry {

  @Override
  public Set<String> integrationTypes() {
    return StreamSupport.stream(ServiceLoader.load(ScheduledJob.class).spliterator(), false)
        .map(ScheduledJob::integrationType).collect(Collectors.toSet());
  }

  @Override
  public Future<JsonObject> retry(Context context, IntegrationFailure failure, JsonObject message) {
    JobRunner runner = new JobRunner(new ScheduledJob.Context(context.vertx(), context.pool(), context.clock(), context.config()));
    ScheduledJob job = runner.job(message.getString("job"));
    return runner.run(job, context.clock().instant(), "on_demand")
        .map(outcome -> new JsonObject().put("job", job.name()).put("summary", outcome.summary()));
  }
}
