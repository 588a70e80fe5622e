package verticles.mes;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Pauses between attempts to reach an endpoint: doubling from a minimum up to a maximum, each drawn at random from
 * its upper half so that many nodes (or endpoints) do not knock on a recovering server at the same instant.
 */
final class ReconnectBackoff {

  private final long minMs;
  private final long maxMs;
  private int failures;

  ReconnectBackoff(Duration min, Duration max) {
    this.minMs = Math.max(1, min.toMillis());
    this.maxMs = Math.max(minMs, max.toMillis());
  }

  /** The pause before the next attempt; each call counts one more failure. */
  long nextDelayMs() {
    long ceiling = Math.min(maxMs, minMs << Math.min(failures, 30));
    failures++;
    long floor = Math.max(minMs, ceiling / 2);
    return floor >= ceiling ? ceiling : ThreadLocalRandom.current().nextLong(floor, ceiling + 1);
  }

  void reset() {
    failures = 0;
  }
}
