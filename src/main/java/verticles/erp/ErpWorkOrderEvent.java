package verticles.erp;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import mraos.http.Json;
import mraos.time.Timestamps;
import mraos.workorders.BomLine;
import mraos.workorders.OrderChange;

import java.util.ArrayList;
import java.util.List;

/** ERP's work-order webhook message (spec §3.2.1), read after it passed the schema, as the change MRAOS applies. */
final class ErpWorkOrderEvent {

  private ErpWorkOrderEvent() {
  }

  /** ERP's event types and the changes they are. */
  static OrderChange.Type type(String wire) {
    return switch (wire) {
      case "work_order.created" -> OrderChange.Type.CREATED;
      case "work_order.updated" -> OrderChange.Type.UPDATED;
      case "work_order.cancelled" -> OrderChange.Type.CANCELLED;
      default -> throw new IllegalArgumentException("Unknown event type " + wire);
    };
  }

  /** Reads a payload that {@code work-order-event.schema.json} accepted. */
  static OrderChange read(JsonObject json) {
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
    return new OrderChange(type(json.getString("event_type")), Timestamps.parse(json.getString("timestamp")),
        new OrderChange.Order(
            wo.getString("erp_work_order_id"),
            wo.getString("work_order_number"),
            wo.getString("product_id"),
            wo.getString("product_name"),
            wo.getString("product_variant"),
            Json.decimal(wo.getValue("quantity_ordered")),
            wo.getString("unit_of_measure", "EA"),
            wo.getString("priority", "normal"),
            Timestamps.parse(wo.getString("due_date")),
            wo.getString("customer_order_id"),
            wo.getString("production_line_preference"),
            wo.getString("special_instructions"),
            bom));
  }
}
