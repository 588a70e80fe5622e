package mraos.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Typed, validated reads from one section of the configuration; errors name the full key. */
public final class Settings {

  private final JsonObject section;
  private final String path;

  public Settings(JsonObject section, String path) {
    this.section = Objects.requireNonNull(section, path);
    this.path = path;
  }

  public static Settings of(JsonObject root) {
    return new Settings(root, "");
  }

  public Settings section(String key) {
    Object value = section.getValue(key);
    if (!(value instanceof JsonObject child)) {
      throw invalid(key, "a section");
    }
    return new Settings(child, name(key));
  }

  public JsonObject json() {
    return section;
  }

  public String string(String key) {
    Object value = section.getValue(key);
    if (value == null) {
      return "";
    }
    if (value instanceof String || value instanceof Number || value instanceof Boolean) {
      return value.toString();
    }
    throw invalid(key, "text");
  }

  public int integer(String key, int min, int max) {
    Object value = section.getValue(key);
    if (!(value instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
      throw invalid(key, "a whole number");
    }
    long v = n.longValue();
    if (v < min || v > max) {
      throw new IllegalArgumentException("Configuration " + name(key) + "=" + v + " must lie between " + min + " and " + max);
    }
    return (int) v;
  }

  public boolean bool(String key) {
    Object value = section.getValue(key);
    if (!(value instanceof Boolean b)) {
      throw invalid(key, "true or false");
    }
    return b;
  }

  /** "250ms", "30s", "5m", "1h", "2d", or a number of milliseconds. */
  public Duration duration(String key) {
    return parseDuration(section.getValue(key), name(key));
  }

  /** A duration that must lie between {@code min} and {@code max} (both included). */
  public Duration duration(String key, Duration min, Duration max) {
    Duration d = duration(key);
    if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
      throw new IllegalArgumentException("Configuration " + name(key) + "=" + text(d) + " must lie between " + text(min)
          + " and " + text(max));
    }
    return d;
  }

  public List<Duration> durations(String key) {
    Object value = section.getValue(key);
    if (!(value instanceof JsonArray array)) {
      throw invalid(key, "a list of durations such as [5m, 15m, 30m]");
    }
    return array.stream().map(v -> parseDuration(v, name(key))).toList();
  }

  /** A size: "256KB", "16MB", "1GB" (binary: KB = 1024 bytes), "512B", or a number of bytes; between {@code min} and
   * {@code max} bytes (both included). */
  public long bytes(String key, long min, long max) {
    long n = parseBytes(section.getValue(key), name(key));
    if (n < min || n > max) {
      throw new IllegalArgumentException("Configuration " + name(key) + "=" + section.getValue(key) + " must lie between "
          + min + " and " + max + " bytes");
    }
    return n;
  }

  private static final Pattern BYTES = Pattern.compile("(\\d+)\\s*(B|KB|MB|GB)?", Pattern.CASE_INSENSITIVE);

  static long parseBytes(Object value, String key) {
    if (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()) && n.longValue() >= 0) {
      return n.longValue();
    }
    Matcher m = value instanceof String text ? BYTES.matcher(text.trim()) : null;
    if (m == null || !m.matches()) {
      throw new IllegalArgumentException("Configuration " + key + " must be a size such as 512B, 256KB, 16MB or a number of"
          + " bytes (found " + value + ")");
    }
    long amount = Long.parseLong(m.group(1));
    int shift = switch (m.group(2) == null ? "B" : m.group(2).toUpperCase(java.util.Locale.ROOT)) {
      case "KB" -> 10;
      case "MB" -> 20;
      case "GB" -> 30;
      default -> 0;
    };
    if (amount > (Long.MAX_VALUE >> shift)) {
      throw new IllegalArgumentException("Configuration " + key + "=" + value + " is too large");
    }
    return amount << shift;
  }

  /** A secret: the value itself, or when {@code <key>-file} names a file, that file's content (trimmed). */
  public String secret(String key) {
    String file = section.containsKey(key + "-file") ? string(key + "-file").trim() : "";
    if (file.isEmpty()) {
      return string(key);
    }
    try {
      return Files.readString(Path.of(file)).trim();
    } catch (IOException e) {
      throw new IllegalArgumentException("Configuration " + name(key + "-file") + " names " + file + ", which cannot be read: "
          + e.getMessage(), e);
    }
  }

  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)?");

  static Duration parseDuration(Object value, String key) {
    if (value instanceof Number n) {
      return Duration.ofMillis(n.longValue());
    }
    Matcher m = value == null ? null : DURATION.matcher(value.toString().trim());
    if (m == null || !m.matches()) {
      throw new IllegalArgumentException("Configuration " + key + " must be a duration such as 500ms, 30s, 5m or 1h (found "
          + value + ")");
    }
    long amount = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "ms" : m.group(2);
    return switch (unit) {
      case "ms" -> Duration.ofMillis(amount);
      case "s" -> Duration.ofSeconds(amount);
      case "m" -> Duration.ofMinutes(amount);
      case "h" -> Duration.ofHours(amount);
      default -> Duration.ofDays(amount);
    };
  }

  /** A duration as the configuration writes it: 250ms, 30s, 5m, 1h, 2d (the largest unit that divides it). */
  static String text(Duration d) {
    long ms = d.toMillis();
    if (ms == 0 || ms % 1000 != 0) {
      return ms + "ms";
    }
    long s = ms / 1000;
    return s % 86_400 == 0 ? s / 86_400 + "d" : s % 3600 == 0 ? s / 3600 + "h" : s % 60 == 0 ? s / 60 + "m" : s + "s";
  }

  public List<String> strings(String key) {
    Object value = section.getValue(key);
    if (value instanceof JsonArray array) {
      return array.stream().map(String::valueOf).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
    if (value instanceof String text) {
      return List.of(text.split("[,\\s]+")).stream().filter(s -> !s.isEmpty()).toList();
    }
    throw invalid(key, "a list");
  }

  private String name(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  private IllegalArgumentException invalid(String key, String expected) {
    return new IllegalArgumentException("Configuration " + name(key) + " must be " + expected + " (found "
        + section.getValue(key) + "); set it in conf/mraos.yaml or " + ConfigLoader.envName(name(key)));
  }
}
