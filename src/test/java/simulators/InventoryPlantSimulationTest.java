package simulators;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import testsupport.Plant;
import testsupport.PlantNode;
import testsupport.TestNode;
import testsupport.TestServices;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code --simulate} with the warehouse: the simulated plant's orders reserve their materials when they are started
 * (FEFO batches on the order), report what they consumed when they complete, and the node's CDC replica follows the
 * warehouse's stock from the warehouse's own change events.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class InventoryPlantSimulationTest {

  static Vertx vertx;
  static SimulatedSystems systems;
  static TestNode node;
  static PlantSimulation plant;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    Map<String, Object> settings = new HashMap<>(PlantSimulationTest.SETTINGS);
    settings.put("inventory.cdc.enabled", true);
    settings.put("inventory.cdc.topic", "inventory-cdc-" + Plant.unique("SIM").toLowerCase());
    settings.put("inventory.cdc.group-id", "mraos-cdc-" + Plant.unique("SIM").toLowerCase());
    systems = SimulatedSystems.start(vertx, TestServices.get().nodeConfig(settings));
    Map<String, Object> pointed = new HashMap<>(settings);
    pointed.putAll(systems.overrides());
    PlantNode.setAsideLeftoverCalls();
    node = TestNode.start(pointed);
    plant = PlantSimulation.start(vertx, systems, node.config());
    plant.started().await(30, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    if (plant != null) {
      plant.stop().await(30, TimeUnit.SECONDS);
    }
    if (node != null) {
      node.close();
    }
    if (systems != null) {
      systems.close();
    }
    vertx.close().await();
  }

  @Test
  void theSimulatedOrdersReserveAndConsumeThroughTheWarehouseAndTheReplicaFollowsIt() {
    await("reservations at the warehouse").atMost(Duration.ofSeconds(30))
        .until(() -> systems.inventory().received(InventorySimulator.RESERVATIONS_PATH).size() >= 2);
    String reserved = systems.inventory().received(InventorySimulator.RESERVATIONS_PATH).get(0).json()
        .getString("work_order_id");
    await().atMost(Duration.ofSeconds(20)).until(() -> "reserved".equals(reservation(reserved).getString("status")));
    assertThat(reservation(reserved).getJsonArray("batches_allocated")).isNotEmpty();

    JsonObject report = await("a consumption report").atMost(Duration.ofSeconds(60)).until(
        () -> systems.inventory().consumptionReports().stream().findFirst().orElse(null), r -> r != null);
    assertThat(report.getString("transaction_id")).startsWith("TXN-MRAOS-");
    assertThat(report.getJsonArray("materials_consumed").getJsonObject(0).getString("cost_center"))
        .startsWith("CC-Manufacturing-Line");

    String material = report.getJsonArray("materials_consumed").getJsonObject(0).getString("material_id");
    await("the replica follows the warehouse").atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      JsonObject truth = systems.inventory().stock(material);
      List<Map<String, Object>> held = node.db.rows("SELECT on_hand_quantity, allocated_quantity FROM material_stock"
          + " WHERE material_id = ?", material);
      assertThat(held).hasSize(1);
      assertThat((BigDecimal) held.get(0).get("on_hand_quantity"))
          .isEqualByComparingTo(truth.getValue("on_hand_quantity").toString());
      assertThat((BigDecimal) held.get(0).get("allocated_quantity"))
          .isEqualByComparingTo(truth.getValue("allocated_quantity").toString());
    });
  }

  static JsonObject reservation(String workOrderId) {
    JsonObject order = node.api.get("/api/v1/work-orders/" + workOrderId, node.token("supervisor")).json();
    return order.getJsonObject("material_reservation", new JsonObject());
  }
}
