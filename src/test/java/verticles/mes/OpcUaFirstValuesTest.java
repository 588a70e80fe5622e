package verticles.mes;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import simulators.MesOpcUaServer;
import simulators.MesOpcUaServer.Status;
import testsupport.TestNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With the publishing interval a plant runs (tens of seconds; here a minute, so nothing but the read can explain a
 * fast answer), a machine's status reaches its line right after the subscription is made, not at the end of its first
 * publishing interval: the node's first subscription (its server was away when the node started), and the one made
 * when the MES's OPC UA server comes back after a restart with a status that changed while it was away (the chaos suite's goal: status flowing again within 10 s of the restart).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OpcUaFirstValuesTest {

  static Path certificates;
  static MesOpcUaServer mes;
  static TestNode node;
  static StatusInbox inbox;

  @BeforeAll
  static void start() throws Exception {
    certificates = Files.createTempDirectory("mraos-opcua-first-");
    mes = MesOpcUaServer.start(0, List.of("M-101", "M-203"), MesOpcUaServer.Options.of(OpcUaEndpointVerticleTest.NAMESPACE));
    mes.setStatus("M-101", new Status("Running", 71.5, "WO-FIRST", 3, 40.0, 0));
    // away while the node starts, so that its first subscription is made once this test listens (it keeps trying)
    mes.stop();
    Map<String, Object> overrides = new HashMap<>(OpcUaEndpointVerticleTest.overrides(mes.url()));
    overrides.put("mes.opcua.publishing-interval", "60s");
    overrides.put("mes.opcua.keep-alive", "10s");
    overrides.put("mes.opcua.request-timeout", "5s");
    overrides.put("mes.opcua.certificate-dir", certificates.toString());
    node = TestNode.start(overrides);
    inbox = new StatusInbox(node.node.vertx(), "line1", "line2");
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

  @Test
  @Order(1)
  void theStatusAMachineHadBeforeTheFirstSubscriptionArrivesAtOnce() throws Exception {
    long started = System.nanoTime();
    mes.restart();
    JsonObject first = inbox.await(m -> OpcUaEndpointVerticleTest.shows(m, "M-101", mes.status("M-101")), Duration.ofSeconds(30));
    assertThat(first.getString("current_work_order_id")).isEqualTo("WO-FIRST");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).as("server up → the status it had before")
        .isLessThan(Duration.ofSeconds(10));
  }

  @Test
  @Order(2)
  void aServerBackFromARestartGivesTheStatusThatChangedMeanwhileWithin10Seconds() throws Exception {
    mes.stop();
    mes.setStatus("M-203", new Status("Running", 33.25, "WO-AFTER", 8, 41.0, 0));
    long restarted = System.nanoTime();
    mes.restart();
    inbox.await(m -> OpcUaEndpointVerticleTest.shows(m, "M-203", mes.status("M-203")), Duration.ofSeconds(30));
    Duration took = Duration.ofNanos(System.nanoTime() - restarted);
    assertThat(took).as("server restarted → the status that changed meanwhile").isLessThan(Duration.ofSeconds(10));
  }
}
