package mraos.load;

import java.util.Locale;

/**
 * The knobs of a run, each read from a system property ({@code -Drate=2000}) or else an environment variable
 * ({@code LOAD_RATE=2000}), else its default. run.sh passes them through as system properties.
 */
final class LoadSettings {

  /** Injection profile: {@code constant} (rate for duration), {@code ramp} (linear from..to), {@code stairs}. */
  final String mode = text("mode", "constant");
  /** Arrivals per second in constant mode. */
  final double rate = number("rate", 500);
  /** Seconds of the constant rate (or of the ramp). */
  final int duration = (int) number("duration", 60);
  /** Ramp mode: arrivals per second at the start and at the end. */
  final double rampFrom = number("rampFrom", 100);
  final double rampTo = number("rampTo", 3000);
  /** Stairs mode: start rate, increment per level, number of levels and seconds per level. */
  final double stairsStart = number("stairsStart", 250);
  final double stairsStep = number("stairsStep", 250);
  final int stairsLevels = (int) number("stairsLevels", 10);
  final int stairsLevelSeconds = (int) number("stairsLevelSeconds", 20);
  /**
   * Seconds of warm-up at a low rate before the measured profile (JIT of the server and of Gatling, connection pools);
   * 0 for none. It ends with a ramp (warmupRamp seconds) to the measured profile's first rate. Its requests are reported
   * apart (request name "warm-up") and left out of the figures.
   */
  final int warmup = (int) number("warmup", 10);
  final double warmupRate = number("warmupRate", 100);
  /** Seconds of the warm-up's closing ramp from warmupRate to the measured profile's first rate. */
  final int warmupRamp = (int) number("warmupRamp", 10);
  /** When set: the run fails unless p95 is below this many ms and no request failed. */
  final double maxP95 = number("maxP95", -1);

  private LoadSettings() {
  }

  static LoadSettings read() {
    return new LoadSettings();
  }

  static String text(String name, String fallback) {
    String value = System.getProperty(name);
    if (value == null || value.isBlank()) {
      value = System.getenv("LOAD_" + name.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT));
    }
    return value == null || value.isBlank() ? fallback : value.trim();
  }

  static double number(String name, double fallback) {
    String value = text(name, null);
    return value == null ? fallback : Double.parseDouble(value);
  }

  /** The arrival rate the measured profile starts with. */
  double firstRate() {
    return switch (mode) {
      case "ramp" -> rampFrom;
      case "stairs" -> stairsStart;
      default -> rate;
    };
  }

  String describe() {
    return switch (mode) {
      case "constant" -> String.format(Locale.ROOT, "constant %.0f/s for %d s", rate, duration);
      case "ramp" -> String.format(Locale.ROOT, "ramp %.0f/s -> %.0f/s over %d s", rampFrom, rampTo, duration);
      case "stairs" -> String.format(Locale.ROOT, "stairs from %.0f/s, +%.0f/s x %d levels of %d s", stairsStart,
          stairsStep, stairsLevels, stairsLevelSeconds);
      default -> throw new IllegalArgumentException("mode must be constant, ramp or stairs (got " + mode + ")");
    } + (warmup > 0 ? String.format(Locale.ROOT, " after %d s warm-up at %.0f/s and a %d s ramp to %.0f/s", warmup,
        warmupRate, warmupRamp, firstRate()) : "");
  }
}
