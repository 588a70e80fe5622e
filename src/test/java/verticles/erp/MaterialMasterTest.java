package verticles.erp;

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

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static verticles.erp.Refusals.assertErrorBody;
import static verticles.erp.Refusals.awaitAudit;
import static verticles.erp.Refusals.correlationId;

/**
 * ERP's material master data (spec §3.2.1 "Material Master Data Sync"), JSON and CSV: upserted into {@code materials},
 * every changed field recorded old → new in {@code material_change_audit}; bad rows refused with their index (and CSV
 * line) while good rows land; inactive materials make new work orders warn.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class MaterialMasterTest {

  static final String PATH = ErpRoutes.MATERIALS;
  static final String CSV_HEADER = "material_id,part_number,part_name,description,category,unit_of_measure,standard_cost,currency,is_active";
  static TestNode node;
  static String erp;

  @BeforeAll
  static void start() {
    node = TestNode.start();
    erp = node.token("erp-connector");
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  // ------------------------------------------------------------------------------------------------ helpers

  Response postJson(JsonObject payload, String correlationId) {
    return node.api.post(PATH, erp, "application/json", payload.encode(), Map.of("X-Correlation-ID", correlationId));
  }

  Response postCsv(String csv, String correlationId) {
    return node.api.post(PATH, erp, "text/csv; charset=utf-8", csv, Map.of("X-Correlation-ID", correlationId));
  }

  /** The summary of a 200 answer: status, received, created, updated, unchanged, rejected. */
  static JsonObject assertSummary(Response response, String status, int received, int created, int updated, int unchanged,
                                  int rejected) {
    assertThat(response.status()).as(response.toString()).isEqualTo(200);
    JsonObject body = response.json();
    assertThat(body.getString("status")).as(response.toString()).isEqualTo(status);
    assertThat(body.getInteger("received")).as("received " + response).isEqualTo(received);
    assertThat(body.getInteger("created")).as("created " + response).isEqualTo(created);
    assertThat(body.getInteger("updated")).as("updated " + response).isEqualTo(updated);
    assertThat(body.getInteger("unchanged")).as("unchanged " + response).isEqualTo(unchanged);
    assertThat(body.getInteger("rejected")).as("rejected " + response).isEqualTo(rejected);
    assertThat(body.getJsonArray("rejected_rows")).as(response.toString()).hasSize(rejected);
    return body;
  }

  Map<String, Object> material(String materialId) {
    List<Map<String, Object>> rows = node.db.rows("SELECT * FROM materials WHERE material_id = ?", materialId);
    assertThat(rows).as("material " + materialId).hasSize(1);
    return rows.get(0);
  }

  long count(String materialId) {
    return node.db.count("SELECT count(*) FROM materials WHERE material_id = ?", materialId);
  }

  /** field → "old → new" of the changes this request recorded for the material; checks who and where for each. */
  Map<String, String> changes(String materialId, String correlationId) {
    Map<String, String> changes = new LinkedHashMap<>();
    for (Map<String, Object> row : node.db.rows(
        "SELECT * FROM material_change_audit WHERE material_id = ? AND correlation_id = ? ORDER BY change_id", materialId,
        correlationId)) {
      assertThat(row).containsEntry("source", "erp_push").containsEntry("changed_by", "erp-connector");
      assertThat(changes.put((String) row.get("field_name"), row.get("old_value") + " → " + row.get("new_value")))
          .as("field " + row.get("field_name") + " recorded once").isNull();
    }
    return changes;
  }

  static JsonObject rejected(JsonObject summary, int index) {
    return summary.getJsonArray("rejected_rows").stream().map(JsonObject.class::cast)
        .filter(r -> r.getInteger("index") == index).findFirst()
        .orElseThrow(() -> new AssertionError("no rejected row with index " + index + " in " + summary));
  }

  static List<String> errorFields(JsonObject rejectedRow) {
    return rejectedRow.getJsonArray("errors").stream().map(e -> ((JsonObject) e).getString("field")).distinct().toList();
  }

  static List<Integer> rejectedIndexes(JsonObject summary) {
    return summary.getJsonArray("rejected_rows").stream().map(r -> ((JsonObject) r).getInteger("index")).toList();
  }

  // ------------------------------------------------------------------------------------------------ JSON upsert + audit

  @Test
  void newMaterialsAreCreatedWithEveryFieldAudited() {
    String panel = Plant.unique("MAT-M");
    String hinge = Plant.unique("MAT-M");
    String correlationId = correlationId("corr_mat_new");
    JsonObject euroHinge = Plant.material(hinge, "B-5678", "Hinge Assembly").put("standard_cost", 0.75).put("currency", "EUR")
        .put("is_active", false);
    euroHinge.remove("description");

    Response response = postJson(Plant.materials(Plant.material(panel, "A-1234", "Door Panel"), euroHinge), correlationId);

    JsonObject body = assertSummary(response, "success", 2, 2, 0, 0, 0);
    assertThat(body.getJsonArray("rejected_rows")).isEqualTo(new JsonArray());
    Map<String, Object> stored = material(panel);
    assertThat(stored).containsEntry("part_number", "A-1234").containsEntry("part_name", "Door Panel")
        .containsEntry("description", "Door Panel for standard washers").containsEntry("category", "Fabricated Parts")
        .containsEntry("unit_of_measure", "EA").containsEntry("currency", "USD").containsEntry("is_active", true);
    assertThat((BigDecimal) stored.get("standard_cost")).isEqualByComparingTo("12.50");
    assertThat(material(hinge)).containsEntry("is_active", false).containsEntry("currency", "EUR")
        .containsEntry("description", null);

    assertThat(changes(panel, correlationId)).containsOnly(
        entry("part_number", "null → A-1234"), entry("part_name", "null → Door Panel"),
        entry("description", "null → Door Panel for standard washers"), entry("category", "null → Fabricated Parts"),
        entry("unit_of_measure", "null → EA"), entry("standard_cost", "null → 12.5"), entry("currency", "null → USD"),
        entry("is_active", "null → true"));
    assertThat(changes(hinge, correlationId)).doesNotContainKey("description")
        .contains(entry("standard_cost", "null → 0.75"), entry("is_active", "null → false"));
  }

  @Test
  void changedFieldsAreUpdatedAndAuditedOldToNewAndNothingElse() {
    String panel = Plant.unique("MAT-M");
    assertSummary(postJson(Plant.materials(Plant.material(panel, "A-1234", "Door Panel")), correlationId("corr_mat")),
        "success", 1, 1, 0, 0, 0);
    String correlationId = correlationId("corr_mat_change");

    Response response = postJson(Plant.materials(Plant.material(panel, "A-1234", "Door Panel Mk II")
        .put("description", "Door Panel for standard washers").put("standard_cost", 13.75)), correlationId);

    assertSummary(response, "success", 1, 0, 1, 0, 0);
    assertThat(material(panel)).containsEntry("part_name", "Door Panel Mk II");
    assertThat((BigDecimal) material(panel).get("standard_cost")).isEqualByComparingTo("13.75");
    assertThat(changes(panel, correlationId)).containsOnly(
        entry("part_name", "Door Panel → Door Panel Mk II"), entry("standard_cost", "12.5 → 13.75"));
  }

  @Test
  void anUnchangedResendWritesNoAuditAndCountsAsUnchanged() {
    String same = Plant.unique("MAT-M");
    String changing = Plant.unique("MAT-M");
    String added = Plant.unique("MAT-M");
    assertSummary(postJson(Plant.materials(Plant.material(same, "S-1", "Spring"), Plant.material(changing, "C-1", "Clip")),
        correlationId("corr_mat")), "success", 2, 2, 0, 0, 0);
    Object updatedAt = material(same).get("updated_at");
    String correlationId = correlationId("corr_mat_resend");

    Response response = postJson(Plant.materials(
        Plant.material(same, "S-1", "Spring").put("standard_cost", 12.5000),
        Plant.material(changing, "C-1", "Clip").put("is_active", false),
        Plant.material(added, "N-1", "Nut")), correlationId);

    assertSummary(response, "success", 3, 1, 1, 1, 0);
    assertThat(changes(same, correlationId)).isEmpty();
    assertThat(material(same).get("updated_at")).isEqualTo(updatedAt);
    assertThat(changes(changing, correlationId)).containsOnly(entry("is_active", "true → false"));
    assertThat(changes(added, correlationId)).hasSize(8);

    String again = correlationId("corr_mat_resend2");
    assertSummary(postJson(Plant.materials(Plant.material(same, "S-1", "Spring")), again), "success", 1, 0, 0, 1, 0);
    assertThat(node.db.count("SELECT count(*) FROM material_change_audit WHERE correlation_id = ?", again)).isZero();
  }

  @Test
  void aFieldLeftOutKeepsItsValueAndAnExplicitNullClearsIt() {
    String panel = Plant.unique("MAT-M");
    assertSummary(postJson(Plant.materials(Plant.material(panel, "A-1234", "Door Panel")), correlationId("corr_mat")),
        "success", 1, 1, 0, 0, 0);
    String onlyCost = correlationId("corr_mat_partial");

    assertSummary(postJson(Plant.materials(new JsonObject().put("material_id", panel).put("part_number", "A-1234")
        .put("standard_cost", 9)), onlyCost), "success", 1, 0, 1, 0, 0);

    assertThat(material(panel)).containsEntry("part_name", "Door Panel")
        .containsEntry("description", "Door Panel for standard washers").containsEntry("category", "Fabricated Parts")
        .containsEntry("currency", "USD").containsEntry("is_active", true);
    assertThat(changes(panel, onlyCost)).containsOnly(entry("standard_cost", "12.5 → 9"));

    String clearing = correlationId("corr_mat_clear");
    assertSummary(postJson(Plant.materials(new JsonObject().put("material_id", panel).put("part_number", "A-1234")
        .putNull("description")), clearing), "success", 1, 0, 1, 0, 0);
    assertThat(material(panel)).containsEntry("description", null).containsEntry("part_name", "Door Panel");
    assertThat(changes(panel, clearing)).containsOnly(entry("description", "Door Panel for standard washers → null"));
  }

  @Test
  void deactivatingAMaterialMakesNewWorkOrdersNeedingItWarn() {
    String latch = Plant.unique("MAT-M");
    String partNumber = Plant.unique("L");
    assertSummary(postJson(Plant.materials(Plant.material(latch, partNumber, "Latch")), correlationId("corr_mat")),
        "success", 1, 1, 0, 0, 0);
    node.db.exec("INSERT INTO material_stock (material_id, on_hand_quantity, allocated_quantity) VALUES (?, 1000, 0)"
        + " ON CONFLICT (material_id) DO UPDATE SET on_hand_quantity = EXCLUDED.on_hand_quantity, allocated_quantity = 0", latch);
    JsonObject before = orderNeeding(latch, partNumber);
    assertThat(before.getJsonArray("validation_warnings")).isEqualTo(new JsonArray());
    String deactivation = correlationId("corr_mat_off");

    assertSummary(postJson(Plant.materials(new JsonObject().put("material_id", latch).put("part_number", partNumber)
        .put("is_active", false)), deactivation), "success", 1, 0, 1, 0, 0);

    assertThat(material(latch)).containsEntry("is_active", false).containsEntry("part_name", "Latch");
    assertThat(changes(latch, deactivation)).containsOnly(entry("is_active", "true → false"));
    JsonObject after = orderNeeding(latch, partNumber);
    assertThat(after.getJsonArray("validation_warnings"))
        .containsExactly("Part " + partNumber + " (" + latch + ") is inactive and can no longer be reserved.");

    // and back again (CSV "yes"): no warning any more
    assertSummary(postCsv("material_id,part_number,is_active\n" + latch + "," + partNumber + ",yes\n", correlationId("corr_mat_on")),
        "success", 1, 0, 1, 0, 0);
    assertThat(orderNeeding(latch, partNumber).getJsonArray("validation_warnings")).isEqualTo(new JsonArray());
  }

  JsonObject orderNeeding(String materialId, String partNumber) {
    Response response = node.api.postJson(ErpRoutes.WORK_ORDERS, erp, Plant.workOrderEvent("work_order.created",
        Plant.unique("WO-ERP-M"), Plant.bomLine(materialId, partNumber, "Latch", 10)));
    assertThat(response.status()).as(response.toString()).isEqualTo(200);
    return response.json();
  }

  // ------------------------------------------------------------------------------------------------ JSON refusals

  @Test
  void badRowsAreRefusedWithTheirIndexAndErrorsWhileGoodRowsLand() {
    String good1 = Plant.unique("MAT-M");
    String good2 = Plant.unique("MAT-M");
    String noPart = Plant.unique("MAT-M");
    String negative = Plant.unique("MAT-M");
    String yes = Plant.unique("MAT-M");
    String lower = Plant.unique("MAT-M");
    String longPart = Plant.unique("MAT-M");
    String noUnit = Plant.unique("MAT-M");
    JsonObject missingPart = Plant.material(noPart, "X", "No part number");
    missingPart.remove("part_number");
    JsonObject payload = new JsonObject().put("materials", new JsonArray()
        .add(Plant.material(good1, "G-1", "Good one"))                                   // 0
        .add(missingPart)                                                                 // 1
        .add(Plant.material(negative, "N-1", "Negative").put("standard_cost", -1))        // 2
        .add(Plant.material(yes, "Y-1", "Yes").put("is_active", "yes"))                   // 3 (JSON wants a boolean)
        .add("MAT-AS-TEXT")                                                               // 4
        .add(Plant.material(good2, "G-2", "Good two"))                                    // 5
        .add(Plant.material(lower, "U-1", "Lower currency").put("currency", "usd"))       // 6
        .add(Plant.material("   ", "B-1", "Blank id"))                                    // 7
        .add(Plant.material(longPart, "P".repeat(65), "Long part number"))                // 8
        .add(Plant.material(noUnit, "E-1", "Empty unit").put("unit_of_measure", "")));    // 9

    Response response = postJson(payload, correlationId("corr_mat_bad"));

    JsonObject body = assertSummary(response, "partial_success", 10, 2, 0, 0, 8);
    assertThat(rejectedIndexes(body)).containsExactly(1, 2, 3, 4, 6, 7, 8, 9);
    assertThat(errorFields(rejected(body, 1))).containsExactly("part_number");
    assertThat(rejected(body, 1).getString("material_id")).isEqualTo(noPart);
    assertThat(errorFields(rejected(body, 2))).containsExactly("standard_cost");
    assertThat(errorFields(rejected(body, 3))).containsExactly("is_active");
    assertThat(errorFields(rejected(body, 4))).containsExactly("(row)");
    assertThat(rejected(body, 4).getValue("material_id")).isNull();
    assertThat(errorFields(rejected(body, 6))).containsExactly("currency");
    assertThat(errorFields(rejected(body, 7))).containsExactly("material_id");
    assertThat(errorFields(rejected(body, 8))).containsExactly("part_number");
    assertThat(errorFields(rejected(body, 9))).containsExactly("unit_of_measure");
    body.getJsonArray("rejected_rows").forEach(r -> {
      assertThat(((JsonObject) r).containsKey("line")).as("JSON rows have no line: " + r).isFalse();
      assertThat(((JsonObject) r).getJsonArray("errors")).allSatisfy(e -> assertThat(((JsonObject) e).getString("message")).isNotBlank());
    });
    assertThat(count(good1)).isEqualTo(1);
    assertThat(count(good2)).isEqualTo(1);
    for (String refused : List.of(noPart, negative, yes, lower, longPart, noUnit)) {
      assertThat(count(refused)).as(refused).isZero();
    }
  }

  @Test
  void whenEveryRowIsBadTheRequestIsRefusedAndNothingIsWritten() {
    String first = Plant.unique("MAT-M");
    String second = Plant.unique("MAT-M");
    String correlationId = correlationId("corr_mat_allbad");
    JsonObject payload = Plant.materials(Plant.material(first, "F-1", "First").put("standard_cost", "cheap"),
        Plant.material(second, "S-1", "Second").put("is_active", 1));

    Response response = postJson(payload, correlationId);

    JsonObject body = assertErrorBody(response, 400, "INT-003", correlationId);
    assertThat(body.getJsonArray("details")).hasSize(2);
    assertThat(errorFields(body.getJsonArray("details").getJsonObject(0))).containsExactly("standard_cost");
    assertThat(body.getJsonArray("details").getJsonObject(1).getInteger("index")).isEqualTo(1);
    assertThat(count(first) + count(second)).isZero();
    Map<String, Object> audit = awaitAudit(node, correlationId);
    assertThat(audit).containsEntry("integration_type", "erp_material_master_inbound").containsEntry("http_status_code", 400)
        .containsEntry("success", false);
    assertThat(Refusals.json(audit.get("request_payload"))).isEqualTo(payload);
  }

  @Test
  void aMaterialIdTwiceInOnePayloadKeepsTheFirstAndRefusesTheLater() {
    String twice = Plant.unique("MAT-M");
    String other = Plant.unique("MAT-M");

    Response response = postJson(Plant.materials(Plant.material(twice, "T-1", "First version"),
        Plant.material(other, "O-1", "Other"), Plant.material(twice, "T-1", "Second version")), correlationId("corr_mat_dup"));

    JsonObject body = assertSummary(response, "partial_success", 3, 2, 0, 0, 1);
    JsonObject refused = rejected(body, 2);
    assertThat(refused.getString("material_id")).isEqualTo(twice);
    assertThat(errorFields(refused)).containsExactly("material_id");
    assertThat(refused.getJsonArray("errors").getJsonObject(0).getString("message")).contains("first at index 0");
    assertThat(material(twice)).containsEntry("part_name", "First version");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"{}", "{\"materials\": {}}", "{\"materials\": \"MAT-A-1234\"}", "{\"materials\": null}",
      "{\"material\": [{\"material_id\": \"MAT-A-1234\", \"part_number\": \"A-1234\"}]}"})
  void aPayloadWithoutAMaterialsArrayIsRefused(String payload) {
    String correlationId = correlationId("corr_mat_noarray");

    Response response = node.api.post(PATH, erp, "application/json", payload, Map.of("X-Correlation-ID", correlationId));

    JsonObject body = assertErrorBody(response, 400, "INT-003", correlationId);
    assertThat(body.getJsonArray("details").getJsonObject(0).getString("field")).isEqualTo("materials");
  }

  @Test
  void anEmptyMaterialsArrayIsRefused() {
    Response response = postJson(new JsonObject().put("materials", new JsonArray()), correlationId("corr_mat_empty"));

    assertThat(assertErrorBody(response, 400, "INT-003").getString("message")).contains("no materials");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"application/xml", "text/plain", "application/x-www-form-urlencoded"})
  void otherContentTypesAreUnsupported(String contentType) {
    Response response = node.api.post(PATH, erp, contentType, "material_id,part_number\nM,P\n", Map.of());

    assertThat(assertErrorBody(response, 415, "INT-003").getString("message")).contains("application/json or text/csv");
  }

  @Test
  void onlyClientsActingForErpMaySendMaterials() {
    String material = Plant.unique("MAT-M");

    Response response = node.api.postJson(PATH, node.token("mes-connector"), Plant.materials(Plant.material(material, "X", "X")));

    assertErrorBody(response, 403, "INT-001");
    assertThat(count(material)).isZero();
  }

  // ------------------------------------------------------------------------------------------------ CSV

  @Test
  void csvWithBomQuotedFieldsEmptyCellsAndBooleansIsTaken() {
    String c1 = Plant.unique("MAT-C");
    String c2 = Plant.unique("MAT-C");
    String c3 = Plant.unique("MAT-C");
    String c4 = Plant.unique("MAT-C");
    String correlationId = correlationId("corr_csv");
    String csv = "\uFEFF" + CSV_HEADER + "\r\n"
        + c1 + ",C-1,\"Panel, \"\"deluxe\"\"\",\"Front panel, white\",Fabricated Parts,EA,12.50,USD,yes\r\n"
        + c2 + ",C-2,Hinge,,Hardware,EA,0.75,EUR,no\r\n"
        + "\"" + c3 + "\",\"C-3\",Screw,\"two\nlines\",Hardware,PC,0.0125,USD,TRUE\r\n"
        + c4 + ",C-4,Washer,,,,,,false\r\n";

    Response response = postCsv(csv, correlationId);

    assertSummary(response, "success", 4, 4, 0, 0, 0);
    assertThat(material(c1)).containsEntry("part_number", "C-1").containsEntry("part_name", "Panel, \"deluxe\"")
        .containsEntry("description", "Front panel, white").containsEntry("category", "Fabricated Parts")
        .containsEntry("currency", "USD").containsEntry("is_active", true);
    assertThat((BigDecimal) material(c1).get("standard_cost")).isEqualByComparingTo("12.5");
    assertThat(material(c2)).containsEntry("description", null).containsEntry("is_active", false);
    assertThat(material(c3)).containsEntry("description", "two\nlines").containsEntry("unit_of_measure", "PC")
        .containsEntry("is_active", true);
    assertThat((BigDecimal) material(c3).get("standard_cost")).isEqualByComparingTo("0.0125");
    assertThat(material(c4)).containsEntry("part_name", "Washer").containsEntry("category", null)
        .containsEntry("unit_of_measure", "EA").containsEntry("standard_cost", null).containsEntry("currency", null)
        .containsEntry("is_active", false);
    assertThat(changes(c1, correlationId)).containsEntry("part_name", "null → Panel, \"deluxe\"")
        .containsEntry("is_active", "null → true");
    assertThat(changes(c4, correlationId)).containsOnlyKeys("part_number", "part_name", "unit_of_measure", "is_active");
  }

  @Test
  void csvEmptyCellsMeanNotGivenAndKeepTheStoredValue() {
    String panel = Plant.unique("MAT-C");
    String spring = Plant.unique("MAT-C");
    assertSummary(postJson(Plant.materials(Plant.material(panel, "A-1234", "Door Panel"), Plant.material(spring, "S-1", "Spring")),
        correlationId("corr_mat")), "success", 2, 2, 0, 0, 0);
    String correlationId = correlationId("corr_csv_empty");
    String csv = CSV_HEADER + "\n"
        + panel + ",A-1234,,,,,14.25,,\n"
        + spring + ",S-1,Spring,,,,,,\n";

    Response response = postCsv(csv, correlationId);

    assertSummary(response, "success", 2, 0, 1, 1, 0);
    assertThat(material(panel)).containsEntry("part_name", "Door Panel")
        .containsEntry("description", "Door Panel for standard washers").containsEntry("category", "Fabricated Parts")
        .containsEntry("currency", "USD").containsEntry("is_active", true);
    assertThat((BigDecimal) material(panel).get("standard_cost")).isEqualByComparingTo("14.25");
    assertThat(changes(panel, correlationId)).containsOnly(entry("standard_cost", "12.5 → 14.25"));
    assertThat(changes(spring, correlationId)).isEmpty();
  }

  @Test
  void csvBadRowsAreRefusedWithTheirIndexAndLineWhileGoodRowsLand() {
    String d1 = Plant.unique("MAT-C");
    String d2 = Plant.unique("MAT-C");
    String d3 = Plant.unique("MAT-C");
    String d4 = Plant.unique("MAT-C");
    String d5 = Plant.unique("MAT-C");
    String d6 = Plant.unique("MAT-C");
    String csv = CSV_HEADER + "\r\n"                                       // line 1
        + d1 + ",D-1,Good,,,EA,1.5,USD,true\r\n"                             // line 2, index 0
        + d2 + ",D-2,Bad cost,,,EA,twelve,USD,true\r\n"                      // line 3, index 1
        + "\r\n"                                                             // line 4 (blank, skipped)
        + d3 + ",D-3,Good,,,EA,,,\r\n"                                       // line 5, index 2
        + d4 + ",D-4,Bad flag,,,EA,1,USD,maybe\r\n"                          // line 6, index 3
        + ",D-7,No material id,,,EA,1,USD,true\r\n"                          // line 7, index 4
        + d5 + ",D-5,Decimal comma,,,EA,\"12,50\",USD,true\r\n"              // line 8, index 5
        + d6 + ",D-6,Bad currency,,,EA,1,us,false";                          // line 9, index 6 (no newline at the end)

    Response response = postCsv(csv, correlationId("corr_csv_bad"));

    JsonObject body = assertSummary(response, "partial_success", 7, 2, 0, 0, 5);
    assertThat(body.getJsonArray("rejected_rows").stream().map(r -> ((JsonObject) r).getInteger("index") + "@line"
        + ((JsonObject) r).getInteger("line")).toList())
        .containsExactly("1@line3", "3@line6", "4@line7", "5@line8", "6@line9");
    assertThat(rejected(body, 1).getString("material_id")).isEqualTo(d2);
    assertThat(errorFields(rejected(body, 1))).containsExactly("standard_cost");
    assertThat(errorFields(rejected(body, 3))).containsExactly("is_active");
    assertThat(errorFields(rejected(body, 4))).containsExactly("material_id");
    assertThat(errorFields(rejected(body, 5))).containsExactly("standard_cost");
    assertThat(errorFields(rejected(body, 6))).containsExactly("currency");
    assertThat(count(d1)).isEqualTo(1);
    assertThat(count(d3)).isEqualTo(1);
    assertThat(count(d2) + count(d4) + count(d5) + count(d6)).isZero();
  }

  /** A quoted cell may span lines; the refusal must point at the line where the row starts, as an editor shows it. */
  @Test
  void csvRowSpanningSeveralLinesIsReportedAtTheLineItStarts() {
    String e1 = Plant.unique("MAT-C");
    String e2 = Plant.unique("MAT-C");
    String e3 = Plant.unique("MAT-C");
    String csv = CSV_HEADER + "\n"                                          // line 1
        + e1 + ",E-1,Panel,\"first line\nsecond line\nthird line\",,EA,abc,USD,true\n"   // lines 2-4, index 0
        + e2 + ",E-2,Hinge,,,EA,1,USD,maybe\n"                              // line 5, index 1
        + e3 + ",E-3,Screw,\"good\nrow\",,EA,1,USD,true\n";                  // lines 6-7, index 2

    Response response = postCsv(csv, correlationId("corr_csv_multiline"));

    JsonObject body = assertSummary(response, "partial_success", 3, 1, 0, 0, 2);
    assertThat(material(e3)).containsEntry("description", "good\nrow");
    assertThat(rejected(body, 1).getInteger("line")).as("row after the multi-line row").isEqualTo(5);
    assertThat(rejected(body, 0).getInteger("line")).as("row whose description spans lines 2-4").isEqualTo(2);
  }

  @Test
  void csvWithOnlyBadRowsIsRefused() {
    String f1 = Plant.unique("MAT-C");
    String correlationId = correlationId("corr_csv_allbad");

    Response response = postCsv("material_id,part_number,standard_cost\n" + f1 + ",F-1,-3\n,F-2,1\n", correlationId);

    JsonObject body = assertErrorBody(response, 400, "INT-003", correlationId);
    assertThat(body.getJsonArray("details").stream().map(r -> ((JsonObject) r).getInteger("line")).toList()).containsExactly(2, 3);
    assertThat(count(f1)).isZero();
    assertThat(awaitAudit(node, correlationId)).containsEntry("integration_type", "erp_material_master_inbound")
        .containsEntry("http_status_code", 400).containsEntry("success", false);
  }

  /** Empty, header only, no material_id column, wrong separator, a column named twice, broken quotes (row / header). */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {
      "",
      "material_id,part_number\n",
      "id,part_number\nMAT-1,P-1\n",
      "part_number;material_id\nP-1;MAT-1\n",
      "material_id,part_number,material_id\nMAT-1,P-1,MAT-2\n",
      "material_id,part_number\nMAT-1,\"P-1\n",
      "\"material_id,part_number\nMAT-1,P-1\n"})
  void csvThatCannotBeReadIsAValidationErrorNeverA500(String template) {
    String correlationId = correlationId("corr_csv_unreadable");
    String one = Plant.unique("MAT-U");
    String two = Plant.unique("MAT-U");

    Response response = postCsv(template.replace("MAT-1", one).replace("MAT-2", two), correlationId);

    assertErrorBody(response, 400, "INT-003", correlationId);
    assertThat(count(one) + count(two)).isZero();
    assertThat(awaitAudit(node, correlationId)).containsEntry("http_status_code", 400);
  }

  /** A row with a cell missing or a cell too many would shift or lose a field: it is refused with its line. */
  @Test
  void csvRowsWithAMissingOrAnExtraCellAreRefusedWithTheirLine() {
    String good1 = Plant.unique("MAT-W");
    String missing = Plant.unique("MAT-W");
    String extra = Plant.unique("MAT-W");
    String good2 = Plant.unique("MAT-W");
    String csv = "material_id,part_number,part_name,unit_of_measure\n"      // line 1
        + good1 + ",W-1,Good,EA\n"                                         // line 2, index 0
        + missing + ",W-2,EA\n"                                            // line 3, index 1: the unit would land in part_name
        + extra + ",W-3,Extra,EA,12.50\n"                                  // line 4, index 2: a cell too many
        + good2 + ",W-4,Good,EA\n";                                        // line 5, index 3

    Response response = postCsv(csv, correlationId("corr_csv_width"));

    JsonObject body = assertSummary(response, "partial_success", 4, 2, 0, 0, 2);
    assertThat(body.getJsonArray("rejected_rows").stream().map(r -> ((JsonObject) r).getInteger("index") + "@line"
        + ((JsonObject) r).getInteger("line")).toList()).containsExactly("1@line3", "2@line4");
    assertThat(errorFields(rejected(body, 1))).containsExactly("(row)");
    assertThat(errorFields(rejected(body, 2))).containsExactly("(row)");
    assertThat(rejected(body, 1).getJsonArray("errors").getJsonObject(0).getString("message")).contains("3 cell(s)")
        .contains("4 column(s)");
    assertThat(count(good1) + count(good2)).isEqualTo(2);
    assertThat(count(missing) + count(extra)).isZero();
  }

  @Test
  void csvWhoseOnlyRowIsTooShortIsRefusedNamingItsLine() {
    String only = Plant.unique("MAT-W");
    String correlationId = correlationId("corr_csv_short");

    Response response = postCsv("material_id,part_number,part_name\n" + only + ",W-1\n", correlationId);

    JsonObject body = assertErrorBody(response, 400, "INT-003", correlationId);
    assertThat(body.getJsonArray("details").stream().map(r -> ((JsonObject) r).getInteger("line")).toList()).containsExactly(2);
    assertThat(count(only)).isZero();
  }

  /**
   * A NUL byte in a CSV cell (U+0000) cannot be stored by PostgreSQL: the row must be refused as a validation error,
   * not end in a 500. On a node of its own, as the audit of such a body may stall that node's audit trail.
   */
  @Test
  void aNulCharacterInACsvCellIsRefusedNotA500() {
    try (TestNode own = TestNode.start()) {
      String bad = Plant.unique("MAT-NUL");
      String good = Plant.unique("MAT-NUL");
      String csv = "material_id,part_number,part_name\n" + bad + ",N-1,Door\u0000Panel\n" + good + ",N-2,Hinge\n";

      Response response = own.api.post(PATH, own.token("erp-connector"), "text/csv", csv, Map.of());

      JsonObject body = assertSummary(response, "partial_success", 2, 1, 0, 0, 1);
      assertThat(rejected(body, 0).getInteger("line")).isEqualTo(2);
      assertThat(errorFields(rejected(body, 0))).containsExactly("part_name");
      assertThat(own.db.count("SELECT count(*) FROM materials WHERE material_id = ?", bad)).isZero();
    }
  }
}
