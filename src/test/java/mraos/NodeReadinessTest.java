package mraos;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import mraos.embedded.EmbeddedKafka;
import mraos.node.Node;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import testsupport.Api.Response;
import testsupport.KafkaTopic;
import testsupport.OwnDatabase;
import testsupport.Plant;
import testsupport.Ports;
import testsupport.TestNode;
import testsupport.TestServices;
import verticles.erp.ErpRoutes;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * /health/ready tells the truth about whether the node can serve its API: UP only while PostgreSQL and the token issuer
 * answer and every verticle runs. A PostgreSQL outage (this class has its own database and Kafka, so it can stop them)
 * turns it DOWN and back. Kafka being away is not the API's business: the node stays ready and serves ERP, the
 * integration status says Kafka is down, and an event committed meanwhile reaches Kafka once it is back.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NodeReadinessTest {

  static OwnDatabase database;
  static EmbeddedKafka kafka;
  static int kafkaPort;
  static int controllerPort;
  static TestNode node;
  static String erp;

  @BeforeAll
  static void start() throws Exception {
    TestServices shared = TestServices.get();
    database = OwnDatabase.start("readiness");
    kafkaPort = Ports.free();
    controllerPort = Ports.free();
    kafka = EmbeddedKafka.start(database.dir.resolve("kafka"), kafkaPort, controllerPort);
    node = TestNode.start(Map.of(
        "database.url", database.url(),
        "kafka.bootstrap-servers", kafka.bootstrapServers(),
        "kafka.health-check-interval", "300ms",
        "kafka.producer.delivery-timeout", "5s"));
    erp = node.token("erp-connector");
    assertThat(shared.issuer).isNotNull();
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
    kafka.close();
    database.close();
  }

  @Test
  @Order(1)
  void readyWhenDatabaseKafkaIssuerAndVerticlesAreUp() {
    Response ready = node.api.get("/health/ready", null);

    assertThat(ready.status()).isEqualTo(200);
    JsonObject body = ready.json();
    assertThat(body.getString("outcome")).isEqualTo("UP");
    assertThat(checks(body)).containsOnlyKeys("database", "token-issuer", "verticles").containsEntry("database", "UP")
        .containsEntry("token-issuer", "UP").containsEntry("verticles", "UP");
    assertThat(node.api.get("/health/live", null).status()).isEqualTo(200);
  }

  @Test
  @Order(2)
  void aKafkaOutageLeavesTheNodeReadyAndEventsWaitInTheOutboxUntilItIsBack() throws Exception {
    seedMaterial();
    kafka.close();

    await("Kafka down in the integration status").atMost(Duration.ofSeconds(30))
        .until(() -> "down".equals(node.status.state("kafka@" + node.config().node().name())));
    JsonObject kafkaStatus = node.status.now().getJsonObject("systems").getJsonObject("KAFKA");
    assertThat(kafkaStatus.getString("color")).isEqualTo("red");
    assertThat(kafkaStatus.getJsonArray("parts").getJsonObject(0).getString("detail")).contains("events wait in the outbox");
    assertThat(node.api.get("/health/ready", null).status()).as("still serving its API").isEqualTo(200);
    assertThat(node.api.get("/health/live", null).status()).isEqualTo(200);

    // ERP is still served: the order and its event commit together in PostgreSQL
    String erpId = Plant.unique("WO-ERP");
    Response created = node.api.postJson(ErpRoutes.WORK_ORDERS, erp, Plant.workOrderEvent("work_order.created", erpId,
        Plant.bomLine(material, "A-1", "Panel", 2)));
    assertThat(created.status()).as(created.toString()).isEqualTo(200);
    String id = created.json().getString("mraos_work_order_id");
    assertThat(node.db.count("SELECT count(*) FROM outbox_events WHERE message_key = ?", id)).isEqualTo(1);

    kafka = EmbeddedKafka.start(database.dir.resolve("kafka"), kafkaPort, controllerPort);

    await("Kafka up again").atMost(Duration.ofSeconds(60))
        .until(() -> "up".equals(node.status.state("kafka@" + node.config().node().name())));
    try (KafkaTopic topic = new KafkaTopic(kafka.bootstrapServers(), "work-orders")) {
      topic.await(e -> id.equals(e.getJsonObject("payload").getJsonObject("work_order").getString("mraos_work_order_id")),
          Duration.ofSeconds(60));
    }
    await("outbox drained").atMost(Duration.ofSeconds(30))
        .until(() -> node.db.count("SELECT count(*) FROM outbox_events WHERE message_key = ?", id) == 0);
  }

  @Test
  @Order(3)
  void databaseOutageMakesTheNodeNotReadyAndRequestsGet503UntilItIsBack() throws Exception {
    seedMaterial();
    database.stop();

    await("not ready without PostgreSQL").atMost(Duration.ofSeconds(30))
        .until(() -> node.api.get("/health/ready", null).status() == 503);
    assertThat(checks(node.api.get("/health/ready", null).json())).containsEntry("database", "DOWN");
    Response refused = node.api.postJson(ErpRoutes.WORK_ORDERS, erp, Plant.workOrderEvent("work_order.created",
        Plant.unique("WO-ERP"), Plant.bomLine(material, "A-1", "Panel", 2)));
    assertThat(refused.status()).as(refused.toString()).isEqualTo(503);
    assertThat(refused.json().getString("error_code")).isEqualTo("SERVICE_UNAVAILABLE");
    assertThat(refused.header("Retry-After")).isPresent();

    database.restart();

    await("ready again").atMost(Duration.ofSeconds(60)).until(() -> node.api.get("/health/ready", null).status() == 200);
    Response accepted = node.api.postJson(ErpRoutes.WORK_ORDERS, erp, Plant.workOrderEvent("work_order.created",
        Plant.unique("WO-ERP"), Plant.bomLine(material, "A-1", "Panel", 2)));
    assertThat(accepted.status()).as(accepted.toString()).isEqualTo(200);
  }

  @Test
  @Order(4)
  void aNodeThatCannotReachItsTokenIssuerIsNotReadyAndAnswers503() {
    try (TestNode orphan = TestNodeWithoutIssuer.start()) {
      await().atMost(Duration.ofSeconds(10)).until(() -> node.api.get("/health/ready", null).status() == 200);
      Response ready = orphan.api.get("/health/ready", null);
      assertThat(ready.status()).isEqualTo(503);
      assertThat(checks(ready.json())).containsEntry("token-issuer", "DOWN");
      Response call = orphan.api.get("/api/v1/work-orders", erp);
      assertThat(call.status()).isEqualTo(503);
      assertThat(call.header("Retry-After")).isPresent();
    }
  }

  static String material;

  private static void seedMaterial() {
    if (material == null) {
      material = Plant.unique("MAT");
      Response response = node.api.postJson(ErpRoutes.MATERIALS, erp, Plant.materials(Plant.material(material, "A-1", "Panel")));
      assertThat(response.status()).as(response.toString()).isEqualTo(200);
    }
  }

  private static Map<String, String> checks(JsonObject health) {
    Map<String, String> checks = new java.util.HashMap<>();
    JsonArray list = health.getJsonArray("checks", new JsonArray());
    list.forEach(c -> checks.put(((JsonObject) c).getString("id"), ((JsonObject) c).getString("status")));
    return checks;
  }

  /** A node pointed at an issuer that does not answer. */
  static final class TestNodeWithoutIssuer {
    static TestNode start() {
      TestServices services = TestServices.get();
      try {
        // its own database (the shared one) makes it another installation: its lines get sessions of their own at the
        // shared broker, or they would take over the sessions of the first node's lines
        Node started = Node.start(services.nodeConfig(Map.of("security.issuer", "http://localhost:" + Ports.free() + "/mraos",
            "security.discovery-retry", "500ms", "mqtt.client-id-prefix", "orphan")));
        return TestNode.wrap(services, started);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
