package mraos.config;

/** How audit rows are batched and how much of a payload each keeps. */
public record AuditConfig(int batchSize, int flushIntervalMs, int maxPayloadChars) {
  static AuditConfig from(Settings s) {
    return new AuditConfig(s.integer("batch-size", 1, 10_000), s.integer("flush-interval-ms", 1, 60_000),
        s.integer("max-payload-chars", 256, 10_000_000));
  }
}
