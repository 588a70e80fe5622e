package verticles.gateway;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.core.shareddata.Counter;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * N requests per minute per client, counted cluster-wide (Vert.x shared data: Hazelcast when clustered). Each client
 * has one ever-growing counter; the counter's value when a minute began is remembered (briefly) per minute, so a
 * request's number within its minute is {@code count - base} without a counter per minute. Used on one event loop.
 */
final class RateLimiter {

  static final String WINDOWS = "mraos.rate-limit.windows";
  private static final long MINUTE_MS = 60_000;

  record Decision(boolean allowed, int limit, long remaining, long retryAfterSeconds) {
  }

  private final Vertx vertx;
  private final Clock clock;
  private final int perMinute;
  private final Map<String, Counter> counters = new HashMap<>();
  private AsyncMap<String, Long> windows;

  RateLimiter(Vertx vertx, Clock clock, int perMinute) {
    this.vertx = vertx;
    this.clock = clock;
    this.perMinute = perMinute;
  }

  Future<Decision> acquire(String clientId) {
    long now = clock.millis();
    long window = now / MINUTE_MS;
    long retryAfter = Math.max(1, ((window + 1) * MINUTE_MS - now + 999) / 1000);
    return counter(clientId).compose(Counter::incrementAndGet).compose(count -> windows().compose(map ->
        map.putIfAbsent(clientId + "@" + window, count - 1, 2 * MINUTE_MS).map(previous -> {
          long base = previous == null ? count - 1 : previous;
          long used = count - base;
          return new Decision(used <= perMinute, perMinute, Math.max(0, perMinute - used), retryAfter);
        })));
  }

  private Future<Counter> counter(String clientId) {
    Counter cached = counters.get(clientId);
    if (cached != null) {
      return Future.succeededFuture(cached);
    }
    return vertx.sharedData().getCounter("mraos.rate-limit." + clientId).onSuccess(c -> counters.put(clientId, c));
  }

  private Future<AsyncMap<String, Long>> windows() {
    if (windows != null) {
      return Future.succeededFuture(windows);
    }
    return vertx.sharedData().<String, Long>getAsyncMap(WINDOWS).onSuccess(map -> windows = map);
  }
}
