package verticles.lines;

import io.vertx.core.json.JsonObject;
import mraos.events.Addresses;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import simulators.MesMqttPublisher;
import testsupport.Api.Response;
import testsupport.Plant;
import testsupport.PlantNode;
import testsupport.TestNode;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static verticles.erp.Refusals.assertErrorBody;

/**
 * {@code GET /api/v1/machines}: the plant's machines as the lines keep them, with their line, status and since when, the
 * work order and figures the MES reports, filtered by line (id or name) and status. Statuses come in as the MES sends
 * them (an OPC UA snapshot handed to the line, a downtime event over MQTT).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class MachineApiTest {

  static final String MACHINES = "/api/v1/machines";

  @RegisterExtension
  static final PlantNode plant = PlantNode.start().withMes("mes-machine-api-test");

  static TestNode node;
  static MesMqttPublisher mes;
  static String supervisor;

  @BeforeAll
  static void start() {
    node = plant.node();
    mes = plant.mes();
    supervisor = node.token("supervisor");
  }

  static JsonObject list(String query) {
    Response response = node.api.get(MACHINES + (query.isEmpty() ? "" : "?" + query), supervisor);
    assertThat(response.status()).as(response.toString()).isEqualTo(200);
    return response.json();
  }

  static List<String> ids(JsonObject page) {
    return page.getJsonArray("items").stream().map(m -> ((JsonObject) m).getString("machine_id")).toList();
  }

  static JsonObject machine(String id) {
    return list("").getJsonArray("items").stream().map(JsonObject.class::cast)
        .filter(m -> id.equals(m.getString("machine_id"))).findFirst().orElseThrow();
  }

  /** An OPC UA status snapshot, as the endpoint verticle hands it to the machine's line. */
  static void opcUaStatus(String line, JsonObject status) {
    node.node.vertx().eventBus().send(Addresses.lineMachineStatus(line), status.put("source", "opcua").put("endpoint", "mes-main"));
  }

  @Test
  void everyMachineOfThePlantIsListedWithItsLineByLineThenMachine() {
    JsonObject page = list("");

    assertThat(ids(page)).containsSubsequence("M-101", "M-102", "M-103", "M-201", "M-202", "M-203", "M-301", "M-302", "M-303");
    assertThat(page.getInteger("total")).isEqualTo(page.getJsonArray("items").size());
    JsonObject m203 = machine("M-203");
    assertThat(m203.getString("name")).isEqualTo("Washer door assembly cell");
    assertThat(m203.getString("machine_type")).isEqualTo("assembly");
    assertThat(m203.getString("line_id")).isEqualTo("line2");
    assertThat(m203.getString("line_name")).isEqualTo("Line 2");
    assertThat(m203.getBoolean("in_plant_model")).isTrue();
    assertThat(m203.fieldNames()).contains("status", "status_changed_at", "last_update_at", "current_work_order_id",
        "utilization_percentage", "overall_equipment_effectiveness", "units_produced_this_cycle", "cycle_time_seconds",
        "downtime_seconds");
  }

  @Test
  void anOpcUaStatusShowsWithItsWorkOrderFiguresAndSinceWhen() {
    Instant idle = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    Instant producing = idle.plusMillis(500);
    opcUaStatus("line1", new JsonObject().put("machine_id", "M-103").put("current_status", "Idle")
        .put("source_timestamp", idle.toString()));
    await().atMost(Duration.ofSeconds(10)).until(() -> "idle".equals(machine("M-103").getString("status")));
    opcUaStatus("line1", new JsonObject().put("machine_id", "M-103").put("current_status", "Producing")
        .put("utilization_percentage", 85.2).put("overall_equipment_effectiveness", 71.5)
        .put("current_work_order_id", "WO-4600").put("units_produced_this_cycle", 12).put("cycle_time_seconds", 45.3)
        .put("downtime_seconds", 0).put("source_timestamp", producing.toString()));

    await().atMost(Duration.ofSeconds(10)).until(() -> "running".equals(machine("M-103").getString("status")));
    JsonObject m103 = machine("M-103");
    assertThat(m103.getString("status")).isEqualTo("running");
    assertThat(Instant.parse(m103.getString("status_changed_at"))).isEqualTo(producing);
    assertThat(Instant.parse(m103.getString("last_update_at"))).isEqualTo(producing);
    assertThat(m103.getString("current_work_order_id")).isEqualTo("WO-4600");
    assertThat(m103.getDouble("utilization_percentage")).isEqualTo(85.2);
    assertThat(m103.getDouble("overall_equipment_effectiveness")).isEqualTo(71.5);
    assertThat(m103.getInteger("units_produced_this_cycle")).isEqualTo(12);
    assertThat(m103.getDouble("cycle_time_seconds")).isEqualTo(45.3);
    assertThat(m103.getInteger("downtime_seconds")).isZero();
    assertThat(m103.getString("line_id")).isEqualTo("line1");
  }

  @Test
  void theLineFilterTakesTheLinesIdOrItsName() {
    assertThat(ids(list("line=line2"))).containsExactly("M-201", "M-202", "M-203");
    assertThat(ids(list("line=" + URLEncoder.encode("Line 2", StandardCharsets.UTF_8)))).containsExactly("M-201", "M-202", "M-203");
    assertThat(list("line=line2").getJsonArray("items")).allSatisfy(m -> {
      assertThat(((JsonObject) m).getString("line_id")).isEqualTo("line2");
      assertThat(((JsonObject) m).getString("line_name")).isEqualTo("Line 2");
    });
    JsonObject none = list("line=" + Plant.unique("no-line"));
    assertThat(none.getJsonArray("items")).isEmpty();
    assertThat(none.getInteger("total")).isZero();
  }

  @Test
  void theStatusFilterFollowsWhatTheMesReports() {
    opcUaStatus("line3", new JsonObject().put("machine_id", "M-303").put("current_status", "Maintenance")
        .put("source_timestamp", Instant.now().toString()));
    await().atMost(Duration.ofSeconds(10)).until(() -> ids(list("status=maintenance")).contains("M-303"));
    assertThat(list("status=maintenance").getJsonArray("items"))
        .allSatisfy(m -> assertThat(((JsonObject) m).getString("status")).isEqualTo("maintenance"));
    assertThat(ids(list("status=maintenance&line=line3"))).contains("M-303").allMatch(id -> id.startsWith("M-3"));
    assertThat(ids(list("status=maintenance&line=line1"))).doesNotContain("M-303");

    // a breakdown over MQTT, then its repair; stamped a little ahead (within lines.max-message-age): the run's classes
    // share the database, and LineActorTest leaves M-302's status stamped 30 s ahead, which a breakdown stamped now
    // would be older than (and rightly not applied)
    Instant down = Instant.now().plusSeconds(45);
    mes.publish(MesMqttPublisher.downtimeTopic("line3", "M-302"),
        MesMqttPublisher.downtime("M-302", down, true, "ELEC_FAULT", "Drive tripped", null)).await();
    await().atMost(Duration.ofSeconds(10)).until(() -> ids(list("status=breakdown&line=line3")).contains("M-302"));
    mes.publish(MesMqttPublisher.downtimeTopic("line3", "M-302"),
        MesMqttPublisher.downtime("M-302", down.plusSeconds(1), false, "ELEC_FAULT", "repaired", null)).await();
    // repaired, it is idle, or running when an order is started on it (the database is shared by the run's classes)
    await().atMost(Duration.ofSeconds(10)).until(() -> !"breakdown".equals(machine("M-302").getString("status")));
    String after = machine("M-302").getString("status");
    assertThat(after).isIn("idle", "running");
    assertThat(ids(list("status=" + after + "&line=line3"))).contains("M-302");
    assertThat(ids(list("status=breakdown&line=line3"))).doesNotContain("M-302");
  }

  @Test
  void aMachineNoLongerInThePlantModelIsListedAndSaysSo() {
    String retired = Plant.unique("M-OLD");
    node.db.exec("INSERT INTO machines (machine_id, line_id, name, machine_type) VALUES (?, 'line3', 'Old welder', 'welder')",
        retired);
    try {
      JsonObject old = machine(retired);
      assertThat(old.getBoolean("in_plant_model")).isFalse();
      assertThat(old.getString("status")).isEqualTo("unknown");
      assertThat(machine("M-301").getBoolean("in_plant_model")).isTrue();
    } finally {
      node.db.exec("DELETE FROM machines WHERE machine_id = ?", retired); // other classes count the plant's machines
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"status=bogus", "status=RUNNING", "status=", "line=line%002", "line=%1B%5B31m"})
  void badFiltersAreValidationErrorsNamingTheParameter(String query) {
    JsonObject body = assertErrorBody(node.api.get(MACHINES + "?" + query, supervisor), 400, "INT-003");

    assertThat(body.getJsonArray("details")).singleElement()
        .satisfies(d -> assertThat(((JsonObject) d).getString("field")).isEqualTo(query.substring(0, query.indexOf('='))));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"supervisor", "mes-connector", "hr-connector", "inventory-connector", "erp-connector"})
  void anyKnownClientMayRead(String client) {
    Response response = node.api.get(MACHINES + "?line=line1", node.token(client));

    assertThat(response.status()).as(response.toString()).isEqualTo(200);
    assertThat(ids(response.json())).containsExactly("M-101", "M-102", "M-103");
  }

  @Test
  void anUnknownClientOrNoTokenMayNotRead() {
    String stranger = node.tokens.signed(Map.of("client_id", "stranger", "azp", "stranger", "sub", "stranger"),
        Duration.ofMinutes(5));

    assertErrorBody(node.api.get(MACHINES, stranger), 403, "INT-001");
    assertErrorBody(node.api.get(MACHINES, null), 401, "INT-001");
  }
}
