package testsupport;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.UUID;

/** Payloads shaped like the spec's examples, with unique ids so tests never collide on the shared database. */
public final class Plant {

  /** ERP's material master endpoint (spec §3.2.1). */
  public static final String MATERIALS = "/api/v1/integrations/erp/materials";

  private Plant() {
  }

  /** ERP sends the node a material of its own ("A-1" Panel), as every work order needs known materials; its id. */
  public static String seedMaterial(TestNode node) {
    String material = unique("MAT");
    Api.Response stored = node.api.postJson(MATERIALS, node.token("erp-connector"), materials(material(material, "A-1", "Panel")));
    if (stored.status() != 200) {
      throw new IllegalStateException("the material was not stored: " + stored);
    }
    return material;
  }

  /**
   * A supervisor starts the work order on the machine (spec §4.2.2): the MES's counts and inspections for it are applied
   * from now on, from that machine only.
   */
  public static void start(TestNode node, String workOrderId, String machineId) {
    Api.Response started = node.api.postJson("/api/v1/work-orders/" + workOrderId + "/start", node.token("supervisor"),
        new JsonObject().put("machine_id", machineId).put("operator_id", "O-" + machineId.substring(2)));
    if (started.status() / 100 != 2) {
      throw new IllegalStateException("the work order was not started: " + started);
    }
  }

  /**
   * A work order of {@code quantity} units, sent by ERP through a node's API ({@code token}: a client's token by its id)
   * and started by a supervisor on {@code machine}; its id. For any node, in this JVM or a process of its own.
   */
  public static String startedOrder(Api api, java.util.function.Function<String, String> token, String machine, int quantity) {
    String erp = token.apply("erp-connector");
    String material = unique("MAT");
    api.postJson(MATERIALS, erp, materials(material(material, "A-1", "Panel")));
    JsonObject event = workOrderEvent("work_order.created", unique("WO-ERP"), bomLine(material, "A-1", "Panel", 2));
    event.getJsonObject("work_order").put("quantity_ordered", quantity);
    Api.Response created = api.postJson("/api/v1/integrations/erp/work-orders", erp, event);
    if (created.status() != 200) {
      throw new IllegalStateException("the work order was not stored: " + created);
    }
    String id = created.json().getString("mraos_work_order_id");
    Api.Response started = api.postJson("/api/v1/work-orders/" + id + "/start", token.apply("supervisor"),
        new JsonObject().put("machine_id", machine).put("operator_id", "O-" + machine.substring(2)));
    if (started.status() / 100 != 2) {
      throw new IllegalStateException("the work order was not started: " + started);
    }
    return id;
  }

  public static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8).toUpperCase();
  }

  public static JsonObject material(String materialId, String partNumber, String partName) {
    return new JsonObject()
        .put("material_id", materialId)
        .put("part_number", partNumber)
        .put("part_name", partName)
        .put("description", partName + " for standard washers")
        .put("category", "Fabricated Parts")
        .put("unit_of_measure", "EA")
        .put("standard_cost", 12.50)
        .put("currency", "USD")
        .put("is_active", true);
  }

  public static JsonObject materials(JsonObject... materials) {
    return new JsonObject().put("materials", new JsonArray(java.util.List.of((Object[]) materials)));
  }

  public static JsonObject bomLine(String materialId, String partNumber, String partName, int quantity) {
    return new JsonObject()
        .put("material_id", materialId)
        .put("part_number", partNumber)
        .put("part_name", partName)
        .put("quantity_required", quantity)
        .put("unit_of_measure", "EA");
  }

  /** The spec's §3.2.1 example event with the given ids and bill of materials. */
  public static JsonObject workOrderEvent(String eventType, String erpWorkOrderId, JsonObject... bom) {
    return new JsonObject()
        .put("event_type", eventType)
        .put("timestamp", java.time.Instant.now().toString())
        .put("work_order", new JsonObject()
            .put("erp_work_order_id", erpWorkOrderId)
            .put("work_order_number", erpWorkOrderId.replaceAll("\\D", ""))
            .put("product_id", "PROD-WD-100")
            .put("product_name", "Washer Door Assembly")
            .put("product_variant", "Standard - White")
            .put("quantity_ordered", 200)
            .put("unit_of_measure", "EA")
            .put("priority", "high")
            .put("due_date", "2025-11-18T14:30:00Z")
            .put("customer_order_id", "CO-12345")
            .put("production_line_preference", "Line 2")
            .put("bill_of_materials", new JsonArray(java.util.List.of((Object[]) bom)))
            .put("special_instructions", "Quality inspection required before packaging"));
  }
}
