package mraos.load.mqtt;

import io.vertx.core.json.JsonObject;

/**
 * Latencies in microseconds, log-linear buckets (exact below 128 µs, then 64 sub-buckets per power of two: within
 * 1.6 %). Not thread-safe: one per event loop, {@link #add(Histogram)} to merge.
 */
final class Histogram {

  private static final int SUB = 64;
  private final long[] counts = new long[128 + 48 * SUB];
  private long total;
  private long max;

  void record(long micros) {
    long v = Math.max(0, micros);
    counts[index(v)]++;
    total++;
    max = Math.max(max, v);
  }

  void add(Histogram other) {
    for (int i = 0; i < counts.length; i++) {
      counts[i] += other.counts[i];
    }
    total += other.total;
    max = Math.max(max, other.max);
  }

  long count() {
    return total;
  }

  /** The value at or below which {@code q} of the recordings fall (upper edge of its bucket, never above the max). */
  long percentile(double q) {
    if (total == 0) {
      return 0;
    }
    long rank = (long) Math.ceil(q * total);
    long seen = 0;
    for (int i = 0; i < counts.length; i++) {
      seen += counts[i];
      if (seen >= Math.max(1, rank)) {
        return Math.min(max, upper(i));
      }
    }
    return max;
  }

  long max() {
    return max;
  }

  /** p50, p95, p99, p99.9 and max, in milliseconds. */
  JsonObject millis() {
    return new JsonObject().put("count", total).put("p50", ms(percentile(0.50))).put("p95", ms(percentile(0.95)))
        .put("p99", ms(percentile(0.99))).put("p999", ms(percentile(0.999))).put("max", ms(max));
  }

  static double ms(long micros) {
    return Math.round(micros / 10.0) / 100.0;
  }

  private static int index(long v) {
    if (v < 128) {
      return (int) v;
    }
    int exp = 63 - Long.numberOfLeadingZeros(v); // >= 7
    int shift = exp - 6;
    int sub = (int) (v >>> shift); // 64..127
    return Math.min(128 + (shift - 1) * SUB + (sub - SUB), 128 + 48 * SUB - 1);
  }

  private static long upper(int index) {
    if (index < 128) {
      return index;
    }
    int k = index - 128;
    int shift = k / SUB + 1;
    long sub = k % SUB + SUB;
    return ((sub + 1) << shift) - 1;
  }
}
