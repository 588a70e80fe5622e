package verticles.lines;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import mraos.plant.PlantModel;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The MES's MQTT messages (spec §4.2.1) as a line reads them: the topic's exact shape, the payload's size, encoding and
 * characters, then the checks of spec §4.4. Anything wrong makes a {@link MesMessage.Refused} carrying the original as
 * received ({@link MesOriginal}).
 */
final class MqttMessages {

  private MqttMessages() {
  }

  /** The MES's topics (spec §4.2.1); group 2 is the line, group 3 the machine. */
  static final Pattern TOPIC = Pattern.compile("mes/(production|quality|downtime)/([^/]+)/machine/([^/]+)/(count|inspection|event)");

  /** The last level each tree's topics end with. */
  static final Map<String, String> TOPIC_END = Map.of("production", "count", "quality", "inspection", "downtime", "event");

  /** The topic is one of the MES's exact shapes: mes/production/<line>/machine/<machine>/count, and so on. */
  static boolean mesTopic(Matcher m) {
    return m.matches() && TOPIC_END.get(m.group(1)).equals(m.group(4));
  }

  /**
   * Reads an MQTT message of the line {@code lineId}; anything wrong makes it a {@link Refused}: a payload over
   * {@code maxBytes}, a topic that is not one of the line's exact shapes, a payload that is not UTF-8 or not a JSON
   * object, a text with a control character, and the checks of spec §4.4.
   */
  static MesMessage read(String topic, Buffer payload, String lineId, Map<String, PlantModel.Machine> plant, Instant now,
                             Duration maxAge, int maxBytes) {
    MesOriginal received = new MesOriginal(topic, payload);
    Matcher m = TOPIC.matcher(topic);
    String[] levels = topic.split("/", -1);
    String type = levels.length < 2 ? MesMessage.COUNT : switch (levels[1]) {
      case "quality" -> MesMessage.INSPECTION;
      case "downtime" -> MesMessage.DOWNTIME;
      default -> MesMessage.COUNT;
    };
    if (payload.length() > maxBytes) {
      return new MesMessage.Refused(null, now, type, "Payload of " + payload.length() + " bytes is larger than the " + maxBytes
          + " bytes MRAOS applies (mqtt.max-message-size); its first " + MesOriginal.KEPT_OF_TOO_LARGE + " bytes are kept",
          received.truncated());
    }
    JsonObject original = received.toJson();
    String badTopic = MesOriginal.badCharacter(topic, "topic");
    if (badTopic != null) {
      return new MesMessage.Refused(null, now, type, "Topic refused: " + badTopic, original);
    }
    if (!mesTopic(m)) {
      return new MesMessage.Refused(null, now, type, "Topic " + MesOriginal.printable(topic) + " is not an MES topic (mes/production/"
          + lineId + "/machine/<machine>/count, mes/quality/" + lineId + "/machine/<machine>/inspection or mes/downtime/"
          + lineId + "/machine/<machine>/event)", original);
    }
    if (!m.group(2).equals(lineId)) {
      return new MesMessage.Refused(null, now, type, "Topic " + MesOriginal.printable(topic) + " is not one of line " + lineId + "'s",
          original);
    }
    String text = received.text();
    if (text == null) {
      return new MesMessage.Refused(null, now, type, "Payload is not valid UTF-8", original);
    }
    JsonObject json;
    try {
      if (!(io.vertx.core.json.Json.decodeValue(text) instanceof JsonObject object)) {
        return new MesMessage.Refused(null, now, type, "Payload is not a JSON object", original);
      }
      json = object;
    } catch (RuntimeException e) {
      return new MesMessage.Refused(null, now, type, "Payload is not JSON", original);
    }
    String bad = MesOriginal.badCharacter(json, "");
    if (bad != null) {
      return new MesMessage.Refused(null, now, type, "Payload refused: " + bad, original);
    }
    String machineId = json.getValue("machine_id") instanceof String s && !s.isBlank() ? s : m.group(3);
    if (!machineId.equals(m.group(3))) {
      return new MesMessage.Refused(machineId, now, type, "machine_id " + machineId + " does not match the topic's machine " + m.group(3),
          original);
    }
    PlantModel.Machine machine = plant.get(machineId);
    if (machine == null) {
      return new MesMessage.Refused(machineId, now, type, "Machine " + machineId + " is not known to MRAOS", original);
    }
    if (!machine.lineId().equals(lineId)) {
      return new MesMessage.Refused(machineId, now, type, "Machine " + machineId + " belongs to " + machine.lineId() + ", not " + lineId,
          original);
    }
    try {
      Instant timestamp = MesFields.timestamp(json.getValue("timestamp"));
      Duration age = Duration.between(timestamp, now).abs();
      if (age.compareTo(maxAge) > 0) {
        return new MesMessage.Refused(machineId, timestamp, type, "Timestamp " + timestamp + " is " + age.toSeconds() + " s away from now (at most "
            + maxAge.toSeconds() + " s allowed)", original);
      }
      return switch (type) {
        case MesMessage.COUNT -> new MesMessage.Count(machineId, MesFields.requiredText(json, "work_order_id"), timestamp, MesFields.count(json, "units_produced"),
            json.getValue("cumulative_units") == null ? null : MesFields.count(json, "cumulative_units"),
            MesFields.textOr(json, "quality_status", "pass"), MesFields.decimalOr(json, "cycle_time_seconds", BigDecimal.ZERO), received);
        case MesMessage.INSPECTION -> inspection(json, machineId, timestamp, received);
        default -> downtime(json, machineId, timestamp, received);
      };
    } catch (IllegalArgumentException | ClassCastException e) {
      return new MesMessage.Refused(machineId, now, type, e.getMessage(), original);
    }
  }

  private static MesMessage.Inspection inspection(JsonObject json, String machineId, Instant timestamp, MesOriginal received) {
    String result = MesFields.requiredText(json, "result");
    Boolean defect = json.getBoolean("defect_detected");
    String inspectionId = json.getString("inspection_id");
    if (inspectionId == null || inspectionId.isBlank()) {
      inspectionId = "INS-" + machineId + "-" + timestamp.toEpochMilli();
    }
    return new MesMessage.Inspection(machineId, json.getString("work_order_id"), timestamp, inspectionId,
        MesFields.textOr(json, "inspection_type", "unspecified"), result, defect != null ? defect : !"pass".equalsIgnoreCase(result),
        json.getString("defect_type"), json.getString("inspector"), received);
  }

  private static MesMessage.Downtime downtime(JsonObject json, String machineId, Instant timestamp, MesOriginal received) {
    String eventType = MesFields.requiredText(json, "event_type");
    boolean started = switch (eventType) {
      case "downtime.started" -> true;
      case "downtime.ended" -> false;
      default -> throw new IllegalArgumentException("event_type must be downtime.started or downtime.ended (was " + eventType + ")");
    };
    return new MesMessage.Downtime(machineId, timestamp, started, json.getString("downtime_reason_code"),
        json.getString("downtime_reason_description"), MesFields.textOr(json, "severity", "high"),
        json.getValue("estimated_repair_time_minutes") == null ? null : MesFields.count(json, "estimated_repair_time_minutes"),
        json.getString("work_order_affected"), received);
  }

}
