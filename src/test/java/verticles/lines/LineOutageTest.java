package verticles.lines;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import simulators.MesMqttPublisher;
import testsupport.Api.Response;
import testsupport.Mosquitto;
import testsupport.OwnDatabase;
import testsupport.Plant;
import testsupport.Ports;
import testsupport.TcpProxy;
import testsupport.TestNode;
import verticles.erp.ErpRoutes;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static simulators.MesMqttPublisher.count;
import static simulators.MesMqttPublisher.countTopic;

/**
 * Nothing the MES sends is lost when what MRAOS depends on goes away (spec §4.4, §10.2 MES test 4): PostgreSQL stopped
 * while counts keep coming (acknowledgements withheld, counts applied exactly once when it returns), the network to the
 * broker cut while counts are in flight (the line reconnects, the broker redelivers what was not acknowledged and what
 * queued in the line's session, each applied once), and the broker itself restarted. This class has its own database
 * and its own broker (Mosquitto, reached through a relay the test can cut), so it can take them away.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LineOutageTest {

  static OwnDatabase database;
  static Mosquitto broker;
  static TcpProxy network;
  static TestNode node;
  static Vertx vertx;
  static MesMqttPublisher mes;
  /** A work order per machine of line 3, started there: the counts of each machine go to its own. */
  static final Map<String, String> workOrders = new java.util.HashMap<>();

  @BeforeAll
  static void start() throws Exception {
    database = OwnDatabase.start("line-outage");
    int brokerPort = Ports.free();
    broker = Mosquitto.start(database.dir.resolve("mqtt"), brokerPort);
    vertx = Vertx.vertx();
    network = TcpProxy.start(vertx, "127.0.0.1", brokerPort);
    node = TestNode.start(Map.of(
        "database.url", database.url(),
        "mqtt.url", "mqtt://127.0.0.1:" + network.port(),
        "mqtt.reconnect-delays", new io.vertx.core.json.JsonArray(List.of("200ms", "500ms")),
        "lines.retry-delay", "200ms"));
    mes = MesMqttPublisher.connect(vertx, broker.url(), "mes-outage-test").await();
    String material = Plant.unique("MAT");
    String erp = node.token("erp-connector");
    node.api.postJson(ErpRoutes.MATERIALS, erp, Plant.materials(Plant.material(material, "A-1", "Panel")));
    for (String machine : List.of("M-301", "M-302", "M-303")) {
      JsonObject event = Plant.workOrderEvent("work_order.created", Plant.unique("WO-ERP"), Plant.bomLine(material, "A-1", "Panel", 2));
      event.getJsonObject("work_order").put("quantity_ordered", 100_000);
      Response created = node.api.postJson(ErpRoutes.WORK_ORDERS, erp, event);
      assertThat(created.status()).as(created.toString()).isEqualTo(200);
      workOrders.put(machine, created.json().getString("mraos_work_order_id"));
      Plant.start(node, workOrders.get(machine), machine);
    }
    node.awaitLines();
  }

  @AfterAll
  static void stop() throws Exception {
    mes.disconnect().otherwiseEmpty().await();
    node.close();
    network.close();
    vertx.close().await();
    broker.close();
    database.close();
  }

  @Test
  @Order(1)
  void postgresqlStoppedUnderTrafficEveryCountIsAppliedExactlyOnceWhenItReturns() throws Exception {
    int cumulative = 0;
    cumulative = taken(publish(cumulative, 50, "M-301"));
    await().atMost(Duration.ofSeconds(20)).until(() -> produced() == 50);

    database.stop();
    cumulative = taken(publish(cumulative, 200, "M-301")); // the broker takes them; the line holds what it may, unacknowledged
    cumulative = taken(publish(cumulative, 200, "M-302"));
    Thread.sleep(1_000);

    database.restart();

    int expected = cumulative;
    await("every count applied").atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertThat(produced()).isEqualTo(expected));
    Thread.sleep(1_000); // and none twice, even after the redeliveries settle
    assertThat(produced()).isEqualTo(expected);
    assertThat(logged()).isEqualTo(expected);
  }

  @Test
  @Order(2)
  void theNetworkToTheBrokerCutMidStreamLosesNothingAndCountsNothingTwice() throws Exception {
    int before = (int) produced();
    Sent sent = publish(before, 300, "M-302");
    await("some counts arrive").atMost(Duration.ofSeconds(10)).until(() -> produced() > before);
    network.cut(); // mid-stream: some counts are in the line's hands unacknowledged, the rest still at the broker
    await("the line notices").atMost(Duration.ofSeconds(10)).until(() -> "down".equals(node.status.state("line-line3")));
    int cumulative = taken(publish(taken(sent), 100, "M-302")); // queued in the line's persistent session meanwhile
    assertThat(produced()).as("nothing is applied while the line is away").isLessThan(cumulative);

    network.restore();
    node.awaitLines();
    await("nothing lost").atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(produced()).isEqualTo(cumulative));
    Thread.sleep(1_000); // redeliveries of counts the line had applied but not yet acknowledged are not counted again
    assertThat(produced()).isEqualTo(cumulative);
    assertThat(logged()).isEqualTo(cumulative);
  }

  @Test
  @Order(3)
  void aRestartedBrokerIsReconnectedToAndTheLinesQueuedMessagesAreApplied() throws Exception {
    int before = (int) produced();
    mes.disconnect().await();
    broker.stop();
    await("the lines notice").atMost(Duration.ofSeconds(10)).until(() -> "down".equals(node.status.state("line-line3")));
    // the broker is the lines' business: the node still serves its API (ERP, supervisors) meanwhile
    assertThat(node.api.get("/health/ready", null).status()).isEqualTo(200);
    assertThat(node.status.now().getJsonObject("systems").getJsonObject("MES").getString("color")).isEqualTo("red");

    broker.restart();
    mes = MesMqttPublisher.connect(vertx, broker.url(), "mes-outage-test-2").await();
    int cumulative = taken(publish(before, 100, "M-303")); // some may wait in line3's saved session until it is back

    node.awaitLines();
    await("nothing lost").atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(produced()).isEqualTo(cumulative));
    Thread.sleep(1_000);
    assertThat(produced()).isEqualTo(cumulative);
    assertThat(node.db.count("SELECT count(*) FROM production_logs WHERE machine_id = 'M-303'")).isEqualTo(100);
  }

  private static long logged() {
    return node.db.count("SELECT count(*) FROM production_logs WHERE work_order_id IN (?, ?, ?)", workOrders.values().toArray());
  }

  /** Counts published, with the broker's acknowledgements still to come. */
  private record Sent(List<Future<Integer>> acks, int cumulative) {
  }

  /** Publishes {@code n} counts of one unit on a line-3 machine for its work order, not waiting for the broker. */
  private static Sent publish(int cumulative, int n, String machine) {
    List<Future<Integer>> acks = new ArrayList<>();
    Instant now = Instant.now();
    for (int i = 1; i <= n; i++) {
      acks.add(mes.publish(countTopic("line3", machine), count(machine, workOrders.get(machine), now.plusMillis(i), 1, cumulative + i)));
    }
    return new Sent(acks, cumulative + n);
  }

  /** Waits until the broker has taken every count; returns the new cumulative. */
  private static int taken(Sent sent) throws Exception {
    Future.all(sent.acks()).await(30, TimeUnit.SECONDS);
    return sent.cumulative();
  }

  /** What the line's work orders have produced, together. */
  private static long produced() {
    try {
      return ((BigDecimal) node.db.value("SELECT sum(quantity_produced) FROM work_orders WHERE work_order_id IN (?, ?, ?)",
          workOrders.values().toArray())).longValue();
    } catch (IllegalStateException databaseAway) {
      return -1;
    }
  }
}
