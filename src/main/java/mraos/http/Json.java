package mraos.http;

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
    return instant == null ? null : instant.toString();
  }

  public static Instant instant(OffsetDateTime time) {
    return time == null ? null : time.toInstant();
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
