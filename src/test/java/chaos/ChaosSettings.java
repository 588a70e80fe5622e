package chaos;

import io.vertx.core.json.JsonArray;

import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * How hard and how long the chaos suite pushes: the short version CI runs, or the full one ({@code -Dchaos.full=true}).
 *
 * <ul>
 *   <li>{@code chaos.rate}: counts per second the driver sends in all (default 400);</li>
 *   <li>{@code chaos.outage}: how long PostgreSQL and Kafka stay away (short 15 s, full 60 s);</li>
 *   <li>{@code chaos.erp-outage}: how long ERP stays down (short 20 s, full 10 minutes). The short version compresses
 *       the outbound retry schedule and the breaker's reset timeout with it (network errors retried after 0 s and 1 s;
 *       the breaker half-opens after 2 s), so that in 20 s the same things happen as in 10 minutes of the shipped
 *       schedule (0 s, 1 min, 5 min; 60 s): retries by class, the breaker opening and half-opening, completions
 *       whose attempts run out becoming dead letters;</li>
 *   <li>{@code chaos.takeover-limit}: the longest accepted time from a node's kill to the first commit of each line it
 *       ran (default 10 s: the goal is 5 s, and a loaded CI machine must not fail the suite for a second over it; the
 *       report gives the figure).</li>
 * </ul>
 */
record ChaosSettings(boolean full, int rate, Duration outage, Duration erpOutage, Duration takeoverLimit) {

  static ChaosSettings fromSystemProperties() {
    boolean full = Boolean.getBoolean("chaos.full");
    return new ChaosSettings(full, Integer.getInteger("chaos.rate", 400),
        duration("chaos.outage", full ? "60s" : "15s"), duration("chaos.erp-outage", full ? "10m" : "20s"),
        duration("chaos.takeover-limit", "10s"));
  }

  private static Duration duration(String property, String fallback) {
    String text = System.getProperty(property, fallback).trim().toLowerCase(Locale.ROOT);
    long amount = Long.parseLong(text.replaceAll("[a-z]+$", ""));
    return switch (text.replaceAll("^[0-9]+", "")) {
      case "ms" -> Duration.ofMillis(amount);
      case "s" -> Duration.ofSeconds(amount);
      case "m" -> Duration.ofMinutes(amount);
      default -> throw new IllegalArgumentException(property + ": a duration such as 500ms, 15s or 10m, not " + text);
    };
  }

  /** What the nodes run with beyond the shipped defaults. */
  Map<String, Object> nodeSettings() {
    Map<String, Object> settings = new HashMap<>();
    if (!full) {
      settings.put("outbound.retry.network-error", new JsonArray().add("0s").add("1s"));
      settings.put("outbound.retry.server-error", new JsonArray().add("1s").add("2s").add("3s"));
      settings.put("outbound.retry.timeout", new JsonArray().add("1s").add("2s"));
      settings.put("outbound.breaker-reset-timeout", "2s");
    }
    return settings;
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "%s version: %d counts/s, PostgreSQL and Kafka away %d s, ERP down %d s%s",
        full ? "full" : "short", rate, outage.toSeconds(), erpOutage.toSeconds(),
        full ? ", shipped retry schedule" : ", retry schedule compressed (network errors retried after 0 and 1 s, breaker reset 2 s)");
  }
}
