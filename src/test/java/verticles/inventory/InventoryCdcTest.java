package verticles.inventory;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import simulators.InventorySimulator;
import testsupport.Api;
import testsupport.Plant;
import testsupport.PlantNode;
import testsupport.TestNode;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static verticles.inventory.InventoryFixture.material;
import static verticles.inventory.InventoryFixture.materialId;

/**
 * The CDC replica (spec §6.3) fed by real Kafka events: applied in order per material, a duplicate or replay changes
 * nothing, a stale event is ignored, a gap is healed by a stock pull of that material, an unreadable event is a dead
 * letter, offsets are committed only after PostgreSQL committed, and the lag is a metric and in the integration status.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class InventoryCdcTest {

  static Vertx vertx;
  static InventorySimulator warehouse;
  static TestNode node;
  static KafkaProducer<String, String> producer;
  static String topic;
  static String group;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    topic = "inventory-cdc-" + Plant.unique("T").toLowerCase();
    group = "mraos-cdc-" + Plant.unique("G").toLowerCase();
    String bootstrap = testsupport.TestServices.get().kafka.bootstrapServers();
    warehouse = InventorySimulator.start(vertx, 0, bootstrap, topic).await();
    PlantNode.setAsideLeftoverCalls();
    node = TestNode.start(Map.of("inventory.base-url", warehouse.baseUrl(), "inventory.cdc.enabled", true,
        "inventory.cdc.topic", topic, "inventory.cdc.group-id", group, "inventory.cdc.status-interval", "200ms"));
    producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap, "acks", "all"), new StringSerializer(),
        new StringSerializer());
  }

  @AfterAll
  static void stop() {
    producer.close();
    node.close();
    warehouse.stop().await();
    vertx.close().await();
  }

  /** A material the replica holds with on hand 500 (stock row and field time as a pull at {@code at} leaves them). */
  static String held(Instant at) {
    String id = materialId();
    node.db.exec("INSERT INTO material_stock (material_id, on_hand_quantity, allocated_quantity, last_updated)"
        + " VALUES (?, 500, 0, ?::timestamptz)", id, at.toString());
    node.db.exec("INSERT INTO inventory_cdc_fields (material_id, field_changed, source_at) VALUES (?, 'on_hand_quantity',"
        + " ?::timestamptz)", id, at.toString());
    return id;
  }

  static JsonObject event(String material, String txn, int old, int now, Instant at) {
    return new JsonObject().put("event_type", "material.stock_updated").put("timestamp", at.toString())
        .put("material_id", material).put("field_changed", "on_hand_quantity").put("old_value", old).put("new_value", now)
        .put("change_reason", "consumption").put("transaction_id", txn);
  }

  static RecordMetadata send(String key, String value) throws Exception {
    return producer.send(new ProducerRecord<>(topic, key, value)).get(10, TimeUnit.SECONDS);
  }

  static BigDecimal onHand(String material) {
    Object value = node.db.value("SELECT on_hand_quantity FROM material_stock WHERE material_id = ?", material);
    return value == null ? null : (BigDecimal) value;
  }

  static long outcomes(String material, String outcome) {
    return node.db.count("SELECT count(*) FROM inventory_cdc_applied WHERE material_id = ? AND outcome = ?", material, outcome);
  }

  @Test
  void eventsApplyInOrderAndDuplicatesAndStaleEventsChangeNothing() throws Exception {
    Instant t0 = Instant.now().minusSeconds(60);
    String m = held(t0);
    String txn = Plant.unique("INV-TXN");
    send(m, event(m, txn + "-1", 500, 450, t0.plusSeconds(1)).encode());
    send(m, event(m, txn + "-2", 450, 400, t0.plusSeconds(2)).encode());
    send(m, event(m, txn + "-3", 400, 350, t0.plusSeconds(3)).encode());
    await().atMost(Duration.ofSeconds(20)).until(() -> outcomes(m, "applied") == 3);
    assertThat(onHand(m)).isEqualByComparingTo("350");

    // the same events again (a replay), and an event older than what the replica holds
    send(m, event(m, txn + "-2", 450, 400, t0.plusSeconds(2)).encode());
    send(m, event(m, txn + "-3", 400, 350, t0.plusSeconds(3)).encode());
    send(m, event(m, txn + "-0", 999, 1000, t0.plusMillis(500)).encode());
    // sent last on the same key (one partition): once it is recorded, the replayed events before it were read
    await().atMost(Duration.ofSeconds(20)).until(() -> outcomes(m, "stale") == 1);

    assertThat(onHand(m)).as("duplicates and the stale event changed nothing").isEqualByComparingTo("350");
    assertThat(outcomes(m, "applied")).isEqualTo(3);
    assertThat(outcomes(m, "stale")).isEqualTo(1);
    assertThat(node.db.value("SELECT last_transaction_id FROM material_stock WHERE material_id = ?", m)).isEqualTo(txn + "-3");
  }

  @Test
  void aGapIsDetectedAndHealedByAStockPullOfThatMaterial() {
    String m = materialId();
    warehouse.seed(List.of(material(m, 100, 100, 0)));
    await().atMost(Duration.ofSeconds(20)).until(() -> onHand(m) != null && onHand(m).compareTo(new BigDecimal("200")) == 0);
    warehouse.clear();

    warehouse.dropCdcEvents(1);
    warehouse.adjust(m, new BigDecimal("-30")); // lost: the replica never hears of it
    warehouse.adjust(m, new BigDecimal("-20")); // old value 170: the replica holds 200

    await().atMost(Duration.ofSeconds(20)).until(() -> outcomes(m, "gap") >= 1);
    await().atMost(Duration.ofSeconds(20)).until(() -> warehouse.received(InventorySimulator.STOCK_LEVELS_PATH).stream()
        .anyMatch(r -> r.query() != null && r.query().contains("material_id=" + m)));
    await().atMost(Duration.ofSeconds(20)).until(() -> onHand(m).compareTo(new BigDecimal("150")) == 0);
    assertThat(node.db.count("SELECT count(*) FROM material_batches WHERE material_id = ?", m)).isEqualTo(2);
  }

  @Test
  void offsetsAreCommittedOnlyAfterTheChangeIsCommittedInPostgresql() throws Exception {
    Instant t0 = Instant.now().minusSeconds(60);
    String m = held(t0);
    var config = node.config().database();
    try (Connection blocker = DriverManager.getConnection("jdbc:" + config.url(), config.user(), config.password())) {
      blocker.setAutoCommit(false);
      try (PreparedStatement lock = blocker.prepareStatement("SELECT * FROM material_stock WHERE material_id = ? FOR UPDATE")) {
        lock.setString(1, m);
        lock.executeQuery();
      }
      RecordMetadata sent = send(m, event(m, Plant.unique("INV-TXN"), 500, 480, t0.plusSeconds(1)).encode());
      TopicPartition partition = new TopicPartition(topic, sent.partition());

      Thread.sleep(2_000); // the replica has the event and waits for the row
      assertThat(onHand(m)).isEqualByComparingTo("500");
      OffsetAndMetadata before = committed(partition);
      assertThat(before == null || before.offset() <= sent.offset()).as("offset not committed past the event: " + before)
          .isTrue();

      blocker.rollback();
      await().atMost(Duration.ofSeconds(20)).until(() -> onHand(m).compareTo(new BigDecimal("480")) == 0);
      await().atMost(Duration.ofSeconds(20)).until(() -> {
        OffsetAndMetadata after = committed(partition);
        return after != null && after.offset() > sent.offset();
      });
    }
  }

  @Test
  void anUnreadableEventIsADeadLetterWithTheRecordAndTheReplicaGoesOn() throws Exception {
    Instant t0 = Instant.now().minusSeconds(60);
    String m = held(t0);
    String broken = event(m, Plant.unique("INV-TXN"), 500, 1, t0.plusSeconds(1)).put("field_changed", "colour").encode();
    send(m, broken);
    send(m, event(m, Plant.unique("INV-TXN"), 500, 490, t0.plusSeconds(1)).encode());

    await().atMost(Duration.ofSeconds(20)).until(() -> onHand(m).compareTo(new BigDecimal("490")) == 0);
    Map<String, Object> failure = node.db.rows("SELECT * FROM integration_failures WHERE integration_type = 'inventory_cdc'"
        + " AND original_message::text LIKE ?", "%" + m + "%").get(0);
    assertThat(failure.get("error_message").toString()).contains("field_changed must be one of");
    assertThat(failure.get("original_message").toString()).contains("colour");
  }

  @Test
  void theLagIsAMetricAndInTheIntegrationStatus() throws Exception {
    String m = held(Instant.now().minusSeconds(60));
    send(m, event(m, Plant.unique("INV-TXN"), 500, 499, Instant.now()).encode());
    await().atMost(Duration.ofSeconds(20)).until(() -> onHand(m).compareTo(new BigDecimal("499")) == 0);

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      Api.Response status = node.api.get("/api/v1/integrations/status", node.token("supervisor"));
      assertThat(status.status()).isEqualTo(200);
      assertThat(status.body()).contains(CdcReplica.PART).contains("lag_p99_ms").contains("events_applied");
    });
    Api.Response metrics = node.api.get("/metrics", null);
    assertThat(metrics.body()).contains("mraos_inventory_cdc_lag_seconds").contains("mraos_inventory_cdc_events_total");
  }

  static OffsetAndMetadata committed(TopicPartition partition) throws Exception {
    try (AdminClient admin = AdminClient.create(Map.of("bootstrap.servers", node.config().kafka().bootstrapServers()))) {
      return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS).get(partition);
    }
  }
}
