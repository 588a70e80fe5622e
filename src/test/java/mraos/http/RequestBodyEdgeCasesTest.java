package mraos.http;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import testsupport.Api.Response;
import testsupport.Plant;
import testsupport.PlantNode;
import testsupport.TestNode;
import verticles.erp.ErpRoutes;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static verticles.erp.Refusals.assertErrorBody;
import static verticles.erp.Refusals.detailFields;

/**
 * JSON bodies are read strictly wherever the node takes one: a key named twice (the last no longer wins), bytes that
 * are not UTF-8, an unpaired surrogate, a control character in a text field or an id off its pattern, a time outside
 * 2000..2099, a unit count that is not a whole number: each a 400 INT-003 naming the field, and nothing written.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class RequestBodyEdgeCasesTest {

  @RegisterExtension
  static final PlantNode plant = PlantNode.start().withMaterial();
  static TestNode node;
  static String erp;
  static String supervisor;

  @BeforeAll
  static void start() {
    node = plant.node();
    erp = node.token("erp-connector");
    supervisor = node.token("supervisor");
  }

  static JsonObject event(String type, String erpId) {
    return Plant.workOrderEvent(type, erpId, Plant.bomLine(plant.material(), "A-1", "Panel", 2));
  }

  static String order() {
    Response created = node.api.postJson(ErpRoutes.WORK_ORDERS, erp, event("work_order.created", Plant.unique("WO-ERP-B")));
    assertThat(created.status()).as(created.toString()).isEqualTo(200);
    return created.json().getString("mraos_work_order_id");
  }

  static String status(String workOrderId) {
    return (String) node.db.value("SELECT status FROM work_orders WHERE work_order_id = ?", workOrderId);
  }

  static long stored(String erpId) {
    return node.db.count("SELECT count(*) FROM work_orders WHERE erp_work_order_id = ?", erpId);
  }

  /** The event's JSON text with {@code extra} (a key and value, in JSON) appended to the object that ends at {@code }}}. */
  static String withAppended(String json, String extra) {
    return json.substring(0, json.length() - 1) + "," + extra + "}";
  }

  // ------------------------------------------------------------------------------------------------ duplicate keys

  @Test
  void aDuplicateEventTypeNoLongerCancelsAnExistingOrder() {
    String erpId = Plant.unique("WO-ERP-DUP");
    String id = node.api.postJson(ErpRoutes.WORK_ORDERS, erp, event("work_order.created", erpId)).json()
        .getString("mraos_work_order_id");
    String twice = withAppended(event("work_order.created", erpId).encode(), "\"event_type\":\"work_order.cancelled\"");

    Response response = node.api.post(ErpRoutes.WORK_ORDERS, erp, "application/json", twice, Map.of());

    JsonObject body = assertErrorBody(response, 400, "INT-003");
    assertThat(detailFields(body)).containsExactly("event_type");
    assertThat(status(id)).isEqualTo("received");
  }

  @Test
  void aDuplicateKeyDeepInsideIsNamedWithItsPath() {
    String erpId = Plant.unique("WO-ERP-DUP");
    JsonObject event = event("work_order.created", erpId);
    String text = event.encode().replace("\"quantity_ordered\":200", "\"quantity_ordered\":200,\"quantity_ordered\":2");

    JsonObject body = assertErrorBody(node.api.post(ErpRoutes.WORK_ORDERS, erp, "application/json", text, Map.of()), 400, "INT-003");

    assertThat(detailFields(body)).containsExactly("work_order.quantity_ordered");
    assertThat(stored(erpId)).isZero();
  }

  @Test
  void everyJsonEndpointRefusesDuplicateKeys() {
    String id = order();
    String material = Plant.unique("MAT-DUP");
    String materials = "{\"materials\":[{\"material_id\":\"" + material + "\",\"part_number\":\"A\",\"part_number\":\"B\"}]}";
    assertThat(detailFields(assertErrorBody(node.api.post(ErpRoutes.MATERIALS, erp, "application/json", materials, Map.of()),
        400, "INT-003"))).containsExactly("materials.0.part_number");
    assertThat(node.db.count("SELECT count(*) FROM materials WHERE material_id = ?", material)).isZero();

    String completion = "{\"quantity_produced\":2,\"quantity_produced\":1}";
    assertErrorBody(node.api.post("/api/v1/work-orders/" + id + "/complete", supervisor, "application/json", completion,
        Map.of()), 400, "INT-003");
    String start = "{\"machine_id\":\"M-203\",\"operator_id\":\"O-1\",\"machine_id\":\"M-101\"}";
    assertErrorBody(node.api.post("/api/v1/work-orders/" + id + "/start", supervisor, "application/json", start, Map.of()),
        400, "INT-003");
    assertThat(status(id)).isEqualTo("received");

    String note = "{\"note\":\"a\",\"note\":\"b\"}";
    assertErrorBody(node.api.post("/api/v1/integration-failures/FAIL-19990101-0001/resolve", supervisor, "application/json",
        note, Map.of()), 400, "INT-003");
  }

  // ------------------------------------------------------------------------------------------------ text

  @Test
  void bytesThatAreNotUtf8AreRefusedNotReplaced() {
    String erpId = Plant.unique("WO-ERP-L1");
    byte[] latin1 = event("work_order.created", erpId).put("work_order", event("work_order.created", erpId)
        .getJsonObject("work_order").put("product_name", "Caf\u00e9 door")).encode().getBytes(StandardCharsets.ISO_8859_1);

    Response response = node.api.postBytes(ErpRoutes.WORK_ORDERS, erp, "application/json", latin1);

    assertThat(assertErrorBody(response, 400, "INT-003").getString("message")).contains("UTF-8");
    assertThat(stored(erpId)).isZero();

    String material = Plant.unique("MAT-L1");
    byte[] csv = ("material_id,part_number,part_name\n" + material + ",A-1,Caf\u00e9 panel\n").getBytes(StandardCharsets.ISO_8859_1);
    assertThat(assertErrorBody(node.api.postBytes(ErpRoutes.MATERIALS, erp, "text/csv", csv), 400, "INT-003")
        .getString("message")).contains("UTF-8");
    assertThat(node.db.count("SELECT count(*) FROM materials WHERE material_id = ?", material)).isZero();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "ANSI escape in the id      | erp_work_order_id | WO-ERP-\\u001b[31mRED   | work_order.erp_work_order_id",
      "bell in the id             | erp_work_order_id | WO-ERP-\\u0007          | work_order.erp_work_order_id",
      "a space in the id          | erp_work_order_id | WO ERP 1                | work_order.erp_work_order_id",
      "lone surrogate in the id   | erp_work_order_id | WO-\\ud800              | work_order.erp_work_order_id",
      "lone surrogate in a name   | product_name      | Door \\ud800 panel      | work_order.product_name",
      "low surrogate first        | product_name      | Door \\udc00\\ud800     | work_order.product_name",
      "ANSI escape in a name      | product_name      | \\u001b[2JDoor          | work_order.product_name",
      "DEL in a name              | product_name      | Door\\u007f             | work_order.product_name",
      "C1 control in instructions | special_instructions | Pack \\u0085 now     | work_order.special_instructions",
      "control character in a product id | product_id | PROD-\\u0001           | work_order.product_id"})
  void controlCharactersAndUnpairedSurrogatesAreRefused(String name, String field, String jsonEscaped, String named) {
    String erpId = Plant.unique("WO-ERP-CC");
    JsonObject event = event("work_order.created", erpId);
    String marker = "@@" + field + "@@";
    event.getJsonObject("work_order").put(field, marker);
    String text = event.encode().replace(marker, jsonEscaped); // the escape as ERP's JSON text carries it

    Response response = node.api.post(ErpRoutes.WORK_ORDERS, erp, "application/json", text, Map.of());

    assertThat(detailFields(assertErrorBody(response, 400, "INT-003"))).contains(named);
    assertThat(stored(erpId)).isZero();
  }

  @Test
  void textMayStillHoldLineBreaksTabsAndAnyLanguage() {
    String erpId = Plant.unique("WO-ERP-OK");
    JsonObject event = event("work_order.created", erpId);
    event.getJsonObject("work_order").put("special_instructions", "Line one\r\nLine two\twith a tab")
        .put("product_name", "Tür \uD83D\uDEAA 門");

    Response response = node.api.postJson(ErpRoutes.WORK_ORDERS, erp, event);

    assertThat(response.status()).as(response.toString()).isEqualTo(200);
    assertThat(node.db.value("SELECT product_name FROM work_orders WHERE erp_work_order_id = ?", erpId))
        .isEqualTo("Tür \uD83D\uDEAA 門");
  }

  // ------------------------------------------------------------------------------------------------ times and counts

  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource({"timestamp, +999999-01-01T00:00:00Z", "timestamp, 1999-12-31T23:59:59Z", "due_date, +999999-01-01T00:00:00Z",
      "due_date, 2100-01-01T00:00:00Z"})
  void anErpTimeOutOfBoundsIsRefused(String field, String time) {
    String erpId = Plant.unique("WO-ERP-T");
    JsonObject event = event("work_order.created", erpId);
    (field.equals("timestamp") ? event : event.getJsonObject("work_order")).put(field, time);

    JsonObject body = assertErrorBody(node.api.postJson(ErpRoutes.WORK_ORDERS, erp, event), 400, "INT-003");

    assertThat(detailFields(body)).containsExactly(field.equals("timestamp") ? field : "work_order." + field);
    assertThat(stored(erpId)).isZero();
  }

  @Test
  void aStartTimeInTheYear999999IsNotSentToTheMes() {
    String id = order();
    long queued = node.db.count("SELECT count(*) FROM outbound_messages");

    Response response = node.api.postJson("/api/v1/work-orders/" + id + "/start", supervisor, new JsonObject()
        .put("machine_id", "M-203").put("operator_id", "O-1").put("start_time", "+999999-01-01T00:00:00Z"));

    assertThat(detailFields(assertErrorBody(response, 400, "INT-003"))).containsExactly("start_time");
    assertThat(node.db.count("SELECT count(*) FROM outbound_messages")).isEqualTo(queued);
  }

  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource({"quantity_produced, 0.0001", "quantity_produced, 199.5", "quantity_scrapped, 0.5"})
  void aUnitCountThatIsNotAWholeNumberDoesNotCompleteTheOrder(String field, double value) {
    String id = order();
    JsonObject completion = new JsonObject().put("quantity_produced", 200).put(field, value);

    Response response = node.api.postJson("/api/v1/work-orders/" + id + "/complete", supervisor, completion);

    assertThat(detailFields(assertErrorBody(response, 400, "INT-003"))).containsExactly(field);
    assertThat(status(id)).isEqualTo("received");
  }

  @Test
  void aQuantityOrderedThatIsNotAWholeNumberIsRefused() {
    String erpId = Plant.unique("WO-ERP-Q");
    JsonObject event = event("work_order.created", erpId);
    event.getJsonObject("work_order").put("quantity_ordered", 200.5);

    JsonObject body = assertErrorBody(node.api.postJson(ErpRoutes.WORK_ORDERS, erp, event), 400, "INT-003");

    assertThat(detailFields(body)).containsExactly("work_order.quantity_ordered");
    assertThat(stored(erpId)).isZero();
  }
}
