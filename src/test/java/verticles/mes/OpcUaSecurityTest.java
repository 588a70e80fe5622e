package verticles.mes;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import mraos.health.NodeStatus;
import mraos.node.Node;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import simulators.MesOpcUaServer.Status;
import simulators.MesOpcUaServer;
import testsupport.Ports;
import testsupport.TestNode;
import testsupport.TestServices;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The spec's OPC UA connection (§4.2.1): Basic256Sha256 + SignAndEncrypt with a username and password. One node with
 * three endpoints: the right password (status flows), a wrong one (refused, readiness DOWN with the server's reason),
 * and one whose server is not there yet when the node starts (start-up does not wait; it connects once the server
 * appears) and whose server certificate, trusted on first use, must not change (another one is refused, with the
 * reason on readiness, until the genuine server is back).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OpcUaSecurityTest {

  static final String NAMESPACE = "urn:mraos:mes";
  static final String USER = "mraos_integration";
  static final String PASSWORD = "opc-secret";

  static Path certificates;
  static MesOpcUaServer mes;
  static int latePort;
  static MesOpcUaServer late;
  static TestNode node;
  static StatusInbox inbox;

  @BeforeAll
  static void start() throws Exception {
    certificates = Files.createTempDirectory("mraos-opcua-secure-");
    MesOpcUaServer.Options secured = MesOpcUaServer.Options.of(NAMESPACE).withLogin(USER, PASSWORD).withoutAnonymousNone();
    mes = MesOpcUaServer.start(0, List.of("M-201", "M-203"), secured);
    latePort = Ports.free();
    Map<String, Object> overrides = Map.ofEntries(
        Map.entry("mes.opcua.endpoints.mes-main", endpoint(mes.url(), PASSWORD, "M-203")),
        Map.entry("mes.opcua.endpoints.mes-wrong", endpoint(mes.url(), "not-the-password", "M-201")),
        Map.entry("mes.opcua.endpoints.mes-late", endpoint("opc.tcp://127.0.0.1:" + latePort + MesOpcUaServer.PATH, PASSWORD, "M-301")),
        Map.entry("mes.opcua.publishing-interval", "100ms"),
        Map.entry("mes.opcua.sampling-interval", "50ms"),
        Map.entry("mes.opcua.keep-alive", "1s"),
        Map.entry("mes.opcua.request-timeout", "2s"),
        Map.entry("mes.opcua.reconnect-backoff-min", "200ms"),
        Map.entry("mes.opcua.reconnect-backoff-max", "2s"),
        Map.entry("mes.opcua.rediscover-after", "3s"),
        Map.entry("mes.opcua.certificate-dir", certificates.toString()));
    TestServices services = TestServices.get();
    // never ready (one endpoint refuses MRAOS), so not TestNode.start, which waits for that
    node = TestNode.wrap(services, Node.start(services.nodeConfig(overrides)));
    inbox = new StatusInbox(node.node.vertx(), "line2", "line3");
  }

  static JsonObject endpoint(String url, String password, String machine) {
    return new JsonObject().put("url", url).put("security-mode", "SignAndEncrypt").put("username", USER)
        .put("password", password).put("password-file", "").put("machines", new JsonArray().add(machine));
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
    if (late != null) {
      late.close();
    }
    try (var paths = Files.walk(certificates)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Test
  @Order(1)
  void signAndEncryptWithTheRightPasswordDeliversStatus() throws Exception {
    awaitComponent("opcua-mes-main", true, Duration.ofSeconds(30));
    assertThat(component("opcua-mes-main").getString("detail")).contains("SignAndEncrypt");

    mes.setStatus("M-203", new Status("Running", 91.0, "WO-4700", 7, 44.1, 0));
    JsonObject status = inbox.await(m -> OpcUaEndpointVerticleTest.shows(m, "M-203", mes.status("M-203")), Duration.ofSeconds(5));

    assertThat(status.getString("endpoint")).isEqualTo("mes-main");
    // the client's certificate was made at first start, the server's trusted on first use, both kept for next time
    assertThat(certificates.resolve("mes-main/client.p12")).isRegularFile();
    assertThat(Files.readAllBytes(certificates.resolve("mes-main/server.der"))).isEqualTo(mes.certificate().getEncoded());
  }

  @Test
  @Order(2)
  void aWrongPasswordIsRefusedAndTheIntegrationStatusSaysWhy() {
    // the detail read once: the endpoint keeps retrying, and between two reads it can say "connecting to ..." again
    JsonObject wrong = await("mes-wrong refused").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
        .until(() -> component("opcua-mes-wrong"), c -> c != null && c.getString("detail").contains("cannot connect"));

    assertThat(wrong.getString("status")).isEqualTo("down");
    assertThat(wrong.getString("detail")).containsAnyOf("Bad_UserAccessDenied", "Bad_IdentityTokenInvalid", "Bad_IdentityTokenRejected");
    assertThat(node.status.state("opcua-mes-wrong")).isEqualTo("down");
    assertThat(node.api.get("/health/ready", null).status()).as("still serving its API").isEqualTo(200);
  }

  @Test
  @Order(3)
  void startUpDoesNotWaitForTheServerAndConnectsWhenItAppears() throws Exception {
    await("mes-late retrying").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
        .until(() -> component("opcua-mes-late") != null && component("opcua-mes-late").getString("detail").contains("cannot connect"));
    JsonObject before = component("opcua-mes-late");
    assertThat(before.getString("status")).isEqualTo("down");
    assertThat(before.getString("detail")).contains("cannot connect").contains("next attempt");

    late = MesOpcUaServer.start(latePort, List.of("M-301"),
        MesOpcUaServer.Options.of(NAMESPACE).withLogin(USER, PASSWORD).withoutAnonymousNone());
    awaitComponent("opcua-mes-late", true, Duration.ofSeconds(30));

    late.setStatus("M-301", new Status("Running", 70.0, "WO-4800", 1, 39.0, 0));
    JsonObject status = inbox.await(m -> OpcUaEndpointVerticleTest.shows(m, "M-301", late.status("M-301")), Duration.ofSeconds(5));
    assertThat(status.getString("_line")).isEqualTo("line3");
    assertThat(status.getString("endpoint")).isEqualTo("mes-late");
  }

  @Test
  @Order(4)
  void aServerWithAnotherCertificateIsRefusedUntilTheTrustedOneIsBack() throws Exception {
    late.close();
    MesOpcUaServer impostor = MesOpcUaServer.start(latePort, List.of("M-301"),
        MesOpcUaServer.Options.of(NAMESPACE).withLogin(USER, PASSWORD).withoutAnonymousNone());
    try {
      // Milo retries with the certificate it knows, then MRAOS rediscovers and meets the new one: refused
      await("impostor refused").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
          .until(() -> component("opcua-mes-late").getString("detail").contains("another certificate"));
      impostor.setStatus("M-301", new Status("Faulted", 0.0, "WO-4800", 1, 39.0, 5));

      List<JsonObject> received = inbox.collect(Duration.ofSeconds(2));
      assertThat(received).noneMatch(m -> "Faulted".equals(m.getString("current_status")));
      assertThat(component("opcua-mes-late").getString("status")).isEqualTo("down");
    } finally {
      impostor.close();
    }
    late.restart(); // the genuine server, same certificate: trusted again
    awaitComponent("opcua-mes-late", true, Duration.ofSeconds(30));
  }

  /** An endpoint's part of the integration status, as this node reports it. */
  static JsonObject component(String name) {
    return NodeStatus.parts(node.node.vertx()).get(name);
  }

  static void awaitComponent(String name, boolean up, Duration within) {
    await(name + (up ? " up" : " down")).atMost(within).pollInterval(Duration.ofMillis(50))
        .until(() -> component(name) != null && component(name).getString("status").equals(up ? "up" : "down"));
  }
}
