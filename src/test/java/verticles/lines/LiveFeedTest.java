package verticles.lines;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import simulators.MesMqttPublisher;
import testsupport.Plant;
import testsupport.PlantNode;
import testsupport.TestNode;
import verticles.erp.ErpRoutes;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Supervisors' live feed over WebSocket: authenticated, per line or all, a snapshot first, then changes as they happen. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class LiveFeedTest {

  @RegisterExtension
  static final PlantNode plant = PlantNode.start().withMes("mes-live-test");

  static TestNode node;
  static Vertx vertx;
  static WebSocketClient client;
  static MesMqttPublisher mes;

  @BeforeAll
  static void start() {
    node = plant.node();
    vertx = plant.vertx();
    mes = plant.mes();
    client = vertx.createWebSocketClient();
  }

  /**
   * Opens a screen. The handler is set on the connection's event loop as the handshake completes: set after
   * {@code await()} returns (on the test's thread), it could miss the snapshot the node sends at once.
   */
  static WebSocket open(String query, List<JsonObject> into) {
    return client.connect(new WebSocketConnectOptions().setPort(node.config().http().port()).setHost("localhost")
            .setURI("/api/v1/live?" + query))
        .andThen(ar -> {
          if (ar.succeeded()) {
            ar.result().textMessageHandler(text -> into.add(new JsonObject(text)));
          }
        })
        .await();
  }

  @Test
  void aScreenFollowingLine2SeesItsSnapshotAndItsProgressButNotOtherLines() {
    String material = Plant.unique("MAT");
    String erp = node.token("erp-connector");
    node.api.postJson(ErpRoutes.MATERIALS, erp, Plant.materials(Plant.material(material, "A-1", "Panel")));
    testsupport.Api.Response created = node.api.postJson(ErpRoutes.WORK_ORDERS, erp, Plant.workOrderEvent("work_order.created",
        Plant.unique("WO-ERP"), Plant.bomLine(material, "A-1", "Panel", 400)));
    assertThat(created.status()).as(created.toString()).isEqualTo(200);
    String id = created.json().getString("mraos_work_order_id");
    Plant.start(node, id, "M-203");
    List<JsonObject> line2 = new CopyOnWriteArrayList<>();
    List<JsonObject> line1 = new CopyOnWriteArrayList<>();
    open("lines=line2&access_token=" + node.token("supervisor"), line2);
    open("lines=line1&access_token=" + node.token("supervisor"), line1);
    await().atMost(Duration.ofSeconds(10)).until(() -> !line2.isEmpty() && !line1.isEmpty());
    assertThat(line2.get(0).getString("type")).isEqualTo("subscribed");
    assertThat(line2.get(0).getJsonArray("machines")).extracting(m -> ((JsonObject) m).getString("machine_id"))
        .containsExactly("M-201", "M-202", "M-203");

    mes.publish(MesMqttPublisher.countTopic("line2", "M-203"), MesMqttPublisher.count("M-203", id, Instant.now(), 5, 5)).await();

    try {
      await().atMost(Duration.ofSeconds(10)).until(() -> line2.stream().anyMatch(e -> "work_order_progress".equals(e.getString("type"))
        && id.equals(e.getJsonObject("data").getString("mraos_work_order_id"))));
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError("No progress of " + id + " on the line2 screen (it got " + line2 + "); refused by the line: "
          + deadLetters(id), e);
    }
    JsonObject progress = line2.stream().filter(e -> "work_order_progress".equals(e.getString("type"))).findFirst().orElseThrow();
    assertThat(progress.getJsonObject("data").getInteger("quantity_produced")).isEqualTo(5);
    assertThat(progress.getString("line_id")).isEqualTo("line2");
    assertThat(line1).noneMatch(e -> "work_order_progress".equals(e.getString("type")));
  }

  @Test
  void aScreenCanNameLinesLooselyAndChangeWhatItFollows() {
    List<JsonObject> events = new CopyOnWriteArrayList<>();
    WebSocket ws = open("lines=line3,,line1,line3&access_token=" + node.token("supervisor"), events);
    await().atMost(Duration.ofSeconds(10)).until(() -> !events.isEmpty());
    assertThat(events.get(0).getJsonArray("lines")).containsExactly("line1", "line3");
    assertThat(events.get(0).getJsonArray("machines")).extracting(m -> ((JsonObject) m).getString("line_id"))
        .containsOnly("line1", "line3");

    ws.writeTextMessage(new JsonObject().put("subscribe", "all").encode()).await();
    await().atMost(Duration.ofSeconds(10)).until(() -> events.size() >= 2);
    assertThat(events.get(1).getString("lines")).isEqualTo("all");
    assertThat(events.get(1).getJsonArray("machines")).hasSize(9);

    ws.writeTextMessage("not json").await();
    await().atMost(Duration.ofSeconds(10)).until(() -> events.size() >= 3);
    assertThat(events.get(2).getString("type")).isEqualTo("error");
  }

  @Test
  void withoutAValidTokenThereIsNoFeed() {
    assertThatThrownBy(() -> client.connect(new WebSocketConnectOptions().setPort(node.config().http().port())
        .setHost("localhost").setURI("/api/v1/live?lines=line2")).await()).hasMessageContaining("401");
    assertThatThrownBy(() -> client.connect(new WebSocketConnectOptions().setPort(node.config().http().port())
        .setHost("localhost").setURI("/api/v1/live?access_token=garbage")).await()).hasMessageContaining("401");
  }

  /** What the line refused about this work order, if anything (to tell a refusal from a message that never came). */
  private static String deadLetters(String workOrder) {
    return node.db.rows("SELECT error_message FROM integration_failures WHERE original_message::text LIKE ?", "%" + workOrder + "%")
        .toString();
  }
}
