package mraos.http;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.time.Duration;

/** Every JSON answer goes out through here, so the audit trail sees exactly what the caller got. */
public final class Responses {

  /** Routing-context key holding the body that was sent. */
  public static final String BODY_KEY = "mraos.response-body";
  /** Routing-context key holding the same body as the JSON text that was sent (so the audit does not encode it again). */
  public static final String TEXT_KEY = "mraos.response-text";

  private Responses() {
  }

  public static Future<Void> json(RoutingContext ctx, int status, JsonObject body) {
    String text = body.encode();
    ctx.put(BODY_KEY, body);
    ctx.put(TEXT_KEY, text);
    return ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .end(text);
  }

  /** A Retry-After header's value: whole seconds, rounded up (a caller asked to wait 1.5 s waits 2). */
  public static String retryAfter(Duration wait) {
    return String.valueOf((wait.toMillis() + 999) / 1000);
  }
}
