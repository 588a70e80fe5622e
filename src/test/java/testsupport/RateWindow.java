package testsupport;

import java.time.Duration;

/**
 * MRAOS counts rate limits per wall-clock minute. A test that must stay inside one window calls {@link #awaitRoom}
 * first: if the current minute ends too soon, it sleeps until the next one begins.
 */
public final class RateWindow {

  private static final long MINUTE_MS = 60_000;

  private RateWindow() {
  }

  /** Milliseconds left in the current wall-clock minute. */
  public static long millisLeft() {
    return MINUTE_MS - System.currentTimeMillis() % MINUTE_MS;
  }

  /** Returns once at least {@code needed} is left in the current minute (sleeping into the next minute if not). */
  public static void awaitRoom(Duration needed) {
    if (needed.toMillis() >= MINUTE_MS - 1_000) {
      throw new IllegalArgumentException("a minute window cannot hold " + needed);
    }
    long left = millisLeft();
    if (left < needed.toMillis()) {
      try {
        Thread.sleep(left + 50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }
}
