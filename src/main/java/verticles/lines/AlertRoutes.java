package verticles.lines;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import mraos.events.Addresses;
import mraos.http.ApiContext;
import mraos.http.ApiError;
import mraos.http.ApiRoutes;
import mraos.http.IdPattern;
import mraos.http.QueryParams;
import mraos.http.Responses;
import mraos.security.Authorization;
import mraos.security.Caller;
import mraos.security.ClientRule;

import java.time.Clock;
import java.util.Set;

/**
 * The supervisors' alerts (machine breakdowns, quality defects, faults): {@code GET /api/v1/alerts}, newest first,
 * filtered and paged like the work orders (any known client), and {@code POST /api/v1/alerts/{id}/acknowledge}
 * (supervisors), which records who and when. Acknowledging twice keeps the first acknowledgement.
 */
public final class AlertRoutes implements ApiRoutes {

  public static final String PATH = "/api/v1/alerts";
  static final int DEFAULT_PAGE_SIZE = 50;
  static final int MAX_PAGE_SIZE = 500;
  /** An alert's id ({@code alerts.alert_id}, a bigserial). */
  static final IdPattern ALERT_ID = IdPattern.of("^[0-9]{1,18}$", "42");
  static final Set<String> SEVERITIES = Set.of("info", "warning", "high", "critical");
  static final Set<String> BOOLEANS = Set.of("true", "false");

  /** Found by ServiceLoader: the gateway mounts it. */
  public AlertRoutes() {
  }

  @Override
  public void mount(ApiContext api) {
    ClientRule readers = ClientRule.only("read the supervisors' alerts", api.config().security().knownClients());
    ClientRule supervisors = ClientRule.only("acknowledge alerts", api.config().security().supervisorClients());
    Pool pool = api.pool();
    api.router().get(PATH).handler(Authorization.require(readers)).handler(ctx -> list(ctx, pool));
    api.router().post(PATH + "/:id/acknowledge").handler(Authorization.require(supervisors))
        .handler(ALERT_ID.checkPathParam("id")).handler(ctx -> acknowledge(ctx, pool, api.clock(), api.vertx()));
  }

  private static void list(RoutingContext ctx, Pool pool) {
    String acknowledged = QueryParams.oneOf(ctx, "acknowledged", BOOLEANS);
    Alerts.Filter filter = new Alerts.Filter(QueryParams.text(ctx, "line"), QueryParams.text(ctx, "machine"),
        QueryParams.text(ctx, "type"), QueryParams.time(ctx, "since"),
        acknowledged == null ? null : Boolean.valueOf(acknowledged), QueryParams.oneOf(ctx, "severity", SEVERITIES));
    int page = QueryParams.integer(ctx, "page", 1, 1, Integer.MAX_VALUE);
    int pageSize = QueryParams.integer(ctx, "page_size", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE);
    Alerts.page(pool, filter, pageSize, (long) (page - 1) * pageSize).onSuccess(result -> Responses.json(ctx, 200,
        new JsonObject().put("items", new JsonArray(result.items())).put("page", page).put("page_size", pageSize)
            .put("total", result.total()))).onFailure(ctx::fail);
  }

  private static void acknowledge(RoutingContext ctx, Pool pool, Clock clock, Vertx vertx) {
    String id = ctx.pathParam("id");
    Caller caller = ctx.get(Caller.CONTEXT_KEY);
    Alerts.acknowledge(pool, Long.parseLong(id), caller.clientId(), clock.instant()).onSuccess(found -> {
      if (found.isEmpty()) {
        ctx.fail(ApiError.notFound("Alert " + id + " is not known to MRAOS").with("alert_id", Long.parseLong(id)));
        return;
      }
      JsonObject alert = found.get().alert();
      if (found.get().now()) {
        // the supervisors' screens see it acknowledged as it happens
        vertx.eventBus().publish(Addresses.LIVE, new JsonObject().put("type", "alert_acknowledged")
            .put("line_id", alert.getString("line_id")).put("data", alert));
      }
      Responses.json(ctx, 200, new JsonObject()
          .put("status", found.get().now() ? "acknowledged" : "already_acknowledged")
          .put("message", found.get().now() ? "Alert " + id + " acknowledged"
              : "Alert " + id + " was already acknowledged by " + alert.getString("acknowledged_by") + " at "
                  + alert.getString("acknowledged_at") + "; nothing changed")
          .put("alert", alert));
    }).onFailure(ctx::fail);
  }
}
