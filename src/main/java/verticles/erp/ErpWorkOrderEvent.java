package verticles.erp;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import mraos.http.Json;
import mraos.time.Timestamps;
import mraos.workorders.BomLine;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** ERP's work-order webhook message (spec §3.2.1), read after it passed the schema. */
public record ErpWorkOrderEvent(Type type, Instant timestamp, Order order) {

  public enum Type {
    CREATED("work_order.created"), UPDATED("work_order.updated"), CANCELLED("work_order.cancelled");

    private final String wire;

    Type(String wire) {
      this.wire = wire;
    }

    public static Type of(String wire) {
      for (Type t : values()) {
        if (t.wire.equals(wire)) {
          return t;
        }
      }
      throw new IllegalArgumentException("Unknown event type " + wire);
    }
  }

  /** The work order as ERP describes it. {@code billOfMaterials} is null when ERP sent none. */
  public record Order(String erpWorkOrderId, String workOrderNumber, String productId, String productName,
                      String productVariant, BigDecimal quantityOrdered, String unitOfMeasure, String priority,
                      Instant dueDate, String customerOrderId, String productionLine, String specialInstructions,
                      List<BomLine> billOfMaterials) {
  }

  /** Reads a payload that {@code work-order-event.schema.json} accepted. */
  public static ErpWorkOrderEvent from(JsonObject json) {
    JsonObject wo = json.getJsonObject("work_order");
    JsonArray bomJson = wo.getJsonArray("bill_of_materials");
    List<BomLine> bom = null;
    if (bomJson != null) {
      bom = new ArrayList<>();
      for (int i = 0; i < bomJson.size(); i++) {
        JsonObject line = bomJson.getJsonObject(i);
        bom.add(new BomLine(i + 1, line.getString("material_id"), line.getString("part_number"), line.getString("part_name"),
            Json.decimal(line.getValue("quantity_required")), line.getString("unit_of_measure", "EA")));
      }
    }
    return new ErpWorkOrderEvent(Type.of(json.getString("event_type")), time(json.getString("timestamp")), new Order(
        wo.getString("erp_work_order_id"),
        wo.getString("work_order_number"),
        wo.getString("product_id"),
        wo.getString("product_name"),
        wo.getString("product_variant"),
        Json.decimal(wo.getValue("quantity_ordered")),
        wo.getString("unit_of_measure", "EA"),
        wo.getString("priority", "normal"),
        time(wo.getString("due_date")),
        wo.getString("customer_order_id"),
        wo.getString("production_line_preference"),
        wo.getString("special_instructions"),
        bom));
  }

  private static Instant time(String dateTime) {
    return Timestamps.parse(dateTime);
  }
}
