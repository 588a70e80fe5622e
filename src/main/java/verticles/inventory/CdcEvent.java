package verticles.inventory;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import mraos.http.Json;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Set;

/**
 * One change event of the warehouse's CDC stream (spec §6.3): {@code material.stock_updated}, the field that changed
 * from its old value to its new one, when (the warehouse's time) and in which of its transactions. {@code oldValue} is
 * null when the warehouse sent none (the field's first value).
 */
record CdcEvent(String transactionId, String materialId, String field, BigDecimal oldValue, BigDecimal newValue,
                Instant timestamp, String changeReason) {

  static final String TYPE = "material.stock_updated";
  static final Set<String> FIELDS = Set.of("on_hand_quantity", "allocated_quantity", "safety_stock");

  /** The event's identity: a replay or duplicate has the same (transaction, material, field). */
  String key() {
    return transactionId + "\u0000" + materialId + "\u0000" + field;
  }

  /** Reads a record's value; throws {@link IllegalArgumentException} saying precisely what is wrong. */
  static CdcEvent parse(String value) {
    JsonObject e;
    try {
      e = new JsonObject(value);
    } catch (DecodeException | ClassCastException | NullPointerException ex) {
      throw new IllegalArgumentException("not a JSON object");
    }
    if (!TYPE.equals(e.getValue("event_type"))) {
      throw new IllegalArgumentException("event_type must be " + TYPE + ", not " + e.getValue("event_type"));
    }
    String txn = text(e, "transaction_id");
    String material = text(e, "material_id");
    String field = text(e, "field_changed");
    if (!FIELDS.contains(field)) {
      throw new IllegalArgumentException("field_changed must be one of " + FIELDS + ", not " + field);
    }
    Instant at;
    try {
      at = OffsetDateTime.parse(text(e, "timestamp")).toInstant();
    } catch (RuntimeException ex) {
      throw new IllegalArgumentException("timestamp '" + e.getValue("timestamp") + "' is not an ISO-8601 time with an offset");
    }
    Object old = e.getValue("old_value");
    if (old != null && !(old instanceof Number)) {
      throw new IllegalArgumentException("old_value must be a number, not " + old);
    }
    if (!(e.getValue("new_value") instanceof Number)) {
      throw new IllegalArgumentException("new_value is required and must be a number (found " + e.getValue("new_value") + ")");
    }
    BigDecimal next = Json.decimal(e.getValue("new_value"));
    if (next.signum() < 0) {
      throw new IllegalArgumentException("new_value must not be negative (" + next.toPlainString() + ")");
    }
    return new CdcEvent(txn, material, field, old == null ? null : Json.decimal(old), next, at,
        e.getString("change_reason"));
  }

  private static String text(JsonObject e, String field) {
    if (!(e.getValue(field) instanceof String s) || s.isBlank()) {
      throw new IllegalArgumentException(field + " is required (text)");
    }
    if (s.length() > 100) {
      throw new IllegalArgumentException(field + " is longer than 100 characters");
    }
    return s.trim();
  }
}
