package mraos.config;

import java.time.Duration;

/** {@code progressInterval} zero: a progress event per work order with every batch. */
public record LinesConfig(Duration batchWindow, int batchSize, int bufferLimit, Duration retryDelay, Duration maxMessageAge,
                          Duration progressInterval, int countStatementsInFlight, Duration drainTimeout,
                          Duration deadLetterRetryTimeout) {
  static LinesConfig from(Settings s) {
    return new LinesConfig(s.duration("batch-window"), s.integer("batch-size", 1, 100_000),
        s.integer("buffer-limit", 1, 1_000_000), s.duration("retry-delay"), s.duration("max-message-age"),
        s.duration("progress-interval"), s.integer("count-statements-in-flight", 1, 64), s.duration("drain-timeout"),
        s.duration("dead-letter-retry-timeout", Duration.ofSeconds(1), Duration.ofHours(1)));
  }
}
