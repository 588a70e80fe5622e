package verticles.scheduler;

import io.vertx.core.json.JsonObject;
import mraos.events.Outbox;
import mraos.http.ApiContext;
import mraos.http.ApiRoutes;
import mraos.http.IdPattern;
import mraos.http.QueryParams;
import mraos.http.Responses;
import mraos.jobs.ScheduledJob;
import mraos.security.Authorization;
import mraos.security.ClientRule;

/**
 * {@code GET /api/v1/jobs}: the jobs, their schedules and latest runs (any known client).
 * {@code POST /api/v1/jobs/{job}/run}: runs one now, e.g. the material master pull on demand (supervisors).
 */
public final class JobRoutes implements ApiRoutes {

  public static final String PATH = "/api/v1/jobs";
  /** Job names: lower-case words joined by hyphens ({@code erp-material-master-pull}). */
  static final IdPattern JOB_NAME = IdPattern.of("^[a-z][a-z0-9-]{0,63}$", "erp-material-master-pull");

  /** Found by ServiceLoader: the gateway mounts it. */
  public JobRoutes() {
  }

  @Override
  public void mount(ApiContext api) {
    ScheduledJob.Context context = new ScheduledJob.Context(api.vertx(), api.pool(), api.clock(), api.config());
    JobRunner runner = new JobRunner(context);
    ClientRule readers = ClientRule.only("read job runs", api.config().security().knownClients());
    ClientRule supervisors = ClientRule.only("run jobs", api.config().security().supervisorClients());

    api.router().get(PATH).handler(Authorization.require(readers)).handler(ctx -> {
      String job = ctx.queryParams().get("job");
      if (job != null) {
        runner.job(job);
      }
      JobRuns.recent(api.pool(), job, QueryParams.integer(ctx, "limit", 50, 1, 500)).onSuccess(runs -> {
        JsonObject schedules = new JsonObject();
        runner.jobs().keySet().forEach(name -> schedules.put(name, api.config().scheduler().jobs().getOrDefault(name, "off")));
        Responses.json(ctx, 200, new JsonObject().put("jobs", schedules).put("time_zone", api.config().plantTimeZone().getId())
            .put("runs", runs));
      }).onFailure(ctx::fail);
    });

    api.router().post(PATH + "/:job/run").handler(Authorization.require(supervisors))
        .handler(JOB_NAME.checkPathParam("job")).handler(ctx -> {
      ScheduledJob job = runner.job(ctx.pathParam("job"));
      runner.run(job, api.clock().instant(), "on_demand").onComplete(ar -> {
        Outbox.wakeUp(api.vertx().eventBus());
        if (ar.failed()) {
          ctx.fail(ar.cause());
          return;
        }
        Responses.json(ctx, 200, new JsonObject().put("status", "success").put("job", job.name())
            .put("summary", ar.result().summary()));
      });
    });
  }
}
