package verticles.lines;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import mraos.embedded.EmbeddedDatabase;
import mraos.embedded.EmbeddedMqttBroker;
import mraos.simulators.MesMqttPublisher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import testsupport.Api.Response;
import testsupport.Plant;
import testsupport.Ports;
import testsupport.TestNode;
import verticles.erp.ErpRoutes;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static mraos.simulators.MesMqttPublisher.count;
import static mraos.simulators.MesMqttPublisher.countTopic;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Nothing the MES sends is lost when what MRAOS depends on goes away (spec §4.4, §10.2 MES test 4): PostgreSQL stopped
 * while counts keep coming (acknowledgements withheld, counts applied exactly once when it returns), and the MQTT
 * broker restarted (the line reconnects and what waited in its session is applied). This class has its own database
 * and broker, so it can stop them.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LineOutageTest {

  static Path dir;
  static EmbeddedDatabase database;
  static int databasePort;
  static EmbeddedMqttBroker broker;
  static int brokerPort;
  static TestNode node;
  static Vertx vertx;
  static MesMqttPublisher mes;
  static String workOrder;

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory("mraos-line-outage-");
    databasePort = Ports.free();
    database = EmbeddedDatabase.start(dir.resolve("postgres"), databasePort, "mraos", "mraos", true);
    brokerPort = Ports.free();
    broker = EmbeddedMqttBroker.start(dir.resolve("mqtt"), brokerPort);
    node = TestNode.start(Map.of(
        "database.url", database.url(),
        "mqtt.url", broker.url(),
        "mqtt.reconnect-delays", new io.vertx.core.json.JsonArray(List.of("200ms", "500ms")),
        "lines.retry-delay", "200ms"));
    vertx = Vertx.vertx();
    mes = MesMqttPublisher.connect(vertx, broker.url(), "mes-outage-test").await();
    String material = Plant.unique("MAT");
    String erp = node.token("erp-connector");
    node.api.postJson(ErpRoutes.MATERIALS, erp, Plant.materials(Plant.material(material, "A-1", "Panel")));
    JsonObject event = Plant.workOrderEvent("work_order.created", Plant.unique("WO-ERP"), Plant.bomLine(material, "A-1", "Panel", 2));
    event.getJsonObject("work_order").put("quantity_ordered", 100_000);
    Response created = node.api.postJson(ErpRoutes.WORK_ORDERS, erp, event);
    assertThat(created.status()).as(created.toString()).isEqualTo(200);
    workOrder = created.json().getString("mraos_work_order_id");
    await().atMost(Duration.ofSeconds(20)).until(() -> node.api.get("/health/ready", null).status() == 200);
  }

  @AfterAll
  static void stop() throws Exception {
    mes.disconnect().await();
    vertx.close().await();
    node.close();
    broker.close();
    database.close();
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Test
  @Order(1)
  void postgresqlStoppedUnderTrafficEveryCountIsAppliedExactlyOnceWhenItReturns() throws Exception {
    int cumulative = 0;
    cumulative = publish(cumulative, 50, "M-301");
    await().atMost(Duration.ofSeconds(20)).until(() -> produced() == 50);

    database.close();
    cumulative = publish(cumulative, 200, "M-301"); // the broker takes them; the line holds what it may, unacknowledged
    cumulative = publish(cumulative, 200, "M-302");
    Thread.sleep(1_000);

    database = EmbeddedDatabase.start(dir.resolve("postgres"), databasePort, "mraos", "mraos", false);

    int expected = cumulative;
    await("every count applied").atMost(Duration.ofSeconds(90)).until(() -> produced() == expected);
    Thread.sleep(1_000); // and none twice, even after the redeliveries settle
    assertThat(produced()).isEqualTo(expected);
    assertThat(node.db.count("SELECT count(*) FROM production_logs WHERE work_order_id = ?", workOrder)).isEqualTo(expected);
  }

  @Test
  @Order(2)
  void aRestartedBrokerIsReconnectedToAndTheLinesQueuedMessagesAreApplied() throws Exception {
    int before = (int) produced();
    broker.close();
    await("line notices").atMost(Duration.ofSeconds(10)).until(() -> node.api.get("/health/ready", null).status() == 503);

    broker = EmbeddedMqttBroker.start(dir.resolve("mqtt"), brokerPort);
    mes = MesMqttPublisher.connect(vertx, broker.url(), "mes-outage-test-2").await();
    int cumulative = publish(before, 100, "M-303"); // some may wait in line3's persistent session until it is back

    await("reconnected").atMost(Duration.ofSeconds(30)).until(() -> node.api.get("/health/ready", null).status() == 200);
    System.out.println("DEBUG before=" + before + " expected=" + cumulative);
    for (int i = 0; i < 30 && produced() != cumulative; i++) {
      Thread.sleep(1000);
      System.out.println("DEBUG produced=" + produced() + " m303=" + node.db.count("SELECT count(*) FROM production_logs WHERE machine_id = 'M-303'")
          + " failures=" + node.db.count("SELECT count(*) FROM integration_failures"));
    }
    await("nothing lost").atMost(Duration.ofSeconds(30)).until(() -> produced() == cumulative);
    assertThat(node.db.count("SELECT count(*) FROM production_logs WHERE machine_id = 'M-303'")).isEqualTo(100);
  }

  /** Publishes {@code n} counts of one unit for {@link #workOrder} on a line-3 machine; returns the new cumulative. */
  private static int publish(int cumulative, int n, String machine) throws Exception {
    List<Future<Integer>> acks = new ArrayList<>();
    Instant now = Instant.now();
    for (int i = 1; i <= n; i++) {
      acks.add(mes.publish(countTopic("line3", machine), count(machine, workOrder, now.plusMillis(i), 1, cumulative + i)));
    }
    Future.all(acks).await(30, TimeUnit.SECONDS);
    return cumulative + n;
  }

  private static long produced() {
    try {
      return ((BigDecimal) node.db.value("SELECT quantity_produced FROM work_orders WHERE work_order_id = ?", workOrder)).longValue();
    } catch (IllegalStateException databaseAway) {
      return -1;
    }
  }
}
