package chaos;

import io.vertx.core.json.JsonObject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import testsupport.Db;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Every event MRAOS commits, and every event that reaches Kafka, so the suite can check "every event on Kafka at least
 * once". The outbox deletes what it relays, so a trigger on the rig's own database notes each event's {@code message_id}
 * as it is committed (in the same transaction: an event rolled back is not noted); a consumer of MRAOS's topics, from
 * the beginning, notes each one that arrives. Kafka going away only pauses the consumer.
 */
final class EventWitness implements AutoCloseable {

  private static final Pattern TOPICS = Pattern.compile("work-orders|resource-status|integration-failures");

  private final Db db;
  private final Set<String> onKafka = ConcurrentHashMap.newKeySet();
  private final Thread consumer;
  private volatile boolean running = true;

  EventWitness(Db db, String bootstrapServers) {
    this.db = db;
    db.exec("""
        CREATE TABLE IF NOT EXISTS chaos_committed_events (message_id TEXT PRIMARY KEY, topic TEXT NOT NULL);
        CREATE OR REPLACE FUNCTION chaos_note_event() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          INSERT INTO chaos_committed_events VALUES (NEW.envelope->>'message_id', NEW.topic) ON CONFLICT DO NOTHING;
          RETURN NEW;
        END $$;
        DROP TRIGGER IF EXISTS chaos_note_event ON outbox_events;
        CREATE TRIGGER chaos_note_event AFTER INSERT ON outbox_events FOR EACH ROW EXECUTE FUNCTION chaos_note_event();
        """);
    consumer = new Thread(() -> consume(bootstrapServers), "chaos-kafka-witness");
    consumer.setDaemon(true);
    consumer.start();
  }

  private void consume(String bootstrapServers) {
    try (KafkaConsumer<String, String> kafka = new KafkaConsumer<>(Map.of(
        "bootstrap.servers", bootstrapServers,
        "group.id", "chaos-witness-" + UUID.randomUUID(),
        "auto.offset.reset", "earliest",
        "enable.auto.commit", "false",
        "metadata.max.age.ms", "1000"), new StringDeserializer(), new StringDeserializer())) {
      kafka.subscribe(TOPICS);
      while (running) {
        for (ConsumerRecord<String, String> record : kafka.poll(Duration.ofMillis(200))) {
          onKafka.add(new JsonObject(record.value()).getString("message_id"));
        }
      }
    }
  }

  /** Events committed in MRAOS that have not (yet) reached Kafka. */
  Set<String> missingOnKafka() {
    Set<String> missing = new TreeSet<>();
    for (Map<String, Object> row : db.rows("SELECT message_id FROM chaos_committed_events")) {
      String id = (String) row.get("message_id");
      if (!onKafka.contains(id)) {
        missing.add(id);
      }
    }
    return missing;
  }

  long committed() {
    return db.count("SELECT count(*) FROM chaos_committed_events");
  }

  /** Events still in the outbox (committed, not yet relayed). */
  long inOutbox() {
    return db.count("SELECT count(*) FROM outbox_events");
  }

  List<String> topics() {
    return db.rows("SELECT DISTINCT topic FROM chaos_committed_events ORDER BY topic").stream()
        .map(r -> (String) r.get("topic")).toList();
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    consumer.join(5_000);
  }
}
