package verticles.scheduler;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When a job runs, in the plant's time zone: "every 5 minutes" (slots at whole multiples of the interval since
 * midnight: :00, :05, :10 ...), "hourly at :05", "daily at 23:00", or "off".
 */
public record Schedule(Kind kind, LocalTime at, int everyMinutes) {

  public enum Kind { EVERY, HOURLY, DAILY, OFF }

  public Schedule(Kind kind, LocalTime at) {
    this(kind, at, 0);
  }

  private static final Pattern EVERY = Pattern.compile("every (\\d{1,4}) minutes?");

  private static final Pattern HOURLY = Pattern.compile("hourly at :(\\d{2})");
  private static final Pattern DAILY = Pattern.compile("daily at (\\d{2}):(\\d{2})");

  public static Schedule parse(String text) {
    String t = text.trim().toLowerCase(java.util.Locale.ROOT);
    if (t.equals("off")) {
      return new Schedule(Kind.OFF, null);
    }
    Matcher every = EVERY.matcher(t);
    if (every.matches() && Integer.parseInt(every.group(1)) >= 1 && Integer.parseInt(every.group(1)) <= 1440) {
      return new Schedule(Kind.EVERY, null, Integer.parseInt(every.group(1)));
    }
    Matcher hourly = HOURLY.matcher(t);
    if (hourly.matches() && Integer.parseInt(hourly.group(1)) < 60) {
      return new Schedule(Kind.HOURLY, LocalTime.of(0, Integer.parseInt(hourly.group(1))));
    }
    Matcher daily = DAILY.matcher(t);
    if (daily.matches() && Integer.parseInt(daily.group(1)) < 24 && Integer.parseInt(daily.group(2)) < 60) {
      return new Schedule(Kind.DAILY, LocalTime.of(Integer.parseInt(daily.group(1)), Integer.parseInt(daily.group(2))));
    }
    throw new IllegalArgumentException("Schedule '" + text + "' is not \"every N minutes\", \"hourly at :MM\", \"daily at HH:MM\""
        + " or \"off\"");
  }

  /** The most recent slot at or before {@code now}; empty when the job is off. */
  public Optional<Instant> latestSlot(Instant now, ZoneId zone) {
    ZonedDateTime local = now.atZone(zone);
    return switch (kind) {
      case OFF -> Optional.empty();
      case EVERY -> {
        ZonedDateTime midnight = local.toLocalDate().atStartOfDay(zone);
        long minutes = java.time.Duration.between(midnight, local).toMinutes();
        yield Optional.of(midnight.plusMinutes(minutes - minutes % everyMinutes).toInstant());
      }
      case HOURLY -> {
        ZonedDateTime slot = local.truncatedTo(ChronoUnit.HOURS).withMinute(at.getMinute());
        yield Optional.of((slot.isAfter(local) ? slot.minusHours(1) : slot).toInstant());
      }
      case DAILY -> {
        ZonedDateTime slot = local.toLocalDate().atTime(at).atZone(zone);
        yield Optional.of((slot.isAfter(local) ? slot.minusDays(1) : slot).toInstant());
      }
    };
  }
}
