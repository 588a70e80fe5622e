package verticles.workorders;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import mraos.http.ApiError;
import mraos.http.Responses;
import mraos.security.Authorization;
import mraos.security.ClientRule;
import verticles.gateway.ApiContext;

import java.util.Set;

/** Reading work orders back: {@code GET /api/v1/work-orders/{id}} and the filtered, paged list. Any known client may read. */
public final class WorkOrderRoutes {

  static final Set<String> STATUSES = Set.of("received", "scheduled", "in_progress", "on_hold", "completed", "cancelled");
  static final int DEFAULT_PAGE_SIZE = 50;
  static final int MAX_PAGE_SIZE = 500;

  private WorkOrderRoutes() {
  }

  public static void mount(ApiContext api) {
    ClientRule readers = ClientRule.only("read MRAOS's work orders", api.config().security().knownClients());
    Pool pool = api.pool();
    api.router().get("/api/v1/work-orders/:id").handler(Authorization.require(readers)).handler(ctx -> one(ctx, pool));
    api.router().get("/api/v1/work-orders").handler(Authorization.require(readers)).handler(ctx -> list(ctx, pool));
  }

  private static void one(RoutingContext ctx, Pool pool) {
    String id = ctx.pathParam("id");
    WorkOrderStore.byId(pool, id)
        .onSuccess(found -> found.ifPresentOrElse(
            wo -> Responses.json(ctx, 200, wo.toJson()),
            () -> ctx.fail(ApiError.notFound("Work order " + id + " is not known to MRAOS").with("mraos_work_order_id", id))))
        .onFailure(ctx::fail);
  }

  private static void list(RoutingContext ctx, Pool pool) {
    String status = ctx.queryParams().get("status");
    if (status != null && !STATUSES.contains(status)) {
      throw ApiError.badRequest("Unknown status '" + status + "'")
          .detail(new JsonObject().put("field", "status").put("message", "must be one of " + STATUSES));
    }
    int page = intParam(ctx, "page", 1, 1, Integer.MAX_VALUE);
    int pageSize = intParam(ctx, "page_size", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE);
    WorkOrderStore.page(pool, status, ctx.queryParams().get("line"), ctx.queryParams().get("erp_work_order_id"), pageSize,
            (long) (page - 1) * pageSize)
        .onSuccess(result -> {
          JsonArray items = new JsonArray();
          result.items().forEach(wo -> items.add(wo.toJson()));
          Responses.json(ctx, 200, new JsonObject()
              .put("items", items)
              .put("page", page)
              .put("page_size", pageSize)
              .put("total", result.total()));
        })
        .onFailure(ctx::fail);
  }

  private static int intParam(RoutingContext ctx, String name, int fallback, int min, int max) {
    String text = ctx.queryParams().get(name);
    if (text == null) {
      return fallback;
    }
    try {
      int value = Integer.parseInt(text);
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException ignored) {
      // answered below
    }
    throw ApiError.badRequest("Query parameter " + name + " must be a whole number from " + min + " to " + max)
        .detail(new JsonObject().put("field", name).put("message", "must be between " + min + " and " + max));
  }
}
