package mraos.http;

import mraos.time.Timestamps;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;

/** Small conversions between database values and JSON that every area needs. */
public final class Json {

  private Json() {
  }

  /** 400.000 becomes 400, 12.50 becomes 12.5: quantities read back as the plant wrote them. */
  public static Number number(BigDecimal value) {
    if (value == null) {
      return null;
    }
    BigDecimal stripped = value.stripTrailingZeros();
    if (stripped.scale() <= 0 && stripped.abs().compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) < 0) {
      return stripped.longValueExact();
    }
    return stripped.doubleValue();
  }

  /** Human wording of a quantity ("150", "2.5"). */
  public static String plain(BigDecimal value) {
    return value.stripTrailingZeros().toPlainString();
  }

  public static String time(Instant instant) {
    return instant == null ? null : Timestamps.format(instant);
  }

  public static Instant instant(OffsetDateTime time) {
    return time == null ? null : time.toInstant();
  }

  /** PostgreSQL's text and jsonb refuse U+0000: stored copies of what callers sent carry U+FFFD in its place. */
  public static String storable(String text) {
    return text == null || text.indexOf('\u0000') < 0 ? text : text.replace('\u0000', '\ufffd');
  }

  /** An escaped U+0000 in JSON text: backslash, u0000, after an even number of backslashes (an escaped backslash is none). */
  private static final java.util.regex.Pattern ESCAPED_NUL = java.util.regex.Pattern.compile("(?<!\\\\)((?:\\\\\\\\)*)\\\\u0000");

  /**
   * The same for JSON; {@code encoded} is the JSON's text (callers usually have it already). Only the escape of U+0000
   * changes: a string holding the six characters backslash-u-0-0-0-0 (escaped in JSON as a backslash pair) is kept.
   */
  public static Object storable(Object json, String encoded) {
    if (!encoded.contains("\\u0000")) {
      return json;
    }
    java.util.regex.Matcher nul = ESCAPED_NUL.matcher(encoded);
    if (!nul.find()) {
      return json;
    }
    String clean = nul.replaceAll("$1\\\\ufffd");
    return json instanceof io.vertx.core.json.JsonArray ? new io.vertx.core.json.JsonArray(clean)
        : new io.vertx.core.json.JsonObject(clean);
  }

  public static BigDecimal decimal(Object jsonNumber) {
    if (jsonNumber == null) {
      return null;
    }
    if (jsonNumber instanceof BigDecimal d) {
      return d;
    }
    return new BigDecimal(jsonNumber.toString());
  }
}
