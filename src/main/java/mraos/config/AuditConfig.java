package mraos.config;

import java.time.Duration;

/** How audit rows are batched and how much of a payload each keeps. */
public record AuditConfig(int batchSize, Duration flushInterval, int maxPayloadChars) {
  static AuditConfig from(Settings s) {
    return new AuditConfig(s.integer("batch-size", 1, 10_000),
        s.duration("flush-interval", Duration.ofMillis(1), Duration.ofMinutes(1)),
        s.integer("max-payload-chars", 256, 10_000_000));
  }
}
