package verticles.inventory;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import simulators.InventorySimulator;
import simulators.ReceivedRequest;
import testsupport.Api;
import testsupport.KafkaTopic;
import testsupport.PlantNode;
import testsupport.TestNode;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static verticles.inventory.InventoryFixture.material;
import static verticles.inventory.InventoryFixture.materialId;
import static verticles.inventory.InventoryFixture.pulled;

/**
 * The stock pull (spec §6.2.1) against the warehouse stand-in: stock and batches into the inventory area's tables, the
 * ERP intake's shortage warning reading them, a reorder alert raised once below safety stock and cleared when stock
 * recovers (each on topic {@code inventory}), an entry that cannot be read kept as a dead letter while the rest is
 * applied, and the schedule "every 5 minutes".
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class InventoryStockPullTest {

  static Vertx vertx;
  static InventorySimulator warehouse;
  static TestNode node;
  static KafkaTopic inventoryTopic;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    warehouse = InventorySimulator.start(vertx, 0, null, null).await();
    PlantNode.setAsideLeftoverCalls();
    node = TestNode.start(Map.of("inventory.base-url", warehouse.baseUrl(),
        "outbound.retry.server-error", List.of("100ms", "200ms")));
    inventoryTopic = new KafkaTopic(node.config().kafka().bootstrapServers(), "inventory");
  }

  @AfterAll
  static void stop() {
    inventoryTopic.close();
    node.close();
    vertx.close().await();
  }

  @BeforeEach
  void freshWarehouse() {
    warehouse.reset();
  }

  @Test
  void thePullStoresStockAndBatchesInTheInventoryTablesAndPublishesTheChange() {
    String id = materialId();
    warehouse.seed(List.of(material(id, 250, 250, 0)));

    JsonObject summary = pulled(node);

    assertThat(summary.getInteger("applied")).as(summary.encode()).isEqualTo(1);
    ReceivedRequest call = warehouse.received(InventorySimulator.STOCK_LEVELS_PATH).get(0);
    assertThat(call.query()).contains("location=Plant1");
    assertThat(call.header("Authorization")).startsWith("Bearer ");
    Map<String, Object> row = node.db.rows("SELECT * FROM material_stock WHERE material_id = ?", id).get(0);
    assertThat((BigDecimal) row.get("on_hand_quantity")).isEqualByComparingTo("500");
    assertThat((BigDecimal) row.get("available_quantity")).isEqualByComparingTo("500");
    assertThat(row).containsEntry("warehouse", "Plant1-WH").containsEntry("location", "Aisle 12, Bin 3A");
    assertThat(row.get("last_updated")).isNotNull();
    assertThat(node.db.rows("SELECT batch_number FROM material_batches WHERE material_id = ? ORDER BY expiration_date", id))
        .extracting(r -> r.get("batch_number")).containsExactly("B-" + id + "-EARLY", "B-" + id + "-LATE");
    // the ERP master (materials) is not where stock lives
    assertThat(node.db.rows("SELECT column_name FROM information_schema.columns WHERE table_name = 'materials'"
        + " AND column_name IN ('on_hand_quantity', 'allocated_quantity', 'available_quantity')")).isEmpty();
    Api.Response read = node.api.get(InventoryRoutes.STOCK + "/" + id, node.token("supervisor"));
    assertThat(read.status()).isEqualTo(200);
    assertThat(read.json().getJsonArray("batch_details")).hasSize(2);
    var event = inventoryTopic.await(e -> id.equals(materialOf(e).getString("material_id"))
        && StockEvents.STOCK_UPDATED.equals(e.getJsonObject("payload").getString("event_type")), Duration.ofSeconds(20));
    JsonObject envelope = new JsonObject(event.value());
    assertThat(envelope.getString("version")).isEqualTo("1.0");
    assertThat(envelope.getString("source_system")).isEqualTo("MRAOS");
    assertThat(event.key()).isEqualTo(id);

    // the same stock again: nothing changed, nothing published
    JsonObject again = pulled(node);
    assertThat(again.getInteger("events")).isZero();
  }

  @Test
  void theErpIntakeWarnsOfAShortageFromTheWarehousesLiveStock() {
    String id = materialId();
    InventoryFixture.inErpMaster(node, id);
    warehouse.seed(List.of(material(id, 20, 30, 0)));
    pulled(node);

    Api.Response created = node.api.postJson("/api/v1/integrations/erp/work-orders", node.token("erp-connector"),
        testsupport.Plant.workOrderEvent("work_order.created", testsupport.Plant.unique("WO-ERP"),
            testsupport.Plant.bomLine(id, "P-1", "Panel", 80)));

    assertThat(created.status()).as(created.toString()).isEqualTo(200);
    assertThat(created.json().getJsonArray("validation_warnings").encode()).contains("has only 50 units available (80 required)")
        .contains("Shortage of 30 units");
  }

  @Test
  void aReorderAlertIsRaisedOnceBelowSafetyStockAndClearedWhenStockRecovers() {
    String id = materialId();
    warehouse.seed(List.of(material(id, 20, 30, 100)));

    pulled(node);
    pulled(node);
    pulled(node);

    inventoryTopic.await(e -> id.equals(materialOf(e).getString("material_id")) && StockEvents.REORDER_ALERT.equals(type(e)),
        Duration.ofSeconds(20));
    assertThat(node.db.value("SELECT reorder_alert_at FROM material_stock WHERE material_id = ?", id)).isNotNull();

    warehouse.adjust(id, new BigDecimal("200"));
    pulled(node);

    inventoryTopic.await(e -> id.equals(materialOf(e).getString("material_id"))
        && StockEvents.REORDER_ALERT_CLEARED.equals(type(e)), Duration.ofSeconds(20));
    assertThat(inventoryTopic.all(e -> id.equals(materialOf(e).getString("material_id"))
        && StockEvents.REORDER_ALERT.equals(type(e)))).as("raised once, not at every pull").hasSize(1);
    assertThat(node.db.value("SELECT reorder_alert_at FROM material_stock WHERE material_id = ?", id)).isNull();
  }

  @Test
  void anEntryThatCannotBeReadIsADeadLetterWithTheEntryAndTheRestIsApplied() {
    String good = materialId();
    String bad = materialId();
    warehouse.seed(List.of(material(good, 10, 10, 0)));
    JsonObject broken = material(bad, 10, 10, 0);
    warehouse.seed(List.of(broken));
    // the warehouse answers one entry without its on-hand quantity
    warehouse.fault(InventorySimulator.STOCK_LEVELS_PATH, simulators.Fault.fromJson(new JsonObject().put("status", 200)
        .put("body", new JsonObject().put("materials",
        new JsonArray().add(new JsonObject().put("material_id", bad).put("allocated_quantity", 0)
            .put("last_updated", "2025-11-18T14:20:00Z"))
            .add(new JsonObject().put("material_id", good).put("on_hand_quantity", 20).put("allocated_quantity", 0)
                .put("last_updated", "2025-11-18T14:20:00Z"))))));

    JsonObject summary = pulled(node);

    assertThat(summary.getInteger("applied")).as(summary.encode()).isEqualTo(1);
    assertThat(summary.getJsonArray("refused")).containsExactly(bad);
    Map<String, Object> failure = node.db.rows("SELECT * FROM integration_failures WHERE integration_type = ?"
        + " AND original_message::text LIKE ?", StockPull.INTEGRATION_TYPE, "%" + bad + "%").get(0);
    assertThat(failure.get("error_message").toString()).contains("on_hand_quantity is required");
    assertThat(failure).containsEntry("error_code", "VALIDATION_ERROR");
  }

  @Test
  void theWarehouseDownFailsThePullAfterItsRetriesAndKeepsAFailure() {
    warehouse.fault(InventorySimulator.STOCK_LEVELS_PATH, simulators.Fault.status(503), simulators.Fault.status(503),
        simulators.Fault.status(503));

    Api.Response run = node.api.postJson("/api/v1/jobs/" + StockPull.JOB + "/run", node.token("supervisor"), new JsonObject());

    assertThat(run.status()).as(run.toString()).isGreaterThanOrEqualTo(500);
    assertThat(warehouse.received(InventorySimulator.STOCK_LEVELS_PATH)).as("first try and two retries").hasSize(3);
    assertThat(node.db.count("SELECT count(*) FROM integration_failures WHERE integration_type = ? AND timestamp > now()"
        + " - interval '1 minute'", StockPull.INTEGRATION_TYPE)).isGreaterThanOrEqualTo(1);
  }

  private static JsonObject materialOf(JsonObject envelope) {
    JsonObject payload = envelope.getJsonObject("payload");
    return payload == null || payload.getJsonObject("material") == null ? new JsonObject() : payload.getJsonObject("material");
  }

  private static String type(JsonObject envelope) {
    return envelope.getJsonObject("payload") == null ? null : envelope.getJsonObject("payload").getString("event_type");
  }
}
