package verticles.inventory;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import simulators.Fault;
import simulators.InventorySimulator;
import simulators.ReceivedRequest;
import testsupport.Api;
import testsupport.Plant;
import testsupport.PlantNode;
import testsupport.TestNode;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static verticles.inventory.InventoryFixture.inErpMaster;
import static verticles.inventory.InventoryFixture.material;
import static verticles.inventory.InventoryFixture.materialId;
import static verticles.inventory.InventoryFixture.order;

/**
 * The outbound side (spec §6.2.2) against the warehouse stand-in: a supervisor's start reserves the order's materials
 * (the §6.2.2 payload, FEFO batches stored with the order and shown on it), a short reservation is answered with what is
 * short, cancelling the order releases the reservation, completion reports the consumption once even when the first
 * attempt's answer is lost and the node restarts, and a warehouse that keeps failing leaves a dead letter after retries.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class InventoryOrdersTest {

  static Vertx vertx;
  static InventorySimulator warehouse;
  static TestNode node;
  static Map<String, Object> settings;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    warehouse = InventorySimulator.start(vertx, 0, null, null).await();
    PlantNode.setAsideLeftoverCalls();
    settings = new HashMap<>(Map.of("inventory.base-url", warehouse.baseUrl(), "outbound.poll-interval", "100ms",
        "outbound.retry.server-error", List.of("100ms", "200ms"), "inventory.reservation-answer-wait", "5s"));
    node = TestNode.start(settings);
  }

  @BeforeEach
  void freshWarehouse() {
    warehouse.reset();
  }

  @AfterAll
  static void stop() {
    node.close();
    vertx.close().await();
  }

  @Test
  void aStartReservesTheBillOfMaterialsAndTheFefoBatchesAreStoredWithTheOrder() {
    String m = materialId();
    inErpMaster(node, m);
    warehouse.seed(List.of(material(m, 250, 250, 0)));
    String id = order(node, 400, m);

    Api.Response started = InventoryFixture.start(node, id);

    assertThat(started.status()).as(started.toString()).isEqualTo(202);
    JsonObject reservation = started.json().getJsonObject(Reservations.NAME);
    assertThat(reservation.getString("status")).as(reservation.encode()).isEqualTo("reserved");
    String day = DateTimeFormatter.BASIC_ISO_DATE.format(LocalDate.now(ZoneOffset.UTC));
    assertThat(reservation.getString("reservation_id")).matches("RES-MRAOS-" + day + "-\\d{4}");
    ReceivedRequest call = warehouse.received(InventorySimulator.RESERVATIONS_PATH).get(0);
    JsonObject payload = call.json();
    assertThat(payload.fieldNames()).contains("reservation_id", "work_order_id", "reserved_by", "reservation_date",
        "expected_consumption_date", "materials");
    assertThat(payload.getString("reserved_by")).isEqualTo("MRAOS_System");
    JsonObject line = payload.getJsonArray("materials").getJsonObject(0);
    assertThat(line.getString("prefer_batch")).isEqualTo("FEFO");
    assertThat(line.getInteger("quantity")).isEqualTo(400);
    assertThat(call.header("Idempotency-Key")).isNotBlank();

    JsonObject order = node.api.get("/api/v1/work-orders/" + id, node.token("supervisor")).json();
    JsonArray batches = order.getJsonObject(Reservations.NAME).getJsonArray("batches_allocated");
    assertThat(batches).hasSize(2);
    assertThat(batches.getJsonObject(0).getString("batch_number")).as("earliest expiry first").isEqualTo("B-" + m + "-EARLY");
    assertThat(batches.getJsonObject(0).getInteger("quantity")).isEqualTo(250);
    assertThat(batches.getJsonObject(1).getInteger("quantity")).isEqualTo(150);
    // MRAOS pulls the stock again after its own reservation
    await().atMost(Duration.ofSeconds(10)).until(() -> node.db.value(
        "SELECT allocated_quantity FROM material_stock WHERE material_id = ?", m) instanceof BigDecimal a
        && a.compareTo(new BigDecimal("400")) == 0);
    // starting it again does not reserve twice
    InventoryFixture.start(node, id);
    assertThat(warehouse.received(InventorySimulator.RESERVATIONS_PATH)).hasSize(1);
  }

  @Test
  void aShortReservationIsAnsweredWithWhatIsShort() {
    String plenty = materialId();
    String scarce = materialId();
    inErpMaster(node, plenty);
    inErpMaster(node, scarce);
    warehouse.seed(List.of(material(plenty, 500, 500, 0), material(scarce, 30, 20, 0)));
    String id = order(node, 120, plenty, scarce);

    Api.Response started = InventoryFixture.start(node, id);

    assertThat(started.status()).as(started.toString()).isEqualTo(202);
    JsonObject reservation = started.json().getJsonObject(Reservations.NAME);
    assertThat(reservation.getString("status")).as(reservation.encode()).isEqualTo("partial");
    JsonArray shortages = reservation.getJsonArray("shortages");
    assertThat(shortages).hasSize(1);
    assertThat(shortages.getJsonObject(0).getString("material_id")).isEqualTo(scarce);
    assertThat(shortages.getJsonObject(0).getInteger("quantity_short")).isEqualTo(70);
    assertThat(reservation.getString("message")).contains(scarce + ": 70 short (50 of 120 reserved)");
  }

  @Test
  void cancellingTheOrderReleasesItsReservation() {
    String m = materialId();
    inErpMaster(node, m);
    warehouse.seed(List.of(material(m, 100, 100, 0)));
    String erpId = Plant.unique("WO-ERP");
    Api.Response created = node.api.postJson("/api/v1/integrations/erp/work-orders", node.token("erp-connector"),
        Plant.workOrderEvent("work_order.created", erpId, Plant.bomLine(m, "P-1", "Panel", 150)));
    String id = created.json().getString("mraos_work_order_id");
    String reservationId = InventoryFixture.start(node, id).json().getJsonObject(Reservations.NAME).getString("reservation_id");
    assertThat(warehouse.stock(m).getInteger("allocated_quantity")).isEqualTo(150);

    JsonObject cancel = Plant.workOrderEvent("work_order.cancelled", erpId, Plant.bomLine(m, "P-1", "Panel", 150));
    Api.Response cancelled = node.api.postJson("/api/v1/integrations/erp/work-orders", node.token("erp-connector"), cancel);

    assertThat(cancelled.status()).as(cancelled.toString()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(10)).until(() -> !warehouse.received(
        InventorySimulator.RESERVATIONS_PATH + "/" + reservationId + "/release").isEmpty());
    assertThat(warehouse.stock(m).getInteger("allocated_quantity")).isZero();
    await().atMost(Duration.ofSeconds(10)).until(() -> "released".equals(node.db.value(
        "SELECT status FROM material_reservations WHERE reservation_id = ?", reservationId)));
  }

  @Test
  void theConsumptionIsReportedOnceEvenWhenItsAnswerIsLostAndTheNodeRestarts() {
    String m = materialId();
    inErpMaster(node, m);
    warehouse.seed(List.of(material(m, 100, 100, 0)));
    Map<String, Object> slow = new HashMap<>(settings);
    slow.put("inventory.request-timeout", "1s");
    slow.put("outbound.retry.timeout", List.of("3s"));
    slow.put("outbound.claim-lease-margin", "1s");
    node.close();
    TestNode first = TestNode.start(slow);
    TestNode second = null;
    try {
      String id = order(first, 60, m);
      InventoryFixture.start(first, id);
      // the stock pull after the reservation lists the material's batches (the report books what goes beyond the
      // order's allocation to them, FEFO)
      await().atMost(Duration.ofSeconds(10)).until(() -> node.db.count(
          "SELECT count(*) FROM material_batches WHERE material_id = ?", m) == 2);
      // the warehouse takes the report but answers after MRAOS stopped waiting (1 s)
      warehouse.fault(InventorySimulator.CONSUMPTION_PATH, Fault.delay(Duration.ofMillis(2500)));
      Api.Response done = first.api.postJson("/api/v1/work-orders/" + id + "/complete", first.token("supervisor"),
          new JsonObject().put("quantity_produced", 30).put("materials_consumed", new JsonArray()
              .add(new JsonObject().put("material_id", m).put("quantity_consumed", 130))));
      assertThat(done.status()).as(done.toString()).isEqualTo(200);
      await().atMost(Duration.ofSeconds(10)).until(() -> warehouse.received(InventorySimulator.CONSUMPTION_PATH).size() == 1);
      await().atMost(Duration.ofSeconds(10)).until(() -> node.db.count("SELECT count(*) FROM outbound_messages"
          + " WHERE integration_type = ? AND reference_id = ? AND attempts >= 1", ConsumptionReport.INTEGRATION_TYPE, id) == 1);
      first.close();
      first = null;
      second = TestNode.start(slow);

      await().atMost(Duration.ofSeconds(30)).until(() -> "delivered".equals(second_status(id)));
      List<ReceivedRequest> calls = warehouse.received(InventorySimulator.CONSUMPTION_PATH);
      assertThat(calls).as("sent again after the restart").hasSizeGreaterThanOrEqualTo(2);
      assertThat(calls.stream().map(c -> c.header("Idempotency-Key")).distinct()).hasSize(1);
      List<JsonObject> reports = warehouse.consumptionReports().stream()
          .filter(r -> id.equals(r.getString("work_order_id"))).toList();
      assertThat(reports).as("applied once").hasSize(1);
      JsonObject report = reports.get(0);
      assertThat(report.getString("transaction_id")).startsWith("TXN-MRAOS-");
      JsonArray lines = report.getJsonArray("materials_consumed");
      assertThat(lines).hasSize(2);
      assertThat(lines.getJsonObject(0).getString("batch_number")).isEqualTo("B-" + m + "-EARLY");
      assertThat(lines.getJsonObject(0).getInteger("quantity_consumed")).isEqualTo(100);
      assertThat(lines.getJsonObject(1).getInteger("quantity_consumed")).isEqualTo(30);
      assertThat(lines.getJsonObject(0).getString("reason_code")).isEqualTo("PRODUCTION");
      assertThat(lines.getJsonObject(0).getString("cost_center")).isEqualTo("CC-Manufacturing-Line2");
      assertThat(warehouse.stock(m).getInteger("on_hand_quantity")).as("taken once").isEqualTo(70);
    } finally {
      if (first != null) {
        first.close();
      }
      if (second != null) {
        second.close();
      }
      node = TestNode.start(settings);
    }
  }

  static String second_status(String workOrderId) {
    return (String) node.db.value("SELECT status FROM outbound_messages WHERE integration_type = ? AND reference_id = ?",
        ConsumptionReport.INTEGRATION_TYPE, workOrderId);
  }

  @Test
  void aWarehouseThatKeepsFailingLeavesADeadLetterAfterItsRetries() {
    String m = materialId();
    inErpMaster(node, m);
    warehouse.seed(List.of(material(m, 100, 100, 0)));
    String id = order(node, 10, m);
    warehouse.fault(InventorySimulator.RESERVATIONS_PATH, Fault.status(503), Fault.status(503), Fault.status(503));

    Api.Response started = InventoryFixture.start(node, id);

    assertThat(started.status()).isEqualTo(202);
    String reservationId = started.json().getJsonObject(Reservations.NAME).getString("reservation_id");
    await().atMost(Duration.ofSeconds(20)).until(() -> "failed".equals(node.db.value(
        "SELECT status FROM material_reservations WHERE reservation_id = ?", reservationId)));
    assertThat(warehouse.received(InventorySimulator.RESERVATIONS_PATH)).as("the first try and two retries").hasSize(3);
    Map<String, Object> failure = node.db.rows("SELECT * FROM integration_failures WHERE integration_type = ?"
        + " AND original_message::text LIKE ?", Reservations.RESERVE, "%" + reservationId + "%").get(0);
    assertThat(failure.get("status")).isEqualTo("pending_manual_review");
    JsonObject order = node.api.get("/api/v1/work-orders/" + id, node.token("supervisor")).json();
    assertThat(order.getJsonObject(Reservations.NAME).getString("status")).isEqualTo("failed");
  }
  @Test
  void materialIssuedDuringTheOrderIsReportedAtOnceAndLeftOutOfTheCompletionsReport() {
    String m = materialId();
    inErpMaster(node, m);
    warehouse.seed(List.of(material(m, 100, 100, 0)));
    String id = order(node, 50, m);
    InventoryFixture.start(node, id);

    Api.Response refused = node.api.postJson("/api/v1/work-orders/" + id + "/material-issues", node.token("supervisor"),
        new JsonObject().put("materials", new JsonArray().add(new JsonObject().put("material_id", m).put("quantity", -3))));
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.body()).contains("INT-003").contains("materials.0.quantity");

    Api.Response issued = node.api.postJson("/api/v1/work-orders/" + id + "/material-issues", node.token("supervisor"),
        new JsonObject().put("materials", new JsonArray().add(new JsonObject().put("material_id", m).put("quantity", 20))));
    assertThat(issued.status()).as(issued.toString()).isEqualTo(202);
    String issueTxn = issued.json().getString("transaction_id");
    await().atMost(Duration.ofSeconds(10)).until(() -> warehouse.consumptionReports().stream()
        .anyMatch(r -> issueTxn.equals(r.getString("transaction_id"))));

    Api.Response done = node.api.postJson("/api/v1/work-orders/" + id + "/complete", node.token("supervisor"),
        new JsonObject().put("quantity_produced", 25).put("materials_consumed", new JsonArray()
            .add(new JsonObject().put("material_id", m).put("quantity_consumed", 50))));
    assertThat(done.status()).as(done.toString()).isEqualTo(200);

    await().atMost(Duration.ofSeconds(10)).until(() -> warehouse.consumptionReports().stream()
        .filter(r -> id.equals(r.getString("work_order_id"))).count() == 2);
    JsonObject completion = warehouse.consumptionReports().stream().filter(r -> id.equals(r.getString("work_order_id"))
        && !issueTxn.equals(r.getString("transaction_id"))).findFirst().orElseThrow();
    assertThat(completion.getJsonArray("materials_consumed").stream()
        .mapToInt(l -> ((JsonObject) l).getInteger("quantity_consumed")).sum()).as("50 consumed, 20 issued before").isEqualTo(30);
    assertThat(warehouse.stock(m).getInteger("on_hand_quantity")).isEqualTo(150);
    Api.Response closed = node.api.postJson("/api/v1/work-orders/" + id + "/material-issues", node.token("supervisor"),
        new JsonObject().put("materials", new JsonArray().add(new JsonObject().put("material_id", m).put("quantity", 1))));
    assertThat(closed.status()).isEqualTo(409);
  }
}
