package testsupport;

import io.vertx.core.json.JsonObject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

/** Reads a Kafka topic from the beginning, as a downstream consumer would, to find the events MRAOS published. */
public final class KafkaTopic implements AutoCloseable {

  private final KafkaConsumer<String, String> consumer;
  private final List<ConsumerRecord<String, String>> seen = new ArrayList<>();

  public KafkaTopic(String bootstrapServers, String topic) {
    consumer = new KafkaConsumer<>(Map.of(
        "bootstrap.servers", bootstrapServers,
        "group.id", "test-" + UUID.randomUUID(),
        "auto.offset.reset", "earliest",
        "enable.auto.commit", "false"), new StringDeserializer(), new StringDeserializer());
    consumer.subscribe(List.of(topic));
  }

  /** The first record (as JSON) whose value satisfies the predicate, waiting up to {@code timeout}. */
  public synchronized ConsumerRecord<String, String> await(Predicate<JsonObject> matches, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    int checked = 0;
    while (true) {
      for (; checked < seen.size(); checked++) {
        ConsumerRecord<String, String> record = seen.get(checked);
        if (matches.test(new JsonObject(record.value()))) {
          return record;
        }
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("No matching record on the topic within " + timeout + " (" + seen.size() + " seen)");
      }
      consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
    }
  }

  /** Every record seen so far (after a final poll) whose value satisfies the predicate. */
  public synchronized List<JsonObject> all(Predicate<JsonObject> matches) {
    consumer.poll(Duration.ofMillis(500)).forEach(seen::add);
    return seen.stream().map(r -> new JsonObject(r.value())).filter(matches).toList();
  }

  @Override
  public void close() {
    consumer.close();
  }
}
