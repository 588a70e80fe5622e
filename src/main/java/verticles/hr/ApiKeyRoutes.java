package verticles.hr;

import io.vertx.core.json.JsonObject;
import mraos.http.ApiContext;
import mraos.http.ApiError;
import mraos.http.ApiRoutes;
import mraos.http.IdPattern;
import mraos.http.RequestBodies;
import mraos.http.Responses;
import mraos.security.Authorization;
import mraos.security.Caller;
import mraos.security.ClientRule;
import mraos.time.Timestamps;

import java.time.DateTimeException;
import java.time.Instant;

/**
 * The time clock's API keys, for integration admins (bearer token):
 * <pre>
 * POST /api/v1/hr/api-keys                     {"client_id"?, "note"?, "expires_at"?}: a new key, shown this once (201)
 * GET  /api/v1/hr/api-keys                     every key without its secret: status, age, whether rotation is due
 * POST /api/v1/hr/api-keys/{key_id}/expire     {"expires_at"?}: the key is refused from then on (default now)
 * </pre>
 * Rotation without downtime: add a key, give it to the time clock, then expire the old one at a time after the change.
 */
public final class ApiKeyRoutes implements ApiRoutes {

  public static final String PATH = "/api/v1/hr/api-keys";
  static final IdPattern KEY_ID = IdPattern.of("^hrk-[0-9]{1,18}$", "hrk-1");
  static final IdPattern CLIENT = IdPattern.of("^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$", "hr-timeclock");

  /** Found by ServiceLoader: the gateway mounts it. */
  public ApiKeyRoutes() {
  }

  @Override
  public void mount(ApiContext api) {
    HrSettings settings = HrSettings.of(api.config());
    ClientRule admins = ClientRule.only("manage HR's API keys", api.config().security().integrationAdminClients());

    api.router().post(PATH).handler(Authorization.require(admins)).handler(ctx -> {
      JsonObject body = ctx.body().length() == 0 ? new JsonObject() : RequestBodies.jsonObject(ctx);
      String client = body.getValue("client_id") == null ? settings.defaultKeyClient() : text(body, "client_id");
      if (!CLIENT.matches(client)) {
        throw ApiError.badRequest("client_id must be 1..100 letters, digits, '.', '_' or '-' (e.g. hr-timeclock)")
            .detail(new JsonObject().put("field", "client_id").put("message", "does not match the pattern"));
      }
      Instant now = api.clock().instant();
      Instant expires = time(body, "expires_at");
      if (expires != null && !expires.isAfter(now)) {
        throw ApiError.badRequest("expires_at must lie in the future").detail(new JsonObject().put("field", "expires_at")
            .put("message", "is not after now"));
      }
      Caller caller = ctx.get(Caller.CONTEXT_KEY);
      ApiKeys.create(api.pool(), client, body.getValue("note") == null ? null : text(body, "note"), caller.clientId(),
              expires, now)
          .onSuccess(key -> Responses.json(ctx, 201, key.put("status", "success")
              .put("message", "Keep the api_key now: MRAOS keeps only its hash and cannot show it again")))
          .onFailure(ctx::fail);
    });

    api.router().get(PATH).handler(Authorization.require(admins)).handler(ctx ->
        ApiKeys.list(api.pool(), api.clock().instant(), settings.keyMaxAge())
            .onSuccess(keys -> Responses.json(ctx, 200, new JsonObject().put("keys", keys)
                .put("rotation_period_days", settings.keyMaxAge().toDays())))
            .onFailure(ctx::fail));

    api.router().post(PATH + "/:key_id/expire").handler(Authorization.require(admins))
        .handler(KEY_ID.checkPathParam("key_id")).handler(ctx -> {
          JsonObject body = ctx.body().length() == 0 ? new JsonObject() : RequestBodies.jsonObject(ctx);
          Instant now = api.clock().instant();
          Instant at = time(body, "expires_at");
          String keyId = ctx.pathParam("key_id");
          ApiKeys.expire(api.pool(), keyId, at == null ? now : at, now, settings.keyMaxAge()).onSuccess(key -> {
            if (key == null) {
              ctx.fail(ApiError.notFound("No HR API key " + keyId));
            } else {
              Responses.json(ctx, 200, key);
            }
          }).onFailure(ctx::fail);
        });
  }

  private static String text(JsonObject body, String field) {
    if (!(body.getValue(field) instanceof String text) || text.isBlank() || text.length() > 500) {
      throw ApiError.badRequest(field + " must be text (1..500 characters)")
          .detail(new JsonObject().put("field", field).put("message", "must be text"));
    }
    return text.trim();
  }

  private static Instant time(JsonObject body, String field) {
    if (body.getValue(field) == null) {
      return null;
    }
    try {
      return Timestamps.parse(text(body, field));
    } catch (DateTimeException e) {
      throw ApiError.badRequest(field + " must be a date-time with an offset, e.g. 2026-01-31T18:00:00Z")
          .detail(new JsonObject().put("field", field).put("message", "is not a date-time"));
    }
  }
}
