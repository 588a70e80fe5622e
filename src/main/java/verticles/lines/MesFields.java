package verticles.lines;

import io.vertx.core.json.JsonObject;
import mraos.time.Timestamps;

import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Instant;

/** The fields of the MES's messages read as MRAOS takes them; a field that is wrong throws with the reason. */
final class MesFields {

  private MesFields() {
  }

  static Instant timestamp(Object value) {
    if (!(value instanceof String text)) {
      throw new IllegalArgumentException("timestamp is required (ISO-8601 with offset)");
    }
    try {
      return Timestamps.parse(text);
    } catch (DateTimeException e) {
      throw new IllegalArgumentException("timestamp '" + text + "' is not an ISO-8601 date-time with offset");
    }
  }

  static String requiredText(JsonObject json, String field) {
    Object value = json.getValue(field);
    if (!(value instanceof String text) || text.isBlank()) {
      throw new IllegalArgumentException(field + " is required");
    }
    return text;
  }

  static String textOr(JsonObject json, String field, String fallback) {
    Object value = json.getValue(field);
    return value instanceof String text && !text.isBlank() ? text : fallback;
  }

  static int count(JsonObject json, String field) {
    Object value = json.getValue(field);
    if (!(value instanceof Number n) || n.doubleValue() < 0 || n.doubleValue() != Math.rint(n.doubleValue())
        || n.doubleValue() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(field + " must be a whole number of at least 0 (was " + value + ")");
    }
    return n.intValue();
  }

  static BigDecimal decimalOr(JsonObject json, String field, BigDecimal fallback) {
    Object value = json.getValue(field);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof Number n)) {
      throw new IllegalArgumentException(field + " must be a number (was " + value + ")");
    }
    return new BigDecimal(n.toString());
  }
}
