package verticles.mes;

import io.vertx.core.json.JsonObject;
import mraos.health.NodeStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import simulators.MesOpcUaServer.Status;
import simulators.MesOpcUaServer;
import testsupport.TestNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A real MRAOS node subscribed to the MES simulator's OPC UA server (security None): status changes reach the
 * machine's line within a second (spec §10.2 MES test 1, with a 100 ms publishing interval), one full snapshot per
 * machine; and after the OPC UA server stops and comes back on the same port, the subscription is re-created by itself
 * within 30 s and changes flow again, readiness DOWN meanwhile and UP after (noting status nodes the MES lacks).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OpcUaEndpointVerticleTest {

  static final String NAMESPACE = "urn:mraos:mes";
  static final String COMPONENT = "opcua-mes-main";

  static Path certificates;
  static MesOpcUaServer mes;
  static TestNode node;
  static StatusInbox inbox;

  @BeforeAll
  static void start() throws Exception {
    certificates = Files.createTempDirectory("mraos-opcua-");
    mes = MesOpcUaServer.start(0, List.of("M-101", "M-203"), MesOpcUaServer.Options.of(NAMESPACE));
    node = TestNode.start(overrides(mes.url()));
    inbox = new StatusInbox(node.node.vertx(), "line1", "line2");
    awaitComponent(true, Duration.ofSeconds(30));
  }

  /** Short intervals so that a test sees in milliseconds what the plant sees in seconds. */
  static Map<String, Object> overrides(String url) {
    return Map.ofEntries(
        Map.entry("mes.opcua.endpoints.mes-main.url", url),
        // M-102 is in the plant model but not on this MES; M-999 is in neither
        Map.entry("mes.opcua.endpoints.mes-main.machines", "M-101,M-203,M-102,M-999"),
        Map.entry("mes.opcua.publishing-interval", "100ms"),
        Map.entry("mes.opcua.sampling-interval", "50ms"),
        Map.entry("mes.opcua.keep-alive", "1s"),
        Map.entry("mes.opcua.request-timeout", "2s"),
        Map.entry("mes.opcua.reconnect-backoff-min", "200ms"),
        Map.entry("mes.opcua.reconnect-backoff-max", "2s"),
        Map.entry("mes.opcua.certificate-dir", String.valueOf(certificates)));
  }

  @AfterAll
  static void stop() throws Exception {
    if (inbox != null) {
      inbox.close();
    }
    if (node != null) {
      node.close();
    }
    if (mes != null) {
      mes.close();
    }
    try (var paths = Files.walk(certificates)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @BeforeEach
  void forgetEarlierMessages() {
    inbox.clear();
  }

  @Test
  @Order(1)
  void statusChangeReachesTheMachinesLineWithinOneSecond() throws Exception {
    Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    long changed = System.nanoTime();
    mes.setStatus("M-203", new Status("Running", 85.2, "WO-4600", 12, 45.3, 0), at);

    // the server samples each value on its own: wait for the message that shows all of them changed
    JsonObject status = inbox.await(m -> shows(m, "M-203", mes.status("M-203")) && at.toString().equals(m.getString("source_timestamp")),
        Duration.ofSeconds(5));
    Duration took = Duration.ofNanos(System.nanoTime() - changed);

    assertThat(took).as("delivery time").isLessThan(Duration.ofSeconds(1));
    assertThat(status.getString("_line")).isEqualTo("line2");
    assertThat(status.getDouble("utilization_percentage")).isEqualTo(85.2);
    assertThat(status.getString("current_work_order_id")).isEqualTo("WO-4600");
    assertThat(status.getLong("units_produced_this_cycle")).isEqualTo(12);
    assertThat(status.getDouble("cycle_time_seconds")).isEqualTo(45.3);
    assertThat(status.getLong("downtime_seconds")).isZero();
    assertThat(status.getString("source_timestamp")).isEqualTo(at.toString());
    assertThat(status.getString("source")).isEqualTo("opcua");
    assertThat(status.getString("endpoint")).isEqualTo("mes-main");
  }

  @Test
  @Order(2)
  void eachBatchGivesOneFullSnapshotPerChangedMachineOnItsOwnLine() throws Exception {
    mes.setStatus("M-101", new Status("Faulted", 0.0, "WO-4601", 3, 50.0, 120));

    JsonObject faulted = inbox.await(m -> shows(m, "M-101", mes.status("M-101")), Duration.ofSeconds(5));
    List<JsonObject> more = inbox.collect(Duration.ofMillis(500));

    assertThat(faulted.getString("_line")).isEqualTo("line1");
    assertThat(faulted.getLong("downtime_seconds")).isEqualTo(120);
    assertThat(faulted.fieldNames()).contains("machine_id", "current_status", "utilization_percentage", "current_work_order_id",
        "units_produced_this_cycle", "cycle_time_seconds", "downtime_seconds", "source_timestamp", "source", "endpoint");
    // M-203, which did not change, sends nothing; M-101's messages each carry its whole status
    assertThat(more).noneMatch(m -> "M-203".equals(m.getString("machine_id")));
    assertThat(more).allMatch(m -> m.getString("current_status") != null && m.containsKey("cycle_time_seconds"));
  }

  @Test
  @Order(3)
  void subscriptionComesBackByItselfAfterTheServerRestarts() throws Exception {
    mes.stop();

    awaitComponent(false, Duration.ofSeconds(20));
    // the MES being away is the integrations' status, not the node's readiness: ERP and the API are still served
    assertThat(node.api.get("/health/ready", null).status()).isEqualTo(200);
    assertThat(node.status.state(COMPONENT)).isEqualTo("down");

    long restarted = System.nanoTime();
    mes.restart();
    awaitComponent(true, Duration.ofSeconds(30));
    Duration recovered = Duration.ofNanos(System.nanoTime() - restarted);

    inbox.clear();
    mes.setStatus("M-203", new Status("Stopped", 10.5, "WO-4602", 40, 44.0, 30));
    JsonObject after = inbox.await(m -> shows(m, "M-203", mes.status("M-203")), Duration.ofSeconds(5));

    assertThat(recovered).as("time to a new subscription").isLessThan(Duration.ofSeconds(30));
    assertThat(after.getString("current_work_order_id")).isEqualTo("WO-4602");
    await("up again in the integration status").atMost(Duration.ofSeconds(10))
        .until(() -> "up".equals(node.status.state(COMPONENT)));
  }

  @Test
  @Order(4)
  void theIntegrationStatusSaysWhyWhileTheServerIsAway() throws Exception {
    mes.stop();
    try {
      awaitComponent(false, Duration.ofSeconds(20));
      JsonObject part = node.status.part(COMPONENT);
      assertThat(part.getString("color")).isEqualTo("red");
      assertThat(part.getString("detail")).containsAnyOf("lost", "cannot connect", "reconnecting");
      assertThat(node.status.now().getJsonObject("systems").getJsonObject("MES").getString("status"))
          .as("the MES with its OPC UA endpoint down").isNotEqualTo("up");
    } finally {
      mes.restart();
    }
    awaitComponent(true, Duration.ofSeconds(30));
    // up, and honest about the nodes the MES does not have
    assertThat(component().getString("detail")).contains("subscription").contains("3 machines").contains("refused 7 of them");
  }

  /** The message carries every value the MES now holds for the machine. */
  static boolean shows(JsonObject message, String machineId, Status status) {
    return machineId.equals(message.getString("machine_id")) && status.currentStatus().equals(message.getString("current_status"))
        && Double.valueOf(status.utilizationPercentage()).equals(message.getDouble("utilization_percentage"))
        && status.currentWorkOrderId().equals(message.getString("current_work_order_id"))
        && Long.valueOf(status.unitsProducedThisCycle()).equals(message.getLong("units_produced_this_cycle"))
        && Double.valueOf(status.cycleTimeSeconds()).equals(message.getDouble("cycle_time_seconds"))
        && Long.valueOf(status.downtimeSeconds()).equals(message.getLong("downtime_seconds"));
  }

  /** The endpoint's part of the integration status, as this node reports it. */
  static JsonObject component() {
    return NodeStatus.parts(node.node.vertx()).get(COMPONENT);
  }

  static void awaitComponent(boolean up, Duration within) {
    await(COMPONENT + (up ? " up" : " down")).atMost(within).pollInterval(Duration.ofMillis(50))
        .until(() -> component() != null && component().getString("status").equals(up ? "up" : "down"));
  }
}
