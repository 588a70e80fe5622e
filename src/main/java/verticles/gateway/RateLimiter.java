package verticles.gateway;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.AsyncMap;

import java.time.Clock;

/**
 * N requests per minute per client, counted cluster-wide (Vert.x shared data: Hazelcast when clustered), such that no
 * 60-second span ever holds more than N accepted requests, whatever the clock minute.
 * <p>
 * Each client has one shared map entry: its accepted requests counted per second ({@link SecondCounts}). A request is
 * accepted when the seconds that overlap the last 60 s hold fewer than N; counting whole seconds (up to 61 of them)
 * errs on the safe side by at most one second, and keeps the entry small however high N is (an exact log of accept
 * times would grow with N). The entry is changed by compare-and-swap, so concurrent requests on any node cannot slip
 * past: the loser of a race reads again. A refusal changes nothing; its Retry-After is when enough seconds have aged
 * out for the next request to be accepted.
 */
final class RateLimiter {

  static final String COUNTS = "mraos.rate-limit.seconds";

  record Decision(boolean allowed, int limit, long remaining, long retryAfterSeconds) {
  }

  private final Vertx vertx;
  private final Clock clock;
  private final int perMinute;
  /** Put before the client id in the shared map: an endpoint with a limit of its own counts apart. */
  private final String scope;
  private AsyncMap<String, String> counts;

  RateLimiter(Vertx vertx, Clock clock, int perMinute) {
    this(vertx, clock, perMinute, "");
  }

  RateLimiter(Vertx vertx, Clock clock, int perMinute, String scope) {
    this.vertx = vertx;
    this.clock = clock;
    this.perMinute = perMinute;
    this.scope = scope;
  }

  Future<Decision> acquire(String clientId) {
    return counts().compose(map -> attempt(map, scope + clientId));
  }

  private Future<Decision> attempt(AsyncMap<String, String> map, String clientId) {
    return map.get(clientId).compose(stored -> {
      long now = clock.millis();
      SecondCounts seen = SecondCounts.parse(stored).recent(now);
      long used = seen.total();
      if (used >= perMinute) {
        long retryAfterMs = seen.millisUntilBelow(perMinute, now);
        return Future.succeededFuture(new Decision(false, perMinute, 0, Math.max(1, (retryAfterMs + 999) / 1000)));
      }
      String next = seen.plusOne(now).encode();
      Future<Boolean> swapped = stored == null ? map.putIfAbsent(clientId, next).map(previous -> previous == null)
          : map.replaceIfPresent(clientId, stored, next);
      return swapped.compose(won -> won
          ? Future.succeededFuture(new Decision(true, perMinute, perMinute - used - 1, 0))
          : attempt(map, clientId)); // another request changed the entry meanwhile: decide again on what it holds now
    });
  }

  private Future<AsyncMap<String, String>> counts() {
    if (counts != null) {
      return Future.succeededFuture(counts);
    }
    return vertx.sharedData().<String, String>getAsyncMap(COUNTS).onSuccess(map -> counts = map);
  }
}
