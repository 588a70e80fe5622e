package verticles.inventory;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import testsupport.Api;
import testsupport.Plant;
import testsupport.TestNode;

import java.time.LocalDate;

import static org.assertj.core.api.Assertions.assertThat;

/** What the inventory tests share: the warehouse's materials as the spec writes them, and the node's calls. */
final class InventoryFixture {

  private InventoryFixture() {
  }

  /** A fresh material id for this run (the test database is shared by every class). */
  static String materialId() {
    return "MAT-" + Plant.unique("INV").replaceAll("[^A-Za-z0-9]", "");
  }

  /**
   * A material of the warehouse (§6.2.1 shape) with two batches: {@code early} expiring in a month, {@code late} in a
   * year (FEFO takes the early one first).
   */
  static JsonObject material(String id, int early, int late, int safetyStock) {
    LocalDate today = LocalDate.now();
    return new JsonObject().put("material_id", id).put("part_number", "P-" + id.substring(id.length() - 6))
        .put("safety_stock", safetyStock).put("location", "Aisle 12, Bin 3A").put("batch_details", new JsonArray()
            .add(new JsonObject().put("batch_number", "B-" + id + "-LATE").put("quantity", late)
                .put("expiration_date", today.plusYears(1).toString()))
            .add(new JsonObject().put("batch_number", "B-" + id + "-EARLY").put("quantity", early)
                .put("expiration_date", today.plusMonths(1).toString())));
  }

  /** A supervisor runs the stock pull now; its summary, asserting it succeeded. */
  static JsonObject pulled(TestNode node) {
    Api.Response response = node.api.postJson("/api/v1/jobs/" + StockPull.JOB + "/run", node.token("supervisor"),
        new JsonObject());
    assertThat(response.status()).as(response.toString()).isEqualTo(200);
    return response.json().getJsonObject("summary");
  }

  /** ERP's master gets the material (every work order's materials must be known), as ERP's push sends it. */
  static void inErpMaster(TestNode node, String materialId) {
    Api.Response stored = node.api.postJson(Plant.MATERIALS, node.token("erp-connector"),
        Plant.materials(Plant.material(materialId, "P-" + materialId.substring(materialId.length() - 6), "Panel")));
    assertThat(stored.status()).as(stored.toString()).isEqualTo(200);
  }

  /** ERP sends a work order needing {@code quantity} of each material; MRAOS's id. */
  static String order(TestNode node, int quantity, String... materials) {
    JsonObject[] bom = new JsonObject[materials.length];
    for (int i = 0; i < materials.length; i++) {
      bom[i] = Plant.bomLine(materials[i], "P-" + materials[i].substring(materials[i].length() - 6), "Panel", quantity);
    }
    Api.Response created = node.api.postJson("/api/v1/integrations/erp/work-orders", node.token("erp-connector"),
        Plant.workOrderEvent("work_order.created", Plant.unique("WO-ERP"), bom));
    assertThat(created.status()).as(created.toString()).isEqualTo(200);
    return created.json().getString("mraos_work_order_id");
  }

  /** A supervisor starts the order on machine M-203 (line 2); the answer. */
  static Api.Response start(TestNode node, String workOrderId) {
    return node.api.postJson("/api/v1/work-orders/" + workOrderId + "/start", node.token("supervisor"),
        new JsonObject().put("machine_id", "M-203").put("operator_id", "O-203"));
  }
}
