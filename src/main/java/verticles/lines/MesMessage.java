package verticles.lines;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import mraos.plant.PlantModel;
import mraos.time.Timestamps;

import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the MES tells a line: a production count, a quality inspection, a downtime event (MQTT, spec §4.2.1) or a
 * machine's status (OPC UA), read and checked (spec §4.4: known machine, timestamp within the allowed age, defaults for
 * missing optional fields, the MES's status names mapped as §4.3 says). A message that fails a check is a
 * {@link Refused}: it becomes a dead letter carrying the original.
 */
public sealed interface MesMessage {

  String machineId();

  Instant timestamp();

  /** The same message delivered again (MQTT QoS 1) has the same key. */
  String dedupKey();

  /** The integration type its dead letter, and its retry, go by. */
  default String integrationType() {
    if (this instanceof Count) {
      return COUNT;
    }
    if (this instanceof Inspection) {
      return INSPECTION;
    }
    return this instanceof Downtime ? DOWNTIME : STATUS;
  }

  record Count(String machineId, String workOrderId, Instant timestamp, int unitsProduced, Integer cumulativeUnits,
               String qualityStatus, BigDecimal cycleTimeSeconds) implements MesMessage {
    public String dedupKey() {
      return "count|" + machineId + "|" + workOrderId + "|" + Timestamps.format(timestamp) + "|" + cumulativeUnits + "|"
          + unitsProduced;
    }
  }

  record Inspection(String machineId, String workOrderId, Instant timestamp, String inspectionId, String inspectionType,
                    String result, boolean defectDetected, String defectType, String inspector) implements MesMessage {
    public String dedupKey() {
      return inspectionId;
    }
  }

  record Downtime(String machineId, Instant timestamp, boolean started, String reasonCode, String reasonDescription,
                  String severity, Integer estimatedRepairMinutes, String workOrderAffected) implements MesMessage {
    public String dedupKey() {
      return "downtime|" + machineId + "|" + (started ? "started" : "ended") + "|" + timestamp;
    }
  }

  /** A machine's full status snapshot (OPC UA). {@code status} is MRAOS's name, {@code mesStatus} the MES's. */
  record MachineStatus(String machineId, Instant timestamp, String status, String mesStatus, BigDecimal utilization,
                       BigDecimal oee, String currentWorkOrderId, Integer unitsThisCycle, BigDecimal cycleTimeSeconds,
                       Integer downtimeSeconds, String endpoint) implements MesMessage {
    public String dedupKey() {
      return "status|" + machineId + "|" + status + "|" + timestamp;
    }
  }

  /** Not applicable: why, what kind of message it was, and the original (topic and payload). */
  record Refused(String machineId, Instant timestamp, String integrationType, String reason, JsonObject original)
      implements MesMessage {
    public String dedupKey() {
      return null;
    }
  }

  String COUNT = "mes_production_count";
  String INSPECTION = "mes_quality_inspection";
  String DOWNTIME = "mes_downtime_event";
  String STATUS = "mes_machine_status";

  Pattern TOPIC = Pattern.compile("mes/(production|quality|downtime)/([^/]+)/machine/([^/]+)/(count|inspection|event)");

  /** The plant's machines by id, for the checks below (one lookup per message, not a walk through the plant). */
  static Map<String, PlantModel.Machine> machinesById(PlantModel plant) {
    Map<String, PlantModel.Machine> byId = new HashMap<>();
    plant.machines().forEach(m -> byId.put(m.id(), m));
    return Map.copyOf(byId);
  }

  /** Reads an MQTT message of the line {@code lineId}; anything wrong makes it a {@link Refused}. */
  static MesMessage fromMqtt(String topic, Buffer payload, String lineId, Map<String, PlantModel.Machine> plant, Instant now,
                             Duration maxAge) {
    Matcher m = TOPIC.matcher(topic);
    String type = m.matches() ? switch (m.group(1)) {
      case "production" -> COUNT;
      case "quality" -> INSPECTION;
      default -> DOWNTIME;
    } : COUNT;
    JsonObject original = new JsonObject().put("topic", topic);
    JsonObject json;
    try {
      Object value = payload.toJsonValue();
      if (!(value instanceof JsonObject object)) {
        return new Refused(null, now, type, "Payload is not a JSON object", original.put("payload", payload.toString()));
      }
      json = object;
    } catch (RuntimeException e) {
      return new Refused(null, now, type, "Payload is not JSON", original.put("payload", payload.toString()));
    }
    original.put("payload", json);
    if (!m.matches() || !m.group(2).equals(lineId)) {
      return new Refused(null, now, type, "Topic " + topic + " is not one of line " + lineId + "'s", original);
    }
    String machineId = json.getValue("machine_id") instanceof String s && !s.isBlank() ? s : m.group(3);
    if (!machineId.equals(m.group(3))) {
      return new Refused(machineId, now, type, "machine_id " + machineId + " does not match the topic's machine " + m.group(3),
          original);
    }
    PlantModel.Machine machine = plant.get(machineId);
    if (machine == null) {
      return new Refused(machineId, now, type, "Machine " + machineId + " is not known to MRAOS", original);
    }
    if (!machine.lineId().equals(lineId)) {
      return new Refused(machineId, now, type, "Machine " + machineId + " belongs to " + machine.lineId() + ", not " + lineId,
          original);
    }
    try {
      Instant timestamp = timestamp(json.getValue("timestamp"));
      Duration age = Duration.between(timestamp, now).abs();
      if (age.compareTo(maxAge) > 0) {
        return new Refused(machineId, timestamp, type, "Timestamp " + timestamp + " is " + age.toSeconds() + " s away from now (at most "
            + maxAge.toSeconds() + " s allowed)", original);
      }
      return switch (type) {
        case COUNT -> new Count(machineId, requiredText(json, "work_order_id"), timestamp, count(json, "units_produced"),
            json.getValue("cumulative_units") == null ? null : count(json, "cumulative_units"),
            textOr(json, "quality_status", "pass"), decimalOr(json, "cycle_time_seconds", BigDecimal.ZERO));
        case INSPECTION -> inspection(json, machineId, timestamp);
        default -> downtime(json, machineId, timestamp);
      };
    } catch (IllegalArgumentException | ClassCastException e) {
      return new Refused(machineId, now, type, e.getMessage(), original);
    }
  }

  /** Reads the OPC UA verticle's snapshot of a machine (see Addresses.lineMachineStatus). */
  static MesMessage fromOpcUa(JsonObject json, String lineId, Map<String, PlantModel.Machine> plant, Instant now) {
    String machineId = json.getString("machine_id");
    JsonObject original = new JsonObject().put("opcua", json);
    PlantModel.Machine machine = machineId == null ? null : plant.get(machineId);
    if (machine == null || !machine.lineId().equals(lineId)) {
      return new Refused(machineId, now, STATUS, "Machine " + machineId + " is not one of line " + lineId + "'s machines", original);
    }
    String mesStatus = json.getString("current_status");
    String status = machineStatus(mesStatus);
    if (status == null) {
      return new Refused(machineId, now, STATUS, "Unknown machine status '" + mesStatus + "'", original);
    }
    try {
      Instant timestamp = json.getValue("source_timestamp") == null ? now : timestamp(json.getValue("source_timestamp"));
      return new MachineStatus(machineId, timestamp, status, mesStatus, decimalOr(json, "utilization_percentage", null),
          decimalOr(json, "overall_equipment_effectiveness", decimalOr(json, "oee", null)), json.getString("current_work_order_id"),
          json.getValue("units_produced_this_cycle") == null ? null : count(json, "units_produced_this_cycle"),
          decimalOr(json, "cycle_time_seconds", null),
          json.getValue("downtime_seconds") == null ? null : count(json, "downtime_seconds"), json.getString("endpoint"));
    } catch (IllegalArgumentException | ClassCastException e) {
      return new Refused(machineId, now, STATUS, e.getMessage(), original);
    }
  }

  /** The MES's machine status names as MRAOS names them (spec §4.3: "Producing" → running, "Down" → breakdown). */
  static String machineStatus(String mes) {
    if (mes == null) {
      return null;
    }
    return switch (mes.trim().toLowerCase(Locale.ROOT)) {
      case "producing", "running" -> "running";
      case "down", "faulted", "breakdown", "fault" -> "breakdown";
      case "idle", "waiting" -> "idle";
      case "stopped" -> "stopped";
      case "maintenance" -> "maintenance";
      case "offline" -> "offline";
      default -> null;
    };
  }

  private static Inspection inspection(JsonObject json, String machineId, Instant timestamp) {
    String result = requiredText(json, "result");
    Boolean defect = json.getBoolean("defect_detected");
    String inspectionId = json.getString("inspection_id");
    if (inspectionId == null || inspectionId.isBlank()) {
      inspectionId = "INS-" + machineId + "-" + timestamp.toEpochMilli();
    }
    return new Inspection(machineId, json.getString("work_order_id"), timestamp, inspectionId,
        textOr(json, "inspection_type", "unspecified"), result, defect != null ? defect : !"pass".equalsIgnoreCase(result),
        json.getString("defect_type"), json.getString("inspector"));
  }

  private static Downtime downtime(JsonObject json, String machineId, Instant timestamp) {
    String eventType = requiredText(json, "event_type");
    boolean started = switch (eventType) {
      case "downtime.started" -> true;
      case "downtime.ended" -> false;
      default -> throw new IllegalArgumentException("event_type must be downtime.started or downtime.ended (was " + eventType + ")");
    };
    return new Downtime(machineId, timestamp, started, json.getString("downtime_reason_code"),
        json.getString("downtime_reason_description"), textOr(json, "severity", "high"),
        json.getValue("estimated_repair_time_minutes") == null ? null : count(json, "estimated_repair_time_minutes"),
        json.getString("work_order_affected"));
  }

  private static Instant timestamp(Object value) {
    if (!(value instanceof String text)) {
      throw new IllegalArgumentException("timestamp is required (ISO-8601 with offset)");
    }
    try {
      return Timestamps.parse(text);
    } catch (DateTimeException e) {
      throw new IllegalArgumentException("timestamp '" + text + "' is not an ISO-8601 date-time with offset");
    }
  }

  private static String requiredText(JsonObject json, String field) {
    Object value = json.getValue(field);
    if (!(value instanceof String text) || text.isBlank()) {
      throw new IllegalArgumentException(field + " is required");
    }
    return text;
  }

  private static String textOr(JsonObject json, String field, String fallback) {
    Object value = json.getValue(field);
    return value instanceof String text && !text.isBlank() ? text : fallback;
  }

  private static int count(JsonObject json, String field) {
    Object value = json.getValue(field);
    if (!(value instanceof Number n) || n.doubleValue() < 0 || n.doubleValue() != Math.rint(n.doubleValue())
        || n.doubleValue() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(field + " must be a whole number of at least 0 (was " + value + ")");
    }
    return n.intValue();
  }

  private static BigDecimal decimalOr(JsonObject json, String field, BigDecimal fallback) {
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
