package verticles.lines;

import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.json.JsonObject;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import testsupport.Api.Response;
import testsupport.Plant;
import testsupport.PlantNode;
import testsupport.TestNode;
import verticles.erp.ErpRoutes;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static simulators.MesMqttPublisher.count;
import static simulators.MesMqttPublisher.countTopic;

/**
 * An MES that does not wait: MQTT 3.1.1 lets a client send PUBLISH right behind CONNECT, before the CONNACK. Both in one
 * TCP write must be acknowledged (CONNACK, PUBACK) and the count applied, every time; and a client publishing the moment
 * connect() returns loses nothing. This is the test broker's behaviour as much as MRAOS's (the embedded Moquette lost
 * such publishes now and then; Mosquitto does not).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ConnectAndPublishTest {

  @RegisterExtension
  static final PlantNode plant = PlantNode.start().withMes("mes-connect-publish-test").withMaterial();

  static TestNode node;
  static URI broker;

  @BeforeAll
  static void start() {
    node = plant.node();
    broker = URI.create(node.config().mqtt().url());
  }

  @Test
  void connectAndQos1PublishInOneWriteAreBothAcknowledgedAndTheCountApplied() throws Exception {
    String id = order("M-201");
    Instant at = Instant.now();
    for (int i = 1; i <= 5; i++) {
      byte[] payload = count("M-201", id, at.plusMillis(i), 1, i).encode().getBytes(StandardCharsets.UTF_8);
      ByteArrayOutputStream oneWrite = new ByteArrayOutputStream();
      oneWrite.write(connect(Plant.unique("raw-mes")));
      oneWrite.write(publish(countTopic("line2", "M-201"), i, payload));
      try (Socket socket = new Socket(broker.getHost(), broker.getPort())) {
        socket.setSoTimeout(5_000);
        OutputStream out = socket.getOutputStream();
        out.write(oneWrite.toByteArray());
        out.flush();
        DataInputStream in = new DataInputStream(socket.getInputStream());
        assertThat(packet(in)).as("CONNACK, round " + i).containsExactly(0x20, 0x02, 0x00, 0x00);
        assertThat(packet(in)).as("PUBACK of packet " + i).containsExactly(0x40, 0x02, 0x00, i);
        out.write(new byte[] {(byte) 0xE0, 0x00}); // DISCONNECT
      }
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> produced(id) == 5);
  }

  @Test
  void aClientPublishingTheMomentConnectReturnsLosesNoCount() {
    String id = order("M-202");
    Instant at = Instant.now();
    for (int i = 1; i <= 5; i++) {
      MqttClient client = MqttClient.create(plant.vertx(), new MqttClientOptions().setClientId(Plant.unique("quick-mes"))
          .setCleanSession(true));
      int n = i;
      client.connect(broker.getPort(), broker.getHost())
          .compose(ack -> client.publish(countTopic("line2", "M-202"), count("M-202", id, at.plusMillis(n), 1, n).toBuffer(),
              MqttQoS.AT_LEAST_ONCE, false, false))
          .await();
      client.disconnect().await();
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> produced(id) == 5);
  }

  /** MQTT 3.1.1 CONNECT: clean session, keep-alive 60 s, no credentials. */
  static byte[] connect(String clientId) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write(new byte[] {0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04, 0x02, 0x00, 0x3C});
    writeString(body, clientId);
    return packet(0x10, body.toByteArray());
  }

  /** A QoS 1 PUBLISH. */
  static byte[] publish(String topic, int packetId, byte[] payload) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    writeString(body, topic);
    body.write(new byte[] {(byte) (packetId >> 8), (byte) packetId});
    body.write(payload);
    return packet(0x32, body.toByteArray());
  }

  static byte[] packet(int header, byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(header);
    int length = body.length;
    do { // remaining length, 7 bits a byte
      int digit = length % 128;
      length /= 128;
      out.write(length > 0 ? digit | 0x80 : digit);
    } while (length > 0);
    out.writeBytes(body);
    return out.toByteArray();
  }

  static void writeString(ByteArrayOutputStream out, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    out.write(bytes.length >> 8);
    out.write(bytes.length);
    out.writeBytes(bytes);
  }

  /** The next packet, if it is a short one (CONNACK, PUBACK): its bytes as unsigned ints. */
  static int[] packet(DataInputStream in) throws IOException {
    int header = in.readUnsignedByte();
    int length = in.readUnsignedByte();
    int[] packet = new int[2 + length];
    packet[0] = header;
    packet[1] = length;
    for (int i = 0; i < length; i++) {
      packet[2 + i] = in.readUnsignedByte();
    }
    return packet;
  }

  static String order(String machine) {
    JsonObject event = Plant.workOrderEvent("work_order.created", Plant.unique("WO-ERP"),
        Plant.bomLine(plant.material(), "A-1", "Panel", 20));
    event.getJsonObject("work_order").put("quantity_ordered", 100);
    Response created = node.api.postJson(ErpRoutes.WORK_ORDERS, node.token("erp-connector"), event);
    assertThat(created.status()).as(created.toString()).isEqualTo(200);
    String id = created.json().getString("mraos_work_order_id");
    Plant.start(node, id, machine);
    return id;
  }

  static long produced(String id) {
    return ((BigDecimal) node.db.value("SELECT quantity_produced FROM work_orders WHERE work_order_id = ?", id)).longValue();
  }
}
