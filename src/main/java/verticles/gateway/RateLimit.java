package verticles.gateway;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import mraos.http.ApiError;
import mraos.http.ErrorCode;
import mraos.security.Caller;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * 429 with Retry-After (INT-002) once a client has used its requests of the last 60 s (the endpoint's own limit where it
 * has one, {@link Gates}); headers tell what is left.
 */
final class RateLimit implements Handler<RoutingContext> {

  private static final Logger LOG = LoggerFactory.getLogger(RateLimit.class);

  private final RateLimiter limiter;
  private final Gates gates;

  RateLimit(RateLimiter limiter, Gates gates) {
    this.limiter = limiter;
    this.gates = gates;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Caller caller = ctx.get(Caller.CONTEXT_KEY);
    RateLimiter own = gates.limiter(ctx.normalizedPath());
    (own != null ? own : limiter).acquire(caller.clientId()).onComplete(ar -> {
      if (ar.failed()) {
        // the counters live in the cluster; if they cannot be reached, serving the plant beats refusing it
        LOG.warn("Rate limit not checked for {}: {}", caller.clientId(), ar.cause().getMessage());
        ctx.next();
        return;
      }
      RateLimiter.Decision decision = ar.result();
      ctx.response().putHeader("X-RateLimit-Limit", String.valueOf(decision.limit()))
          .putHeader("X-RateLimit-Remaining", String.valueOf(decision.remaining()));
      if (decision.allowed()) {
        ctx.next();
      } else {
        ctx.fail(ApiError.of(429, ErrorCode.INT_002, "Rate limit of " + decision.limit() + " requests per minute exceeded for client '"
                + caller.clientId() + "'; retry in " + decision.retryAfterSeconds() + " s")
            .header("Retry-After", String.valueOf(decision.retryAfterSeconds())));
      }
    });
  }
}
