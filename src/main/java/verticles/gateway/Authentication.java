package verticles.gateway;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import mraos.http.ApiError;
import mraos.http.ErrorCode;
import mraos.security.Caller;
import mraos.security.TokenVerifier;

/**
 * Requires a valid OAuth 2.0 bearer token on every API call; the verified {@link Caller} goes into the context. An
 * endpoint whose area authenticates its callers itself ({@link Gates}, e.g. HR's X-API-Key) is left to that area.
 */
final class Authentication implements Handler<RoutingContext> {

  private final TokenVerifier tokens;
  private final Gates gates;

  Authentication(TokenVerifier tokens, Gates gates) {
    this.tokens = tokens;
    this.gates = gates;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Handler<RoutingContext> own = gates.authentication(ctx.normalizedPath());
    if (own != null) {
      own.handle(ctx);
      return;
    }
    String header = ctx.request().getHeader("Authorization");
    String queryToken = ctx.queryParams().get("access_token");
    if (header == null && queryToken != null && isWebSocketUpgrade(ctx)) {
      header = "Bearer " + queryToken; // RFC 6750 §2.3: browsers cannot set headers on a WebSocket handshake
    }
    if (header == null || header.length() <= 7 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      ctx.fail(ApiError.of(401, ErrorCode.INT_001, header == null ? "A bearer token is required (Authorization: Bearer <token>)"
              : "The Authorization header must carry a bearer token")
          .header("WWW-Authenticate", "Bearer realm=\"mraos\""));
      return;
    }
    tokens.verify(header.substring(7).trim()).onComplete(ar -> {
      if (ar.succeeded()) {
        ctx.put(Caller.CONTEXT_KEY, ar.result());
        ctx.next();
      } else {
        ctx.fail(ar.cause());
      }
    });
  }

  static boolean isWebSocketUpgrade(RoutingContext ctx) {
    String upgrade = ctx.request().getHeader("Upgrade");
    return upgrade != null && upgrade.equalsIgnoreCase("websocket");
  }
}
