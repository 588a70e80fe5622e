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
 * has one ever-growing counter; the counter's value when a minute began (its base) is agreed once per minute in a
 * shared map entry that expires, so a request's number within its minute is {@code count - base} without a counter per
 * minute. The base is fixed before the request is counted, so a burst across nodes cannot slip past; each limiter
 * remembers the agreed base, so a request costs one cluster call once its minute is known. Used on one event loop.
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
  /** client → {minute, base} agreed for that minute. */
  private final Map<String, long[]> bases = new HashMap<>();
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
    return counter(clientId).compose(counter -> base(clientId, window, counter)
        .compose(base -> counter.incrementAndGet().map(count -> {
          long used = count - base;
          return new Decision(used <= perMinute, perMinute, Math.max(0, perMinute - used), retryAfter);
        })));
  }

  private Future<Long> base(String clientId, long window, Counter counter) {
    long[] known = bases.get(clientId);
    if (known != null && known[0] == window) {
      return Future.succeededFuture(known[1]);
    }
    return windows().compose(map -> counter.get()
        .compose(current -> map.putIfAbsent(clientId + "@" + window, current, 2 * MINUTE_MS)
            .map(previous -> previous == null ? current : previous)))
        .onSuccess(base -> bases.put(clientId, new long[] {window, base}));
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
