package verticles.failures;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import mraos.failures.FailureRetry;
import mraos.http.ApiContext;
import mraos.http.ApiError;
import mraos.http.ApiRoutes;
import mraos.http.IdPattern;
import mraos.http.QueryParams;
import mraos.http.RequestBodies;
import mraos.http.Responses;
import mraos.security.Authorization;
import mraos.security.Caller;
import mraos.security.ClientRule;

import java.util.Set;

/**
 * The dead-letter review API for integration admins (spec §7.2): {@code /api/v1/integration-failures} to list (by
 * integration type, status, time) and read, and {@code /{id}/retry} (optionally with a corrected payload),
 * {@code /{id}/resolve}, {@code /{id}/discard}, each recorded with who and when.
 */
public final class FailureRoutes implements ApiRoutes {

  public static final String PATH = "/api/v1/integration-failures";
  /** Failure ids as IntegrationFailures makes them: {@code FAIL-<yyyymmdd>-<n>}. */
  static final IdPattern FAILURE_ID = IdPattern.of("^FAIL-[0-9]{8}-[0-9]{1,19}$", "FAIL-20251118-0042");
  static final Set<String> STATUSES = Set.of("pending_manual_review", "retrying", "resolved", "discarded");

  /** Found by ServiceLoader: the gateway mounts it. */
  public FailureRoutes() {
  }

  @Override
  public void mount(ApiContext api) {
    ClientRule admins = ClientRule.only("review integration failures", api.config().security().integrationAdminClients());
    FailureReview review = new FailureReview(new FailureRetry.Context(api.vertx(), api.pool(), api.clock(), api.config()));
    FailureStats stats = new FailureStats(api.pool(), api.clock());
    api.router().get(PATH).handler(Authorization.require(admins)).handler(ctx -> list(ctx, review));
    api.router().get(PATH + "/stats").handler(Authorization.require(admins))
        .handler(ctx -> stats.snapshot().onSuccess(json -> Responses.json(ctx, 200, json)).onFailure(ctx::fail));
    api.router().get(PATH + "/:id").handler(Authorization.require(admins))
        .handler(FAILURE_ID.checkPathParam("id"))
        .handler(ctx -> review.one(ctx.pathParam("id")).onSuccess(json -> Responses.json(ctx, 200, json)).onFailure(ctx::fail));
    api.router().post(PATH + "/:id/retry").handler(Authorization.require(admins))
        .handler(FAILURE_ID.checkPathParam("id")).handler(ctx -> {
      JsonObject body = optionalBody(ctx);
      Object corrected = body.getValue("payload");
      if (corrected != null && !(corrected instanceof JsonObject)) {
        throw ApiError.badRequest("payload, when given, must be the corrected message as a JSON object");
      }
      review.retry(ctx.pathParam("id"), (JsonObject) corrected, actor(ctx), body.getString("note"))
          .onSuccess(outcome -> Responses.json(ctx, 200, new JsonObject()
              .put("status", outcome.status())
              .put("result", outcome.detail())
              .put("failure", outcome.failure())))
          .onFailure(ctx::fail);
    });
    api.router().post(PATH + "/:id/resolve").handler(Authorization.require(admins))
        .handler(FAILURE_ID.checkPathParam("id")).handler(ctx ->
        review.resolve(ctx.pathParam("id"), actor(ctx), optionalBody(ctx).getString("note"))
            .onSuccess(json -> Responses.json(ctx, 200, json)).onFailure(ctx::fail));
    api.router().post(PATH + "/:id/discard").handler(Authorization.require(admins))
        .handler(FAILURE_ID.checkPathParam("id")).handler(ctx ->
        review.discard(ctx.pathParam("id"), actor(ctx), optionalBody(ctx).getString("note"))
            .onSuccess(json -> Responses.json(ctx, 200, json)).onFailure(ctx::fail));
  }

  private static void list(RoutingContext ctx, FailureReview review) {
    String status = QueryParams.oneOf(ctx, "status", STATUSES);
    int page = QueryParams.integer(ctx, "page", 1, 1, Integer.MAX_VALUE);
    int pageSize = QueryParams.integer(ctx, "page_size", 50, 1, 500);
    review.page(QueryParams.text(ctx, "integration_type"), status, QueryParams.time(ctx, "from"), QueryParams.time(ctx, "to"),
            pageSize,
            (long) (page - 1) * pageSize)
        .onSuccess(result -> Responses.json(ctx, 200, new JsonObject()
            .put("items", new JsonArray(result.items()))
            .put("page", page).put("page_size", pageSize).put("total", result.total())))
        .onFailure(ctx::fail);
  }

  /**
   * The body is optional for these actions ({"note": ..., "payload": ...}); when present it must be a JSON object. A
   * request without one has no body buffer at all (length -1), not an empty one.
   */
  private static JsonObject optionalBody(RoutingContext ctx) {
    if (ctx.body() == null || ctx.body().length() <= 0) {
      return new JsonObject();
    }
    return RequestBodies.jsonObject(ctx);
  }

  private static String actor(RoutingContext ctx) {
    return ((Caller) ctx.get(Caller.CONTEXT_KEY)).clientId();
  }
}
