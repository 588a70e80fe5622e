package mraos.events;

import io.vertx.core.json.JsonObject;
import mraos.time.Timestamps;

import java.time.Instant;
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
   * bits: 2,000 ids in one second share one with a chance of about 1 in 100 million). The random part comes from the
   * thread's own generator, not from a UUID's shared {@code SecureRandom}.
   */
  public static String messageId(Instant now) {
    long random = ThreadLocalRandom.current().nextLong() & 0xFFFF_FFFF_FFFFL;
    return "msg_" + ID_TIME.format(now) + "_" + Long.toHexString(random | 1L << 48).substring(1);
  }
}
