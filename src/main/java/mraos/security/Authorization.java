package mraos.security;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import mraos.http.ApiError;
import mraos.http.ErrorCode;

/** Route handlers that let a verified caller through only if a {@link ClientRule} allows it (403 otherwise). */
public final class Authorization {

  private Authorization() {
  }

  public static Handler<RoutingContext> require(ClientRule rule) {
    return ctx -> {
      Caller caller = ctx.get(Caller.CONTEXT_KEY);
      if (caller == null) {
        ctx.fail(ApiError.of(401, ErrorCode.INT_001, "Authentication required"));
      } else if (rule.allows(caller)) {
        ctx.next();
      } else {
        ctx.fail(ApiError.of(403, ErrorCode.INT_001, "Client '" + caller.clientId() + "' may not " + rule.action()));
      }
    };
  }
}
