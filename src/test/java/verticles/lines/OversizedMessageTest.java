package verticles.lines;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import simulators.MesMqttPublisher;
import testsupport.Api.Response;
import testsupport.Mosquitto;
import testsupport.Plant;
import testsupport.Ports;
import testsupport.TestNode;
import verticles.erp.ErpRoutes;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static simulators.MesMqttPublisher.count;
import static simulators.MesMqttPublisher.countTopic;

/**
 * A payload larger than mqtt.max-message-size (256KB) is read, acknowledged and kept as a dead letter with its topic and
 * its first part, marked as truncated with its size; the line goes on applying what follows and the publisher stays
 * connected. Its own broker (Mosquitto, no size limit of its own), so the test measures MRAOS's limits, not a broker's.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class OversizedMessageTest {

  static Mosquitto broker;
  static TestNode node;
  static Vertx vertx;
  static MesMqttPublisher mes;

  @BeforeAll
  static void start() throws Exception {
    broker = Mosquitto.start(Files.createTempDirectory("mraos-oversized-mqtt"), Ports.free());
    vertx = Vertx.vertx();
    node = TestNode.start(Map.of("mqtt.url", broker.url(), "mqtt.client-id-prefix", "mraos-oversized"));
    mes = MesMqttPublisher.connect(vertx, broker.url(), "mes-oversized-test").await();
    node.awaitLines();
  }

  @AfterAll
  static void stop() throws Exception {
    mes.disconnect().otherwiseEmpty().await();
    node.close();
    vertx.close().await();
    broker.close();
  }

  @Test
  void aOneMegabyteCountIsATruncatedDeadLetterAndTheLineGoesOn() {
    String material = Plant.seedMaterial(node);
    JsonObject event = Plant.workOrderEvent("work_order.created", Plant.unique("WO-ERP"), Plant.bomLine(material, "A-1", "Panel", 20));
    event.getJsonObject("work_order").put("quantity_ordered", 10);
    Response created = node.api.postJson(ErpRoutes.WORK_ORDERS, node.token("erp-connector"), event);
    assertThat(created.status()).as(created.toString()).isEqualTo(200);
    String id = created.json().getString("mraos_work_order_id");
    Plant.start(node, id, "M-203");

    Instant now = Instant.now();
    Buffer huge = count("M-203", id, now, 1, 1).put("padding", "x".repeat(1024 * 1024)).toBuffer();
    mes.publish(countTopic("line2", "M-203"), huge).await();
    for (int i = 2; i <= 4; i++) {
      mes.publish(countTopic("line2", "M-203"), count("M-203", id, now.plusMillis(i), 1, i)).await();
    }

    await("the counts after it applied").atMost(Duration.ofSeconds(20)).until(() -> produced(id) == 3);
    await("its dead letter").atMost(Duration.ofSeconds(10)).until(() -> node.db.count(
        "SELECT count(*) FROM integration_failures WHERE original_message::text LIKE ?", "%" + id + "%") == 1);
    Map<String, Object> failure = node.db.rows("SELECT * FROM integration_failures WHERE original_message::text LIKE ?",
        "%" + id + "%").get(0);
    assertThat(failure.get("error_message").toString()).contains("Payload of " + huge.length() + " bytes")
        .contains("mqtt.max-message-size");
    JsonObject original = new JsonObject(failure.get("original_message").toString());
    assertThat(original.getString("topic")).isEqualTo(countTopic("line2", "M-203"));
    assertThat(original.getBoolean("payload_truncated")).isTrue();
    assertThat(original.getInteger("payload_size")).isEqualTo(huge.length());
    assertThat(original.getString("payload_encoding")).isEqualTo("utf-8");
    assertThat(original.getString("payload")).hasSize(4096).isEqualTo(huge.getString(0, 4096));
    assertThat(mes.connected()).as("the publisher is still connected").isTrue();
    assertThat(node.status.state("line-line2")).isEqualTo("up");
    // and it was acknowledged: nothing comes again after the line reconnects
    assertThat(node.db.count("SELECT count(*) FROM integration_failures WHERE original_message::text LIKE ?", "%" + id + "%"))
        .isEqualTo(1);
  }

  static long produced(String id) {
    return ((BigDecimal) node.db.value("SELECT quantity_produced FROM work_orders WHERE work_order_id = ?", id)).longValue();
  }
}
