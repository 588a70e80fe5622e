package verticles.gateway;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import mraos.http.ApiContext;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The endpoints of one gateway instance that let callers in their own way ({@link ApiContext.Gate}): who
 * authenticates them, and their own rate limits. Filled while the areas mount their routes, read on the event loop.
 */
final class Gates implements ApiContext.Gate {

  private final Vertx vertx;
  private final Clock clock;
  private final Map<String, Handler<RoutingContext>> authentications = new HashMap<>();
  private final Map<String, RateLimiter> limiters = new HashMap<>();

  Gates(Vertx vertx, Clock clock) {
    this.vertx = Objects.requireNonNull(vertx);
    this.clock = Objects.requireNonNull(clock);
  }

  @Override
  public void authenticatedBy(String path, Handler<RoutingContext> authentication) {
    authentications.put(Objects.requireNonNull(path), Objects.requireNonNull(authentication));
  }

  @Override
  public void rateLimit(String path, int requestsPerMinute) {
    // counted apart from the node's limit: a client's requests here do not use up its requests elsewhere
    limiters.put(Objects.requireNonNull(path), new RateLimiter(vertx, clock, requestsPerMinute, path + " "));
  }

  /** The endpoint's own authentication, or null: a bearer token. */
  Handler<RoutingContext> authentication(String path) {
    return authentications.get(path);
  }

  /** The endpoint's own rate limit, or null: the node's. */
  RateLimiter limiter(String path) {
    return limiters.get(path);
  }
}
