package mraos.outbound;

import mraos.config.OutboundConfig;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * When to try a failed call again, by error class (spec §7.1), or that it should not be tried again. Each class has
 * its own budget, counted in {@code retriesUsed} for that class.
 */
public final class RetrySchedule {

  private final OutboundConfig config;

  public RetrySchedule(OutboundConfig config) {
    this.config = config;
  }

  /**
   * @param retriesUsed retries already spent on this error class
   * @param retryAfter  the system's Retry-After, if it sent one
   * @return the delay before the next attempt, or empty when the message goes to the dead letters
   */
  public Optional<Duration> next(ErrorClass errorClass, int retriesUsed, Duration retryAfter) {
    return switch (errorClass) {
      case VALIDATION -> Optional.empty();
      // the immediate retry with a fresh token happens within the delivery; a 401 that survives it is final
      case UNAUTHORIZED -> Optional.empty();
      case RATE_LIMITED -> retriesUsed >= config.rateLimitedRetries() ? Optional.empty() : Optional.of(backoff(retriesUsed, retryAfter));
      case NOT_FOUND -> nth(config.notFound(), retriesUsed);
      case SERVER_ERROR -> nth(config.serverError(), retriesUsed);
      case TIMEOUT -> nth(config.timeout(), retriesUsed);
      case NETWORK_ERROR -> nth(config.networkError(), retriesUsed);
    };
  }

  /** Doubling from the initial delay, never shorter than the system asked for, never longer than the maximum. */
  private Duration backoff(int retriesUsed, Duration retryAfter) {
    Duration exponential = config.rateLimitedInitial().multipliedBy(1L << Math.min(retriesUsed, 20));
    Duration delay = exponential.compareTo(config.rateLimitedMax()) > 0 ? config.rateLimitedMax() : exponential;
    return retryAfter != null && retryAfter.compareTo(delay) > 0 ? retryAfter : delay;
  }

  private static Optional<Duration> nth(List<Duration> delays, int retriesUsed) {
    return retriesUsed < delays.size() ? Optional.of(delays.get(retriesUsed)) : Optional.empty();
  }
}
