package mraos.time;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;

/**
 * RFC 3339 timestamps read and written on the hot paths: every MES count carries one (and its deduplication key writes
 * it again), every ERP work order several (checked by its schema, then read), every event and response writes a few.
 * The common forms are handled by hand and give exactly what {@link OffsetDateTime#parse} and {@link Instant#toString()}
 * give (the JDK's formatters cost more than the rest of a count's reading, and an eighth of the node's CPU per work
 * order); anything else goes to the JDK.
 */
public final class Timestamps {

  private Timestamps() {
  }

  /**
   * As {@code OffsetDateTime.parse(text).toInstant()}: {@code yyyy-MM-ddTHH:mm:ss[.fraction](Z|±HH:MM)}.
   *
   * @throws DateTimeException if it is not an ISO-8601 date-time with offset
   */
  public static Instant parse(String text) {
    Instant fast = parseCommon(text);
    return fast != null ? fast : OffsetDateTime.parse(text).toInstant();
  }

  /** The common form, or null when the text is anything else (then the JDK decides). */
  private static Instant parseCommon(String s) {
    int len = s.length();
    if (len < 20 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T' || s.charAt(13) != ':'
        || s.charAt(16) != ':') {
      return null;
    }
    int year = digits(s, 0, 4);
    int month = digits(s, 5, 2);
    int day = digits(s, 8, 2);
    int hour = digits(s, 11, 2);
    int minute = digits(s, 14, 2);
    int second = digits(s, 17, 2);
    if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0 || minute > 59
        || second < 0 || second > 59) {
      return null;
    }
    int i = 19;
    int nanos = 0;
    if (s.charAt(i) == '.') {
      int start = ++i;
      while (i < len && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
        i++;
      }
      int n = i - start;
      if (n < 1 || n > 9) {
        return null;
      }
      nanos = digits(s, start, n);
      for (int k = n; k < 9; k++) {
        nanos *= 10;
      }
    }
    int offsetSeconds;
    if (i == len - 1 && s.charAt(i) == 'Z') {
      offsetSeconds = 0;
    } else if (i == len - 6 && (s.charAt(i) == '+' || s.charAt(i) == '-') && s.charAt(i + 3) == ':') {
      int oh = digits(s, i + 1, 2);
      int om = digits(s, i + 4, 2);
      if (oh < 0 || oh > 17 || om < 0 || om > 59) {
        return null;
      }
      offsetSeconds = (oh * 3600 + om * 60) * (s.charAt(i) == '-' ? -1 : 1);
    } else {
      return null;
    }
    LocalDate date;
    try {
      date = LocalDate.of(year, month, day);
    } catch (DateTimeException invalidDate) {
      return null; // e.g. 02-30: the JDK says why
    }
    long epochSecond = date.toEpochDay() * 86_400 + hour * 3600L + minute * 60L + second - offsetSeconds;
    return Instant.ofEpochSecond(epochSecond, nanos);
  }

  /** The decimal value of {@code n} digits from {@code from}, or -1 if one is not a digit. */
  private static int digits(String s, int from, int n) {
    int v = 0;
    for (int i = from; i < from + n; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  /** Exactly {@code instant.toString()} (ISO_INSTANT: seconds always, the fraction in groups of three digits). */
  public static String format(Instant instant) {
    long epochSecond = instant.getEpochSecond();
    long days = Math.floorDiv(epochSecond, 86_400);
    int secondOfDay = (int) Math.floorMod(epochSecond, 86_400);
    LocalDate date = LocalDate.ofEpochDay(days);
    if (date.getYear() < 1000 || date.getYear() > 9999) {
      return instant.toString();
    }
    StringBuilder b = new StringBuilder(30);
    b.append(date.getYear()).append('-');
    two(b, date.getMonthValue()).append('-');
    two(b, date.getDayOfMonth()).append('T');
    two(b, secondOfDay / 3600).append(':');
    two(b, secondOfDay / 60 % 60).append(':');
    two(b, secondOfDay % 60);
    int nano = instant.getNano();
    if (nano != 0) {
      b.append('.');
      if (nano % 1_000_000 == 0) {
        pad(b, nano / 1_000_000, 3);
      } else if (nano % 1000 == 0) {
        pad(b, nano / 1000, 6);
      } else {
        pad(b, nano, 9);
      }
    }
    return b.append('Z').toString();
  }

  private static StringBuilder two(StringBuilder b, int v) {
    return b.append((char) ('0' + v / 10)).append((char) ('0' + v % 10));
  }

  private static void pad(StringBuilder b, int v, int width) {
    String digits = Integer.toString(v);
    for (int i = digits.length(); i < width; i++) {
      b.append('0');
    }
    b.append(digits);
  }
}
