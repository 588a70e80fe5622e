package verticles.workorders;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import testsupport.Api.Response;
import testsupport.Plant;
import testsupport.TestNode;
import verticles.erp.ErpRoutes;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static verticles.erp.Refusals.assertErrorBody;

/**
 * Reading work orders back: {@code GET /api/v1/work-orders/{id}} and the filtered, paged list. Every test works on
 * production lines of its own, so rows of other test classes (same database) never count.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class WorkOrderReadTest {

  static final String ONE = "/api/v1/work-orders/";
  static final String LIST = "/api/v1/work-orders";
  static TestNode node;
  static String erp;
  static String supervisor;
  static String panel;
  static String hinge;

  @BeforeAll
  static void start() {
    node = TestNode.start();
    erp = node.token("erp-connector");
    supervisor = node.token("supervisor");
    panel = Plant.unique("MAT-R-PANEL");
    hinge = Plant.unique("MAT-R-HINGE");
    Response materials = node.api.postJson(ErpRoutes.MATERIALS, erp, Plant.materials(
        Plant.material(panel, "A-1234", "Door Panel"), Plant.material(hinge, "B-5678", "Hinge Assembly")));
    assertThat(materials.status()).as(materials.toString()).isEqualTo(200);
    for (String material : new String[] {panel, hinge}) {
      node.db.exec("INSERT INTO material_stock (material_id, on_hand_quantity, allocated_quantity) VALUES (?, 100000, 0)"
        + " ON CONFLICT (material_id) DO UPDATE SET on_hand_quantity = EXCLUDED.on_hand_quantity, allocated_quantity = 0", material);
    }
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  /** A line name no other test uses, with a space as ERP writes them ("Line 2"). */
  static String uniqueLine() {
    return "Line " + Plant.unique("R");
  }

  static String q(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  /** Creates an order through ERP's webhook; returns its MRAOS id. */
  static String create(String erpId, String line) {
    JsonObject event = Plant.workOrderEvent("work_order.created", erpId,
        Plant.bomLine(panel, "A-1234", "Door Panel", 400),
        Plant.bomLine(hinge, "B-5678", "Hinge Assembly", 200));
    event.getJsonObject("work_order").put("production_line_preference", line);
    Response response = node.api.postJson(ErpRoutes.WORK_ORDERS, erp, event);
    assertThat(response.status()).as(response.toString()).isEqualTo(200);
    return response.json().getString("mraos_work_order_id");
  }

  static void cancel(String erpId) {
    Response response = node.api.postJson(ErpRoutes.WORK_ORDERS, erp, Plant.workOrderEvent("work_order.cancelled", erpId));
    assertThat(response.status()).as(response.toString()).isEqualTo(200);
  }

  static JsonObject list(String query, String token) {
    Response response = node.api.get(LIST + "?" + query, token);
    assertThat(response.status()).as(response.toString()).isEqualTo(200);
    return response.json();
  }

  static List<String> ids(JsonObject page) {
    List<String> ids = new ArrayList<>();
    page.getJsonArray("items").forEach(item -> ids.add(((JsonObject) item).getString("mraos_work_order_id")));
    return ids;
  }

  // ------------------------------------------------------------------------------------------------ one work order

  @Test
  void oneWorkOrderReadsBackWithItsProgressAndBillOfMaterials() {
    String erpId = Plant.unique("WO-ERP-R");
    String line = uniqueLine();
    String id = create(erpId, line);
    // MES has counted 50 of the 200 (as its production-count sync leaves the row)
    node.db.exec("UPDATE work_orders SET quantity_produced = 50 WHERE work_order_id = ?", id);

    Response response = node.api.get(ONE + id, supervisor);

    assertThat(response.status()).as(response.toString()).isEqualTo(200);
    JsonObject wo = response.json();
    assertThat(wo.getString("mraos_work_order_id")).isEqualTo(id);
    assertThat(wo.getString("erp_work_order_id")).isEqualTo(erpId);
    assertThat(wo.getString("status")).isEqualTo("received");
    assertThat(wo.getInteger("quantity_ordered")).isEqualTo(200);
    assertThat(wo.getInteger("quantity_produced")).isEqualTo(50);
    assertThat(wo.getInteger("progress_percentage")).isEqualTo(25);
    assertThat(wo.getString("production_line")).isEqualTo(line);
    assertThat(wo.getString("due_date")).isEqualTo("2025-11-18T14:30:00Z");
    assertThat(wo.getString("priority")).isEqualTo("high");
    assertThat(wo.getString("product_id")).isEqualTo("PROD-WD-100");
    JsonArray bom = wo.getJsonArray("bill_of_materials");
    assertThat(bom).hasSize(2);
    assertThat(bom.getJsonObject(0)).isEqualTo(new JsonObject().put("line_no", 1).put("material_id", panel)
        .put("part_number", "A-1234").put("part_name", "Door Panel").put("quantity_required", 400)
        .put("unit_of_measure", "EA"));
    assertThat(bom.getJsonObject(1).getString("material_id")).isEqualTo(hinge);
    assertThat(bom.getJsonObject(1).getInteger("quantity_required")).isEqualTo(200);
  }

  @Test
  void aBillOfMaterialsWithoutPartNumbersNamesThePartsAsTheMaterialMasterDoes() {
    // ERP's webhook may name only the materials (part number and name are optional in §3.2.1's bill of materials)
    JsonObject event = Plant.workOrderEvent("work_order.created", Plant.unique("WO-ERP-R"),
        new JsonObject().put("material_id", panel).put("quantity_required", 400),
        new JsonObject().put("material_id", hinge).put("part_number", "B-5678-ERP").put("quantity_required", 200));
    event.getJsonObject("work_order").put("production_line_preference", uniqueLine());
    Response created = node.api.postJson(ErpRoutes.WORK_ORDERS, erp, event);
    assertThat(created.status()).as(created.toString()).isEqualTo(200);
    String id = created.json().getString("mraos_work_order_id");

    JsonArray bom = node.api.get(ONE + id, supervisor).json().getJsonArray("bill_of_materials");

    assertThat(bom.getJsonObject(0).getString("part_number")).isEqualTo("A-1234");
    assertThat(bom.getJsonObject(0).getString("part_name")).isEqualTo("Door Panel");
    // what ERP's order said wins; what it left out comes from the master
    assertThat(bom.getJsonObject(1).getString("part_number")).isEqualTo("B-5678-ERP");
    assertThat(bom.getJsonObject(1).getString("part_name")).isEqualTo("Hinge Assembly");
    // the list reads the same
    JsonArray listed = node.api.get(LIST + "?erp_work_order_id=" + q(event.getJsonObject("work_order")
        .getString("erp_work_order_id")), supervisor).json().getJsonArray("items").getJsonObject(0)
        .getJsonArray("bill_of_materials");
    assertThat(listed).isEqualTo(bom);
  }

  @Test
  void progressIsAFractionWhenTheCountIsNotRound() {
    String id = create(Plant.unique("WO-ERP-R"), uniqueLine());
    node.db.exec("UPDATE work_orders SET quantity_produced = 1 WHERE work_order_id = ?", id);

    JsonObject wo = node.api.get(ONE + id, supervisor).json();

    assertThat(wo.getDouble("progress_percentage")).isEqualTo(0.5);
  }

  @Test
  void anUnknownWorkOrderIsNotFound() {
    String unknown = "WO-9" + (System.nanoTime() % 1_000_000_000L); // well formed (WO-<digits>), never issued

    Response response = node.api.get(ONE + unknown, supervisor);

    JsonObject body = assertErrorBody(response, 404, "INT-004");
    assertThat(body.getString("mraos_work_order_id")).isEqualTo(unknown);
    assertThat(body.getString("message")).contains(unknown);
  }

  // ------------------------------------------------------------------------------------------------ the list

  @Test
  void theListFiltersByLineNewestFirst() {
    String line = uniqueLine();
    String other = uniqueLine();
    String first = create(Plant.unique("WO-ERP-R"), line);
    String elsewhere = create(Plant.unique("WO-ERP-R"), other);
    String second = create(Plant.unique("WO-ERP-R"), line);
    String third = create(Plant.unique("WO-ERP-R"), line);

    JsonObject page = list("line=" + q(line), supervisor);

    assertThat(ids(page)).containsExactly(third, second, first);
    assertThat(page.getLong("total")).isEqualTo(3);
    assertThat(page.getInteger("page")).isEqualTo(1);
    assertThat(page.getInteger("page_size")).isEqualTo(50);
    page.getJsonArray("items").forEach(item -> {
      assertThat(((JsonObject) item).getString("production_line")).isEqualTo(line);
      assertThat(((JsonObject) item).getJsonArray("bill_of_materials")).hasSize(2);
    });
    assertThat(ids(list("line=" + q(other), supervisor))).containsExactly(elsewhere);
    assertThat(list("line=" + q(uniqueLine()), supervisor).getLong("total")).isZero();
  }

  @Test
  void theListFiltersByStatus() {
    String line = uniqueLine();
    String keptErp = Plant.unique("WO-ERP-R");
    String cancelledErp = Plant.unique("WO-ERP-R");
    String kept = create(keptErp, line);
    String cancelled = create(cancelledErp, line);
    cancel(cancelledErp);

    JsonObject cancelledPage = list("status=cancelled&line=" + q(line), supervisor);
    JsonObject receivedPage = list("status=received&line=" + q(line), supervisor);
    JsonObject inProgressPage = list("status=in_progress&line=" + q(line), supervisor);

    assertThat(ids(cancelledPage)).containsExactly(cancelled);
    assertThat(cancelledPage.getJsonArray("items").getJsonObject(0).getString("status")).isEqualTo("cancelled");
    assertThat(cancelledPage.getLong("total")).isEqualTo(1);
    assertThat(ids(receivedPage)).containsExactly(kept);
    assertThat(inProgressPage.getJsonArray("items")).isEmpty();
    assertThat(inProgressPage.getLong("total")).isZero();
  }

  @Test
  void theListFiltersByErpWorkOrderId() {
    String erpId = Plant.unique("WO-ERP-R");
    String id = create(erpId, uniqueLine());

    JsonObject page = list("erp_work_order_id=" + q(erpId), node.token("mes-connector"));

    assertThat(ids(page)).containsExactly(id);
    assertThat(page.getLong("total")).isEqualTo(1);
    assertThat(list("erp_work_order_id=" + q(Plant.unique("WO-ERP-NONE")), supervisor).getLong("total")).isZero();
  }

  @Test
  void theListIsPagedWithTheTotalOfAllPages() {
    String line = uniqueLine();
    List<String> created = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      created.add(0, create(Plant.unique("WO-ERP-R"), line)); // newest first
    }

    JsonObject page1 = list("line=" + q(line) + "&page_size=2", supervisor);
    JsonObject page2 = list("line=" + q(line) + "&page_size=2&page=2", supervisor);
    JsonObject page3 = list("line=" + q(line) + "&page_size=2&page=3", supervisor);
    JsonObject page4 = list("line=" + q(line) + "&page_size=2&page=4", supervisor);

    assertThat(ids(page1)).containsExactly(created.get(0), created.get(1));
    assertThat(ids(page2)).containsExactly(created.get(2), created.get(3));
    assertThat(ids(page3)).containsExactly(created.get(4));
    assertThat(ids(page4)).isEmpty();
    for (JsonObject page : List.of(page1, page2, page3, page4)) {
      assertThat(page.getLong("total")).isEqualTo(5);
      assertThat(page.getInteger("page_size")).isEqualTo(2);
    }
    assertThat(page2.getInteger("page")).isEqualTo(2);
    assertThat(list("line=" + q(line) + "&page_size=500", supervisor).getJsonArray("items")).hasSize(5);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"page=0", "page=-1", "page=abc", "page=1.5", "page_size=0", "page_size=501", "page_size=1000",
      "page_size=", "status=bogus", "status=RECEIVED", "status="})
  void badQueryParametersAreValidationErrors(String query) {
    Response response = node.api.get(LIST + "?" + query, supervisor);

    JsonObject body = assertErrorBody(response, 400, "INT-003");
    String parameter = query.substring(0, query.indexOf('='));
    assertThat(body.getJsonArray("details")).singleElement()
        .satisfies(d -> assertThat(((JsonObject) d).getString("field")).isEqualTo(parameter));
  }

  // ------------------------------------------------------------------------------------------------ who may read

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"supervisor", "mes-connector", "hr-connector", "inventory-connector", "erp-connector"})
  void anyKnownClientMayRead(String client) {
    String erpId = Plant.unique("WO-ERP-R");
    String id = create(erpId, uniqueLine());
    String token = node.token(client);

    Response one = node.api.get(ONE + id, token);
    Response list = node.api.get(LIST + "?erp_work_order_id=" + q(erpId), token);

    assertThat(one.status()).as(one.toString()).isEqualTo(200);
    assertThat(one.json().getString("erp_work_order_id")).isEqualTo(erpId);
    assertThat(list.status()).as(list.toString()).isEqualTo(200);
    assertThat(ids(list.json())).containsExactly(id);
  }

  @Test
  void anUnknownClientOrNoTokenMayNotRead() {
    String id = create(Plant.unique("WO-ERP-R"), uniqueLine());
    String stranger = node.tokens.signed(Map.of("client_id", "stranger", "azp", "stranger", "sub", "stranger"),
        Duration.ofMinutes(5));

    assertErrorBody(node.api.get(ONE + id, stranger), 403, "INT-001");
    assertErrorBody(node.api.get(LIST, stranger), 403, "INT-001");
    assertErrorBody(node.api.get(ONE + id, null), 401, "INT-001");
    assertErrorBody(node.api.get(LIST, null), 401, "INT-001");
  }
}
