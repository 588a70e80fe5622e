package mraos.events;

import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.UUID;

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
        .put("timestamp", now.toString())
        .put("source_system", SOURCE_SYSTEM)
        .put("destination_system", destinationSystem)
        .put("correlation_id", correlationId)
        .put("payload", payload);
  }

  /** {@code msg_<utc yyyyMMdd_HHmmss>_<12 random hex>}: sortable by time, unique enough to deduplicate on. */
  public static String messageId(Instant now) {
    return "msg_" + ID_TIME.format(now) + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  }
}
