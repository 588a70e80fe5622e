package verticles.inventory;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import mraos.http.Json;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;

/**
 * One material's stock as MRAOS holds it ({@code material_stock}): on hand, allocated, available, safety stock, where,
 * the warehouse's time of the state, the last CDC transaction applied, and since when it is below its safety stock.
 * Mutable while a pull or a batch of CDC events works on it, within one transaction.
 */
final class Stock {

  final String materialId;
  String partNumber;
  BigDecimal onHand = BigDecimal.ZERO;
  BigDecimal allocated = BigDecimal.ZERO;
  BigDecimal safetyStock = BigDecimal.ZERO;
  String unitOfMeasure;
  String warehouse;
  String location;
  Instant lastUpdated;
  String lastTransactionId;
  Instant reorderAlertAt;

  Stock(String materialId) {
    this.materialId = Objects.requireNonNull(materialId);
  }

  static Stock of(Row row) {
    Stock s = new Stock(row.getString("material_id"));
    s.partNumber = row.getString("part_number");
    s.onHand = row.getBigDecimal("on_hand_quantity");
    s.allocated = row.getBigDecimal("allocated_quantity");
    s.safetyStock = row.getBigDecimal("safety_stock");
    s.unitOfMeasure = row.getString("unit_of_measure");
    s.warehouse = row.getString("warehouse");
    s.location = row.getString("location");
    s.lastUpdated = Json.instant(row.getOffsetDateTime("last_updated"));
    s.lastTransactionId = row.getString("last_transaction_id");
    s.reorderAlertAt = Json.instant(row.getOffsetDateTime("reorder_alert_at"));
    return s;
  }

  Stock copy() {
    Stock s = new Stock(materialId);
    s.partNumber = partNumber;
    s.onHand = onHand;
    s.allocated = allocated;
    s.safetyStock = safetyStock;
    s.unitOfMeasure = unitOfMeasure;
    s.warehouse = warehouse;
    s.location = location;
    s.lastUpdated = lastUpdated;
    s.lastTransactionId = lastTransactionId;
    s.reorderAlertAt = reorderAlertAt;
    return s;
  }

  BigDecimal available() {
    return onHand.subtract(allocated);
  }

  /** Below its safety stock: what is available (on hand, less what is allocated) is less than the safety stock. */
  boolean belowSafetyStock() {
    return safetyStock.signum() > 0 && available().compareTo(safetyStock) < 0;
  }

  /** The quantities a reader sees changed (on hand, allocated, safety stock, where). */
  boolean differsFrom(Stock other) {
    return other == null || onHand.compareTo(other.onHand) != 0 || allocated.compareTo(other.allocated) != 0
        || safetyStock.compareTo(other.safetyStock) != 0 || !Objects.equals(warehouse, other.warehouse)
        || !Objects.equals(location, other.location);
  }

  /** A field's value by the name CDC events give it ({@code field_changed}); null when the field is not one of them. */
  BigDecimal field(String name) {
    return switch (name) {
      case "on_hand_quantity" -> onHand;
      case "allocated_quantity" -> allocated;
      case "safety_stock" -> safetyStock;
      default -> null;
    };
  }

  void set(String name, BigDecimal value) {
    switch (name) {
      case "on_hand_quantity" -> onHand = value;
      case "allocated_quantity" -> allocated = value;
      case "safety_stock" -> safetyStock = value;
      default -> throw new IllegalArgumentException("not a stock field: " + name);
    }
  }

  JsonObject toJson() {
    return new JsonObject()
        .put("material_id", materialId)
        .put("part_number", partNumber)
        .put("warehouse", warehouse)
        .put("location", location)
        .put("on_hand_quantity", Json.number(onHand))
        .put("allocated_quantity", Json.number(allocated))
        .put("available_quantity", Json.number(available()))
        .put("safety_stock", Json.number(safetyStock))
        .put("unit_of_measure", unitOfMeasure)
        .put("last_updated", Json.time(lastUpdated))
        .put("below_safety_stock", belowSafetyStock())
        .put("reorder_alert_since", Json.time(reorderAlertAt));
  }
}
