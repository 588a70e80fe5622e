package mraos.events;

import io.vertx.core.json.JsonObject;
import mraos.time.Timestamps;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The spec's standard message envelope (Appendix B) around every event MRAOS publishes:
 * {@code {"version":"1.0","message_id":"msg_20251118_142345_abc123",...,"payload":{...}}}.
 */
public final class Envelope {

  public static final String VERSION = "1.0";
  public static final String SOURCE_SYSTEM = "MRAOS";
  /** Events for whoever subscribes inside the plant (the resource-allocation core, dashboards). */
  public static final String PLANT_SUBSCRIBERS = "MRAOS_CORE";

  private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss").withZone(ZoneOffset.UTC);

  private Envelope() {
  }

  public static JsonObject wrap(Instant now, String destinationSystem, String correlationId, JsonObject payload) {
    return new JsonObject()
        .put("version", VERSION)
        .put("message_id", messageId(now))
        .put("timestamp", Timestamps.format(now))
        .put("source_system", SOURCE_SYSTEM)
        .put("destination_system", destinationSystem)
        .put("correlation_id", correlationId)
        .put("payload", payload);
  }

  /**
   * {@code msg_<utc yyyyMMdd_HHmmss>_<12 random hex>}: sortable by time, unique enough to deduplicate on (48 random
   * bits: 2,000 ids in one second share one with a chance of about 1 in 100 million). Written by hand: the JDK's
   * formatter and a random UUID cost more than the rest of the envelope.
   */
  public static String messageId(Instant now) {
    LocalDateTime t = LocalDateTime.ofEpochSecond(now.getEpochSecond(), 0, ZoneOffset.UTC);
    if (t.getYear() < 1000 || t.getYear() > 9999) {
      return "msg_" + ID_TIME.format(now) + "_" + hex12(ThreadLocalRandom.current().nextLong());
    }
    StringBuilder b = new StringBuilder(32).append("msg_").append(t.getYear());
    two(b, t.getMonthValue());
    two(b, t.getDayOfMonth());
    b.append('_');
    two(b, t.getHour());
    two(b, t.getMinute());
    two(b, t.getSecond());
    return b.append('_').append(hex12(ThreadLocalRandom.current().nextLong())).toString();
  }

  private static void two(StringBuilder b, int v) {
    b.append((char) ('0' + v / 10)).append((char) ('0' + v % 10));
  }

  /** The low 48 bits as 12 lower-case hex digits. */
  private static String hex12(long random) {
    char[] digits = new char[12];
    for (int i = 11; i >= 0; i--) {
      digits[i] = Character.forDigit((int) (random & 0xF), 16);
      random >>>= 4;
    }
    return new String(digits);
  }
}
