package verticles.mes;

import io.vertx.core.json.JsonObject;
import mraos.plant.MesStatusNodes.Field;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * The latest status of one machine as one MES endpoint reports it, field by field, and the message MRAOS sends its
 * line for it (the whole snapshot, so the line never has to merge partial updates). Touched only on the verticle's
 * event loop.
 */
final class MachineStatus {

  private final String machineId;
  private final String lineId;
  private final Map<Field, Object> values = new EnumMap<>(Field.class);
  /** When the server last saw one of this machine's values change (the values' source time). */
  private Instant sourceTime;

  MachineStatus(String machineId, String lineId) {
    this.machineId = Objects.requireNonNull(machineId);
    this.lineId = Objects.requireNonNull(lineId);
  }

  String machineId() {
    return machineId;
  }

  String lineId() {
    return lineId;
  }

  /** Takes a field's new value; false when the value is unusable (bad status, wrong type) and nothing changed. */
  boolean apply(Field field, DataValue value) {
    if (value == null || !value.getStatusCode().isGood()) {
      return false;
    }
    Object converted = convert(field, value.getValue().getValue());
    if (converted == null) {
      return false;
    }
    values.put(field, converted);
    Instant at = instant(value.getSourceTime());
    if (at == null) {
      at = instant(value.getServerTime());
    }
    if (at != null && (sourceTime == null || at.isAfter(sourceTime))) {
      sourceTime = at;
    }
    return true;
  }

  /** The message for {@code Addresses.lineMachineStatus(line)}; fields the MES has not reported yet are null. */
  JsonObject toJson(String endpoint) {
    Object lastUpdate = values.get(Field.LAST_UPDATE_TIMESTAMP);
    String timestamp = lastUpdate != null ? lastUpdate.toString() : sourceTime != null ? sourceTime.toString() : null;
    JsonObject json = new JsonObject().put("machine_id", machineId);
    for (Field field : Field.values()) {
      if (field != Field.LAST_UPDATE_TIMESTAMP) {
        json.put(field.jsonKey(), values.get(field));
      }
    }
    return json.put("source_timestamp", timestamp).put("source", "opcua").put("endpoint", endpoint);
  }

  /** The MES's types as MRAOS holds them; null for a value of a type the field cannot have. */
  private static Object convert(Field field, Object value) {
    if (value == null) {
      return null;
    }
    return switch (field) {
      case CURRENT_STATUS, CURRENT_WORK_ORDER_ID -> value.toString();
      case UTILIZATION_PERCENTAGE, CYCLE_TIME_SECONDS -> value instanceof Number n ? n.doubleValue() : null;
      case UNITS_PRODUCED_THIS_CYCLE, DOWNTIME_SECONDS -> value instanceof Number n ? n.longValue() : null;
      case LAST_UPDATE_TIMESTAMP -> timestamp(value);
    };
  }

  /** ISO-8601 whether the MES sends a DateTime or a string. */
  private static String timestamp(Object value) {
    if (value instanceof DateTime dateTime) {
      Instant at = instant(dateTime);
      return at == null ? null : at.toString();
    }
    try {
      return Instant.parse(value.toString()).toString();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static Instant instant(DateTime dateTime) {
    return dateTime == null || dateTime.isNull() || !dateTime.isValid() ? null : dateTime.getJavaInstant();
  }
}
