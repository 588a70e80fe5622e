package mraos.config;

import java.time.Duration;

/**
 * The API's listener: where it binds, how many gateway instances, how large a body, how many requests at once, how
 * long a readiness check may take, and the Retry-After of its 503s.
 */
public record HttpConfig(String host, int port, int instances, int maxBodyBytes, int maxInFlight,
                         Duration overCapacityRetryAfter, Duration unavailableRetryAfter, Duration healthCheckTimeout) {
  static HttpConfig from(Settings s) {
    int instances = s.integer("instances", 0, 256);
    return new HttpConfig(s.string("host"), s.integer("port", 0, 65535),
        instances == 0 ? Runtime.getRuntime().availableProcessors() : instances,
        s.integer("max-body-bytes", 1024, 256 * 1024 * 1024), s.integer("max-in-flight", 0, 1_000_000),
        s.duration("over-capacity-retry-after", Duration.ofSeconds(1), Duration.ofHours(1)),
        s.duration("unavailable-retry-after", Duration.ofSeconds(1), Duration.ofHours(1)),
        s.duration("health-check-timeout", Duration.ofMillis(100), Duration.ofMinutes(1)));
  }
}
