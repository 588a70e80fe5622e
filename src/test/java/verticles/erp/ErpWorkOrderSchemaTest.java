package verticles.erp;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import testsupport.Api.Response;
import testsupport.Plant;
import testsupport.TestNode;

import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static verticles.erp.Refusals.assertErrorBody;
import static verticles.erp.Refusals.awaitAudit;
import static verticles.erp.Refusals.correlationId;
import static verticles.erp.Refusals.detailFields;
import static verticles.erp.Refusals.json;

/**
 * The work-order webhook's schema (spec §3.3, extended to every field of the §3.2.1 payload in
 * {@code work-order-event.schema.json}): every rule refuses with 400 INT-003 naming the offending field(s), writes no
 * work order, and leaves an audit row of the refusal with the payload as sent.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ErpWorkOrderSchemaTest {

  static final String PATH = ErpRoutes.WORK_ORDERS;
  static TestNode node;
  static String erp;
  static String panel;
  static String hinge;

  @BeforeAll
  static void start() {
    node = TestNode.start();
    erp = node.token("erp-connector");
    panel = Plant.unique("MAT-S-PANEL");
    hinge = Plant.unique("MAT-S-HINGE");
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

  /** The spec's §3.2.1 example with unique ids: MRAOS takes it as it is (see {@link #theValidBaselineIsAccepted}). */
  static JsonObject valid(String erpId, String customerOrderId) {
    JsonObject event = Plant.workOrderEvent("work_order.created", erpId,
        Plant.bomLine(panel, "A-1234", "Door Panel", 400),
        Plant.bomLine(hinge, "B-5678", "Hinge Assembly", 200));
    event.getJsonObject("work_order").put("customer_order_id", customerOrderId);
    return event;
  }

  static JsonObject wo(JsonObject event) {
    return event.getJsonObject("work_order");
  }

  static JsonObject bom(JsonObject event, int index) {
    return wo(event).getJsonArray("bill_of_materials").getJsonObject(index);
  }

  /** One schema rule broken on purpose, and the field(s) the refusal must name. */
  record Violation(String name, Consumer<JsonObject> breakIt, List<String> fields) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Violation violation(String name, Consumer<JsonObject> breakIt, String... fields) {
    return new Violation(name, breakIt, List.of(fields));
  }

  static final String BOM0 = "work_order.bill_of_materials.0.";
  static final String BOM1 = "work_order.bill_of_materials.1.";

  static Stream<Violation> violations() {
    return Stream.of(
        // required fields
        violation("event_type missing", e -> e.remove("event_type"), "event_type"),
        violation("timestamp missing", e -> e.remove("timestamp"), "timestamp"),
        violation("work_order missing", e -> e.remove("work_order"), "work_order"),
        violation("erp_work_order_id missing", e -> wo(e).remove("erp_work_order_id"), "work_order.erp_work_order_id"),
        violation("product_id missing", e -> wo(e).remove("product_id"), "work_order.product_id"),
        violation("quantity_ordered missing", e -> wo(e).remove("quantity_ordered"), "work_order.quantity_ordered"),
        violation("due_date missing", e -> wo(e).remove("due_date"), "work_order.due_date"),
        violation("BOM line material_id missing", e -> bom(e, 0).remove("material_id"), BOM0 + "material_id"),
        violation("BOM line quantity_required missing", e -> bom(e, 1).remove("quantity_required"), BOM1 + "quantity_required"),
        // enums
        violation("event_type not one of the three", e -> e.put("event_type", "work_order.deleted"), "event_type"),
        violation("event_type in other case", e -> e.put("event_type", "WORK_ORDER.CREATED"), "event_type"),
        violation("priority not in the enum", e -> wo(e).put("priority", "critical"), "work_order.priority"),
        violation("priority empty", e -> wo(e).put("priority", ""), "work_order.priority"),
        // date-time formats
        violation("timestamp not a date-time", e -> e.put("timestamp", "18/11/2025 14:23:45"), "timestamp"),
        violation("timestamp a date only", e -> e.put("timestamp", "2025-11-18"), "timestamp"),
        violation("timestamp without offset", e -> e.put("timestamp", "2025-11-18T14:23:45.678"), "timestamp"),
        violation("timestamp as epoch number", e -> e.put("timestamp", 1763475825678L), "timestamp"),
        violation("due_date 30 February", e -> wo(e).put("due_date", "2025-02-30T10:00:00Z"), "work_order.due_date"),
        violation("due_date hour 25", e -> wo(e).put("due_date", "2025-11-18T25:00:00Z"), "work_order.due_date"),
        violation("due_date with a space for T", e -> wo(e).put("due_date", "2025-11-18 14:30:00Z"), "work_order.due_date"),
        violation("due_date in words", e -> wo(e).put("due_date", "tomorrow"), "work_order.due_date"),
        violation("due_date without offset", e -> wo(e).put("due_date", "2025-11-18T14:30:00"), "work_order.due_date"),
        violation("due_date null", e -> wo(e).putNull("due_date"), "work_order.due_date"),
        // quantities
        violation("quantity_ordered 0", e -> wo(e).put("quantity_ordered", 0), "work_order.quantity_ordered"),
        violation("quantity_ordered 0.5", e -> wo(e).put("quantity_ordered", 0.5), "work_order.quantity_ordered"),
        violation("quantity_ordered negative", e -> wo(e).put("quantity_ordered", -200), "work_order.quantity_ordered"),
        violation("quantity_ordered as text", e -> wo(e).put("quantity_ordered", "200"), "work_order.quantity_ordered"),
        violation("quantity_ordered null", e -> wo(e).putNull("quantity_ordered"), "work_order.quantity_ordered"),
        violation("quantity_ordered too large", e -> wo(e).put("quantity_ordered", 1e11), "work_order.quantity_ordered"),
        violation("quantity_required 0", e -> bom(e, 0).put("quantity_required", 0), BOM0 + "quantity_required"),
        violation("quantity_required negative", e -> bom(e, 1).put("quantity_required", -1), BOM1 + "quantity_required"),
        violation("quantity_required as text", e -> bom(e, 0).put("quantity_required", "400"), BOM0 + "quantity_required"),
        violation("quantity_required too large", e -> bom(e, 0).put("quantity_required", 1e11), BOM0 + "quantity_required"),
        // maxLength
        violation("erp_work_order_id 65 chars", e -> wo(e).put("erp_work_order_id", longId(65)), "work_order.erp_work_order_id"),
        violation("work_order_number 65 chars", e -> wo(e).put("work_order_number", "9".repeat(65)), "work_order.work_order_number"),
        violation("product_id 65 chars", e -> wo(e).put("product_id", longId(65)), "work_order.product_id"),
        violation("product_name 201 chars", e -> wo(e).put("product_name", "n".repeat(201)), "work_order.product_name"),
        violation("product_variant 201 chars", e -> wo(e).put("product_variant", "v".repeat(201)), "work_order.product_variant"),
        violation("unit_of_measure 17 chars", e -> wo(e).put("unit_of_measure", "U".repeat(17)), "work_order.unit_of_measure"),
        violation("customer_order_id 65 chars", e -> wo(e).put("customer_order_id", "C".repeat(65)), "work_order.customer_order_id"),
        violation("production_line_preference 101 chars", e -> wo(e).put("production_line_preference", "L".repeat(101)),
            "work_order.production_line_preference"),
        violation("special_instructions 4001 chars", e -> wo(e).put("special_instructions", "s".repeat(4001)),
            "work_order.special_instructions"),
        violation("BOM material_id 65 chars", e -> bom(e, 0).put("material_id", longId(65)), BOM0 + "material_id"),
        violation("BOM part_number 65 chars", e -> bom(e, 0).put("part_number", "P".repeat(65)), BOM0 + "part_number"),
        violation("BOM part_name 201 chars", e -> bom(e, 1).put("part_name", "p".repeat(201)), BOM1 + "part_name"),
        violation("BOM unit_of_measure 17 chars", e -> bom(e, 1).put("unit_of_measure", "E".repeat(17)), BOM1 + "unit_of_measure"),
        // wrong types
        violation("event_type as number", e -> e.put("event_type", 1), "event_type"),
        violation("work_order as text", e -> e.put("work_order", "WO-ERP-1"), "work_order"),
        violation("work_order as array", e -> e.put("work_order", new JsonArray()), "work_order"),
        violation("erp_work_order_id as number", e -> wo(e).put("erp_work_order_id", 452100), "work_order.erp_work_order_id"),
        violation("product_name as number", e -> wo(e).put("product_name", 42), "work_order.product_name"),
        violation("priority as boolean", e -> wo(e).put("priority", true), "work_order.priority"),
        violation("bill_of_materials as object", e -> wo(e).put("bill_of_materials", new JsonObject()),
            "work_order.bill_of_materials"),
        violation("BOM line as text", e -> wo(e).put("bill_of_materials", new JsonArray().add("MAT-A-1234").add(bom(e, 1))),
            "work_order.bill_of_materials.0"),
        violation("BOM part_number as number", e -> bom(e, 0).put("part_number", 1234), BOM0 + "part_number"),
        violation("BOM material_id as number", e -> bom(e, 1).put("material_id", 5678), BOM1 + "material_id"),
        // blank / whitespace ids (pattern, minLength)
        violation("erp_work_order_id empty", e -> wo(e).put("erp_work_order_id", ""), "work_order.erp_work_order_id"),
        violation("erp_work_order_id blank", e -> wo(e).put("erp_work_order_id", "   "), "work_order.erp_work_order_id"),
        violation("erp_work_order_id leading space", e -> wo(e).put("erp_work_order_id", " WO-ERP-1"),
            "work_order.erp_work_order_id"),
        violation("erp_work_order_id trailing tab", e -> wo(e).put("erp_work_order_id", "WO-ERP-1\t"),
            "work_order.erp_work_order_id"),
        violation("product_id blank", e -> wo(e).put("product_id", " \t "), "work_order.product_id"),
        violation("BOM material_id blank", e -> bom(e, 0).put("material_id", "  "), BOM0 + "material_id"),
        violation("erp_work_order_id trailing newline", e -> wo(e).put("erp_work_order_id", Plant.unique("WO-ERP-NL") + "\n"),
            "work_order.erp_work_order_id"),
        // too many BOM lines
        violation("501 BOM lines", e -> wo(e).put("bill_of_materials", lines(501)), "work_order.bill_of_materials"),
        // units of measure
        violation("unit_of_measure empty", e -> wo(e).put("unit_of_measure", ""), "work_order.unit_of_measure"),
        violation("BOM unit_of_measure empty", e -> bom(e, 0).put("unit_of_measure", ""), BOM0 + "unit_of_measure"),
        violation("unit_of_measure null", e -> wo(e).putNull("unit_of_measure"), "work_order.unit_of_measure"));
  }

  static String longId(int length) {
    return ("WO-" + "X".repeat(length)).substring(0, length);
  }

  /** {@code count} minimal BOM lines on the panel material. */
  static JsonArray lines(int count) {
    JsonArray lines = new JsonArray();
    for (int i = 0; i < count; i++) {
      lines.add(new JsonObject().put("material_id", panel).put("quantity_required", 1));
    }
    return lines;
  }

  long storedOrders(String erpId, String customerOrderId) {
    return node.db.count("SELECT count(*) FROM work_orders WHERE erp_work_order_id = ? OR customer_order_id = ?",
        erpId, customerOrderId);
  }

  @Test
  void theValidBaselineIsAccepted() {
    String erpId = Plant.unique("WO-ERP-S");
    String customerOrder = Plant.unique("CO");

    Response response = node.api.postJson(PATH, erp, valid(erpId, customerOrder));

    assertThat(response.status()).as(response.toString()).isEqualTo(200);
    assertThat(storedOrders(erpId, customerOrder)).isEqualTo(1);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("violations")
  void eachSchemaRuleRefusesNamesTheFieldWritesNothingAndIsAudited(Violation violation) {
    String erpId = Plant.unique("WO-ERP-S");
    String customerOrder = Plant.unique("CO");
    String correlationId = correlationId("corr_schema");
    JsonObject event = valid(erpId, customerOrder);
    violation.breakIt().accept(event);

    Response response = node.api.post(PATH, erp, "application/json", event.encode(), Map.of("X-Correlation-ID", correlationId));

    JsonObject body = assertErrorBody(response, 400, "INT-003", correlationId);
    assertThat(body.getString("message")).startsWith("The work order event does not match the schema");
    assertThat(detailFields(body)).as(response.toString()).containsExactlyInAnyOrderElementsOf(violation.fields());
    body.getJsonArray("details").forEach(d -> {
      JsonObject detail = (JsonObject) d;
      assertThat(detail.getString("pointer")).isEqualTo("/" + detail.getString("field").replace('.', '/'));
      assertThat(detail.getString("message")).isNotBlank();
    });

    assertThat(storedOrders(erpId, customerOrder)).as("work orders stored").isZero();

    Map<String, Object> audit = awaitAudit(node, correlationId);
    assertThat(audit).containsEntry("integration_type", "erp_work_order_inbound").containsEntry("direction", "inbound")
        .containsEntry("external_system", "ERP").containsEntry("http_status_code", 400).containsEntry("success", false)
        .containsEntry("user_id", "erp-connector").containsEntry("http_method", "POST").containsEntry("endpoint", PATH);
    assertThat(json(audit.get("request_payload"))).isEqualTo(event);
    assertThat((String) audit.get("error_message")).startsWith("The work order event does not match the schema");
    assertThat(json(audit.get("response_payload")).getJsonArray("details")).isEqualTo(body.getJsonArray("details"));
  }

  @Test
  void severalErrorsAtOnceAreAllNamed() {
    String erpId = Plant.unique("WO-ERP-S");
    String customerOrder = Plant.unique("CO");
    String correlationId = correlationId("corr_schema_many");
    JsonObject event = valid(erpId, customerOrder);
    event.put("event_type", "work_order.closed").put("timestamp", "yesterday");
    wo(event).put("quantity_ordered", 0).put("priority", "asap").put("unit_of_measure", "").remove("due_date");
    wo(event).put("product_name", 7);
    bom(event, 0).put("quantity_required", -4).put("part_number", 1234);
    bom(event, 1).remove("material_id");

    Response response = node.api.post(PATH, erp, "application/json", event.encode(), Map.of("X-Correlation-ID", correlationId));

    JsonObject body = assertErrorBody(response, 400, "INT-003", correlationId);
    assertThat(detailFields(body)).containsExactlyInAnyOrder(
        "event_type", "timestamp", "work_order.quantity_ordered", "work_order.priority", "work_order.unit_of_measure",
        "work_order.due_date", "work_order.product_name", BOM0 + "quantity_required", BOM0 + "part_number",
        BOM1 + "material_id");
    assertThat(body.getString("message")).contains("(" + body.getJsonArray("details").size() + " problem(s))");
    assertThat(storedOrders(erpId, customerOrder)).isZero();
    Map<String, Object> audit = awaitAudit(node, correlationId);
    assertThat(audit).containsEntry("http_status_code", 400).containsEntry("success", false);
    assertThat(json(audit.get("request_payload"))).isEqualTo(event);
  }

  @Test
  void valuesAtTheLimitsAreAcceptedAndStoredExactly() {
    String suffix = Plant.unique("L");
    String erpId = longId(64 - suffix.length()) + suffix;
    JsonObject event = valid(erpId, "C".repeat(64));
    event.put("timestamp", "2025-11-18T20:23:45.678+05:30");
    wo(event)
        .put("work_order_number", "9".repeat(64))
        .put("product_id", "P".repeat(64))
        .put("product_name", "ñ".repeat(200))
        .put("product_variant", "v".repeat(200))
        .put("quantity_ordered", 1)
        .put("unit_of_measure", "U".repeat(16))
        .put("priority", "low")
        .put("due_date", "2025-11-18T20:00:00.123+05:30")
        .put("production_line_preference", "L".repeat(100))
        .put("special_instructions", "s".repeat(4000))
        .put("bill_of_materials", lines(500));
    bom(event, 0).put("part_number", "A".repeat(64)).put("part_name", "p".repeat(200)).put("unit_of_measure", "E".repeat(16))
        .put("quantity_required", 0.001);

    Response response = node.api.postJson(PATH, erp, event);

    assertThat(response.status()).as(response.toString()).isEqualTo(200);
    String id = response.json().getString("mraos_work_order_id");
    Map<String, Object> row = node.db.rows("SELECT * FROM work_orders WHERE work_order_id = ?", id).get(0);
    assertThat(row).containsEntry("erp_work_order_id", erpId).containsEntry("product_name", "ñ".repeat(200))
        .containsEntry("production_line", "L".repeat(100)).containsEntry("unit_of_measure", "U".repeat(16))
        .containsEntry("customer_order_id", "C".repeat(64)).containsEntry("priority", "low");
    assertThat((String) row.get("special_instructions")).hasSize(4000);
    assertThat((BigDecimal) row.get("quantity_ordered")).isEqualByComparingTo("1");
    assertThat(((Timestamp) row.get("due_date")).toInstant()).isEqualTo(Instant.parse("2025-11-18T14:30:00.123Z"));
    assertThat(((Timestamp) row.get("erp_event_at")).toInstant())
        .isEqualTo(OffsetDateTime.parse("2025-11-18T20:23:45.678+05:30").toInstant());
    assertThat(node.db.count("SELECT count(*) FROM work_order_bom WHERE work_order_id = ?", id)).isEqualTo(500);
    Map<String, Object> first = node.db.rows("SELECT * FROM work_order_bom WHERE work_order_id = ? AND line_no = 1", id).get(0);
    assertThat(first).containsEntry("part_number", "A".repeat(64)).containsEntry("unit_of_measure", "E".repeat(16));
    assertThat((BigDecimal) first.get("quantity_required")).isEqualByComparingTo("0.001");
  }

  /**
   * The schema only asks quantity_required to be above 0, but work_order_bom keeps three decimals and checks
   * {@code quantity_required > 0}: 0.0001 must be refused as a validation error, not end in a database error (500).
   */
  @Test
  void aQuantityRequiredBelowTheStoredPrecisionIsAValidationErrorNotA500() {
    String erpId = Plant.unique("WO-ERP-S");
    String customerOrder = Plant.unique("CO");
    String correlationId = correlationId("corr_schema_precision");
    JsonObject event = valid(erpId, customerOrder);
    bom(event, 0).put("quantity_required", 0.0001);

    Response response = node.api.post(PATH, erp, "application/json", event.encode(), Map.of("X-Correlation-ID", correlationId));

    JsonObject body = assertErrorBody(response, 400, "INT-003", correlationId);
    assertThat(detailFields(body)).containsExactly(BOM0 + "quantity_required");
    assertThat(storedOrders(erpId, customerOrder)).isZero();
  }
}
