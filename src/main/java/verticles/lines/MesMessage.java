package verticles.lines;

import io.vertx.core.json.JsonObject;
import mraos.plant.PlantModel;
import mraos.time.Timestamps;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What the MES tells a line: a production count, a quality inspection, a downtime event (MQTT, spec §4.2.1, read by
 * {@link MqttMessages}) or a machine's status (OPC UA), read and checked (spec §4.4: known machine, timestamp within the
 * allowed age, defaults for missing optional fields, the MES's status names mapped as §4.3 says). A message that fails a
 * check is a {@link Refused}: it becomes a dead letter carrying the original as received.
 */
public sealed interface MesMessage {

  String machineId();

  Instant timestamp();

  /** The same message delivered again (MQTT QoS 1) has the same key. */
  String dedupKey();

  /** What the MES sent, as its dead letter keeps it: {"topic": ..., "payload": ...} ({@link MesOriginal}), or
   * {"opcua": ...}. */
  JsonObject original();

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
               String qualityStatus, BigDecimal cycleTimeSeconds, MesOriginal source) implements MesMessage {
    /** A count made here, not read off MQTT (its original is its fields). */
    Count(String machineId, String workOrderId, Instant timestamp, int unitsProduced, Integer cumulativeUnits,
          String qualityStatus, BigDecimal cycleTimeSeconds) {
      this(machineId, workOrderId, timestamp, unitsProduced, cumulativeUnits, qualityStatus, cycleTimeSeconds, null);
    }

    public JsonObject original() {
      return source != null ? source.toJson() : new JsonObject().put("message", LineBatch.countJson(this));
    }

    public String dedupKey() {
      return "count|" + machineId + "|" + workOrderId + "|" + Timestamps.format(timestamp) + "|" + cumulativeUnits + "|"
          + unitsProduced;
    }
  }

  record Inspection(String machineId, String workOrderId, Instant timestamp, String inspectionId, String inspectionType,
                    String result, boolean defectDetected, String defectType, String inspector, MesOriginal source)
      implements MesMessage {
    public JsonObject original() {
      return source != null ? source.toJson() : new JsonObject().put("message", new JsonObject().put("inspection_id", inspectionId)
          .put("machine_id", machineId).put("work_order_id", workOrderId));
    }

    public String dedupKey() {
      return inspectionId;
    }
  }

  record Downtime(String machineId, Instant timestamp, boolean started, String reasonCode, String reasonDescription,
                  String severity, Integer estimatedRepairMinutes, String workOrderAffected, MesOriginal source)
      implements MesMessage {
    public JsonObject original() {
      return source.toJson();
    }

    public String dedupKey() {
      return "downtime|" + machineId + "|" + (started ? "started" : "ended") + "|" + timestamp;
    }
  }

  /** A machine's full status snapshot (OPC UA). {@code status} is MRAOS's name, {@code mesStatus} the MES's. */
  record MachineStatus(String machineId, Instant timestamp, String status, String mesStatus, BigDecimal utilization,
                       BigDecimal oee, String currentWorkOrderId, Integer unitsThisCycle, BigDecimal cycleTimeSeconds,
                       Integer downtimeSeconds, String endpoint, JsonObject snapshot) implements MesMessage {
    public JsonObject original() {
      return new JsonObject().put("opcua", snapshot);
    }

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

  /** The plant's machines by id, for the checks below (one lookup per message, not a walk through the plant). */
  static Map<String, PlantModel.Machine> machinesById(PlantModel plant) {
    Map<String, PlantModel.Machine> byId = new HashMap<>();
    plant.machines().forEach(m -> byId.put(m.id(), m));
    return Map.copyOf(byId);
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
      Instant timestamp = json.getValue("source_timestamp") == null ? now : MesFields.timestamp(json.getValue("source_timestamp"));
      return new MachineStatus(machineId, timestamp, status, mesStatus, MesFields.decimalOr(json, "utilization_percentage", null),
          MesFields.decimalOr(json, "overall_equipment_effectiveness", MesFields.decimalOr(json, "oee", null)), json.getString("current_work_order_id"),
          json.getValue("units_produced_this_cycle") == null ? null : MesFields.count(json, "units_produced_this_cycle"),
          MesFields.decimalOr(json, "cycle_time_seconds", null),
          json.getValue("downtime_seconds") == null ? null : MesFields.count(json, "downtime_seconds"), json.getString("endpoint"), json);
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

}
