package verticles.hr;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import mraos.http.ApiError;
import mraos.http.ErrorCode;
import mraos.security.Caller;

import java.time.Clock;
import java.util.Set;

/**
 * Authenticates HR's time clock by its {@code X-API-Key} header (spec §5.3) instead of a bearer token: a valid key
 * puts its client in the context as the caller; a missing, unknown or expired key is refused with 401 {@code INT-001}.
 */
final class ApiKeyAuthentication implements Handler<RoutingContext> {

  static final String HEADER = "X-API-Key";
  /** Routing-context key of the key id that let the request in. */
  static final String KEY_ID = "mraos.hr.api-key-id";

  private final Pool pool;
  private final Clock clock;

  ApiKeyAuthentication(Pool pool, Clock clock) {
    this.pool = pool;
    this.clock = clock;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String key = ctx.request().getHeader(HEADER);
    if (key == null || key.isBlank()) {
      ctx.fail(refused("An X-API-Key header is required"));
      return;
    }
    ApiKeys.check(pool, key.trim(), clock.instant()).onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
      } else if (ar.result().holder() == null) {
        ctx.fail(refused(ar.result().refusal()));
      } else {
        ctx.put(Caller.CONTEXT_KEY, new Caller(ar.result().holder().clientId(), Set.of()));
        ctx.put(KEY_ID, ar.result().holder().keyId());
        ctx.next();
      }
    });
  }

  private static ApiError refused(String message) {
    return ApiError.of(401, ErrorCode.INT_001, message).header("WWW-Authenticate", "ApiKey header=\"" + HEADER + "\"");
  }
}
