package verticles.hr;

import io.vertx.core.json.JsonObject;
import mraos.config.MraosConfig;
import mraos.failures.DeadLetters;
import mraos.http.ApiContext;
import mraos.http.ApiError;
import mraos.http.ApiRoutes;
import mraos.http.QueryParams;
import mraos.http.Responses;
import mraos.security.Authorization;
import mraos.security.ClientRule;

/**
 * HR's endpoints (spec §5): the time clock's attendance webhook ({@code X-API-Key}, its own rate limit, see
 * {@link AttendanceHandler}), the operators as MRAOS holds them, and the latest master and schedule syncs.
 * <pre>
 * POST /api/v1/integrations/hr/attendance         clock_in / clock_out (X-API-Key, Idempotency-Key)
 * GET  /api/v1/operators?status=&amp;skill=&amp;employee_id=&amp;active=   operators (active ones unless active=false)
 * GET  /api/v1/hr/syncs/latest?kind=employees|schedules   the latest sync's summary (or why it failed)
 * </pre>
 */
public final class HrRoutes implements ApiRoutes {

  public static final String ATTENDANCE = "/api/v1/integrations/hr/attendance";
  public static final String OPERATORS = "/api/v1/operators";
  public static final String LATEST_SYNC = "/api/v1/hr/syncs/latest";
  public static final String SYSTEM = MraosConfig.HR;

  /** Found by ServiceLoader: the gateway mounts it. */
  public HrRoutes() {
  }

  @Override
  public void mount(ApiContext api) {
    MraosConfig config = api.config();
    HrSettings settings = HrSettings.of(config);
    api.gate().authenticatedBy(ATTENDANCE, new ApiKeyAuthentication(api.pool(), api.clock()));
    api.gate().rateLimit(ATTENDANCE, settings.attendanceRequestsPerMinute());
    api.router().post(ATTENDANCE).handler(new AttendanceHandler(api.vertx(), api.pool(), api.clock(), DeadLetters.of(config),
        settings));
    api.auditLabels().label(ATTENDANCE, Attendance.INTEGRATION_TYPE, SYSTEM);

    ClientRule readers = ClientRule.only("read operators and HR syncs", config.security().knownClients());
    api.router().get(OPERATORS).handler(Authorization.require(readers)).handler(ctx -> {
      String status = ctx.queryParams().get("status");
      if (status != null && !OperatorReads.STATUSES.contains(status)) {
        throw ApiError.badRequest("status must be one of " + OperatorReads.STATUSES);
      }
      String active = ctx.queryParams().get("active");
      if (active != null && !active.equals("true") && !active.equals("false")) {
        throw ApiError.badRequest("active must be true or false");
      }
      OperatorReads.Filter filter = new OperatorReads.Filter(status, ctx.queryParams().get("skill"),
          ctx.queryParams().get("employee_id"), active == null ? Boolean.TRUE : Boolean.valueOf(active),
          QueryParams.integer(ctx, "limit", 500, 1, 5000));
      OperatorReads.list(api.pool(), filter, api.clock().instant(), config.plantTimeZone(), settings.certificationWarning())
          .onSuccess(operators -> Responses.json(ctx, 200, new JsonObject().put("operators", operators)
              .put("count", operators.size())))
          .onFailure(ctx::fail);
    });

    api.router().get(LATEST_SYNC).handler(Authorization.require(readers)).handler(ctx -> {
      String kind = ctx.queryParams().get("kind") == null ? SyncRuns.EMPLOYEES : ctx.queryParams().get("kind");
      if (!kind.equals(SyncRuns.EMPLOYEES) && !kind.equals(SyncRuns.SCHEDULES)) {
        throw ApiError.badRequest("kind must be employees or schedules");
      }
      SyncRuns.latest(api.pool(), kind).onSuccess(run -> {
        if (run == null) {
          ctx.fail(ApiError.notFound("No HR " + kind + " sync has run yet"));
        } else {
          Responses.json(ctx, 200, run);
        }
      }).onFailure(ctx::fail);
    });
  }
}
