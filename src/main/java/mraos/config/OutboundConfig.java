package mraos.config;

import java.time.Duration;
import java.util.List;

/** The retry schedule by error class (spec §7.1), the breakers, the queue and its claims, and the connections. */
public record OutboundConfig(int unauthorizedRetries, Duration rateLimitedInitial, Duration rateLimitedMax,
                             int rateLimitedRetries, List<Duration> notFound, List<Duration> serverError,
                             List<Duration> timeout, List<Duration> networkError, int breakerMaxFailures,
                             Duration breakerResetTimeout, Duration tokenRefreshBeforeExpiry, int maxInFlight,
                             Duration pollInterval, Duration claimLeaseMargin, Duration connectTimeout) {
  static OutboundConfig from(Settings s) {
    Settings retry = s.section("retry");
    return new OutboundConfig(retry.integer("unauthorized-retries", 0, 10), retry.duration("rate-limited-initial"),
        retry.duration("rate-limited-max"), retry.integer("rate-limited-retries", 0, 100), retry.durations("not-found"),
        retry.durations("server-error"), retry.durations("timeout"), retry.durations("network-error"),
        s.integer("breaker-max-failures", 1, 1000), s.duration("breaker-reset-timeout"),
        s.duration("token-refresh-before-expiry"), s.integer("max-in-flight", 1, 1000), s.duration("poll-interval"),
        s.duration("claim-lease-margin", Duration.ZERO, Duration.ofHours(1)),
        s.duration("connect-timeout", Duration.ofMillis(100), Duration.ofMinutes(5)));
  }
}
