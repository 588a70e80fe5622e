package verticles.inventory;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.vertx.core.json.JsonObject;
import mraos.embedded.EmbeddedDatabase;
import mraos.metrics.Meters;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import testsupport.Db;
import testsupport.TestNode;
import testsupport.TestServices;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How fast the CDC replica applies the warehouse's change events (issue 17's "Speed"), beside the same driver's
 * ceiling without MRAOS (a plain Kafka consumer of the same events), in one run on this machine. Not part of the test
 * suite (its name does not end in Test); run it with
 * {@code nice -n 15 ./mvnw -B -o test -Dtest=InventoryCdcBenchmark -Dsurefire.failIfNoSpecifiedTests=false}
 * and {@code -Dbench.rate=20000 -Dbench.seconds=30 -Dbench.materials=1000 -Dbench.partitions=4 -Dbench.drain=true}.
 * The lag percentiles are the replica's own timer ({@code mraos.inventory.cdc.lag}), whose window is the last 40-60 s
 * (one-minute expiry): at 30 s they include the node's first seconds (JIT warm-up), at 60 s or more they do not.
 *
 * <p>Paced: a producer sends {@code rate} events/s for {@code seconds} (sleeping between 1 ms steps), each stamped with
 * the time it is sent, keyed by
 * material (every material's old value is the new value of its previous event, so nothing is a gap); the plain consumer
 * (ceiling) and then a node's replica (durable PostgreSQL of its own, fsync on) take them; lag = commit (ceiling: receipt)
 * minus the event's timestamp. Drain: the same number of events already on a topic, read as fast as possible.
 */
class InventoryCdcBenchmark {

  static final int RATE = Integer.getInteger("bench.rate", 20_000);
  static final int SECONDS = Integer.getInteger("bench.seconds", 30);
  static final int MATERIALS = Integer.getInteger("bench.materials", 1_000);
  static final int PARTITIONS = Integer.getInteger("bench.partitions", 4);
  static final int MAX_POLL = Integer.getInteger("bench.max-poll", 5_000);
  /** false: the paced runs only (no drains). */
  static final boolean DRAIN = Boolean.parseBoolean(System.getProperty("bench.drain", "true"));

  @Test
  void replicaBesideTheCeiling() throws Exception {
    TestServices services = TestServices.get();
    String bootstrap = services.kafka.bootstrapServers();
    long run = System.currentTimeMillis();
    int events = RATE * SECONDS;
    List<String> lines = new ArrayList<>();
    lines.add("InventoryCdcBenchmark " + Instant.now() + " rate=" + RATE + "/s seconds=" + SECONDS + " events=" + events
        + " materials=" + MATERIALS + " partitions=" + PARTITIONS + " max-poll=" + MAX_POLL + " cores="
        + Runtime.getRuntime().availableProcessors());

    String ceilingTopic = "bench-ceiling-" + run;
    String pacedTopic = "bench-paced-" + run;
    String drainTopic = "bench-drain-" + run;
    try (AdminClient admin = AdminClient.create(Map.of("bootstrap.servers", bootstrap))) {
      admin.createTopics(List.of(new NewTopic(ceilingTopic, PARTITIONS, (short) 1), new NewTopic(pacedTopic, PARTITIONS, (short) 1),
          new NewTopic(drainTopic, PARTITIONS, (short) 1))).all().get(30, TimeUnit.SECONDS);
    }

    // 1. ceiling, paced: the same producer, a plain consumer, no MRAOS
    long[] ceilingLags = new long[events];
    AtomicLong received = new AtomicLong();
    long[] firstLast = new long[2];
    Thread consumer = new Thread(() -> consume(bootstrap, ceilingTopic, events, ceilingLags, received, firstLast), "ceiling");
    consumer.start();
    Thread.sleep(3_000); // subscribed and assigned
    long sendStartMs = System.currentTimeMillis();
    produce(bootstrap, ceilingTopic, events, RATE, "C");
    consumer.join(TimeUnit.SECONDS.toMillis(SECONDS * 4L + 60));
    double ceilingRate = received.get() / ((firstLast[1] - sendStartMs) / 1000.0);
    Arrays.sort(ceilingLags, 0, (int) received.get());
    lines.add(String.format("ceiling paced: consumed %d of %d, %.0f events/s (first send to last receipt), lag p50 %d ms, p99 %d ms,"
        + " max %d ms", received.get(), events, ceilingRate, pct(ceilingLags, received.get(), 0.50),
        pct(ceilingLags, received.get(), 0.99), received.get() == 0 ? 0 : ceilingLags[(int) received.get() - 1]));

    // 2. the replica, paced: a node on a durable database of its own
    Path dir = Files.createTempDirectory("mraos-bench-pg");
    EmbeddedDatabase durable = EmbeddedDatabase.start(dir, 0, "mraos", "mraos", true, true);
    TestNode node = null;
    try {
      node = TestNode.start(Map.of("database.url", durable.url(), "inventory.cdc.enabled", true,
          "inventory.cdc.topic", pacedTopic, "inventory.cdc.group-id", "bench-" + run,
          "inventory.cdc.max-poll-records", MAX_POLL));
      seed(node.db);
      MeterRegistry meters = Meters.registry(node.config().metricsRegistryName());
      Thread.sleep(3_000);
      long start = System.nanoTime();
      produce(bootstrap, pacedTopic, events, RATE, "P");
      double produced = (System.nanoTime() - start) / 1e9;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SECONDS * 6L + 120);
      while (applied(meters) < events && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      double took = (System.nanoTime() - start) / 1e9;
      Timer lag = meters.get(Meters.INVENTORY_CDC_LAG).timer();
      lines.add(String.format("replica paced: applied %d of %d in %.1f s (producer %.1f s): %.0f events/s, lag p50 %.0f ms,"
          + " p95 %.0f ms, p99 %.0f ms, max %.0f ms, batches mean %.0f events", (long) applied(meters), events, took, produced,
          applied(meters) / took, pct(lag, 0.5), pct(lag, 0.95), pct(lag, 0.99), lag.max(TimeUnit.MILLISECONDS),
          meters.get(Meters.INVENTORY_CDC_BATCH).summary().mean()));
      node.close();
      node = null;
      if (!DRAIN) {
        return;
      }

      // 3. drain: the events wait on a topic; the replica (a fresh node, fresh consumer group) and a plain consumer
      produce(bootstrap, drainTopic, events, Integer.MAX_VALUE, "D");
      AtomicLong drained = new AtomicLong();
      long[] drainFirstLast = new long[2];
      long drainStart = System.nanoTime();
      consume(bootstrap, drainTopic, events, new long[events], drained, drainFirstLast);
      lines.add(String.format("ceiling drain: %d events read in %.2f s: %.0f events/s", drained.get(),
          (System.nanoTime() - drainStart) / 1e9, drained.get() / ((System.nanoTime() - drainStart) / 1e9)));
      node = TestNode.start(Map.of("database.url", durable.url(), "inventory.cdc.enabled", true,
          "inventory.cdc.topic", drainTopic, "inventory.cdc.group-id", "bench-drain-" + run,
          "inventory.cdc.max-poll-records", MAX_POLL));
      seedDrain(node.db);
      MeterRegistry drainMeters = Meters.registry(node.config().metricsRegistryName());
      long first = 0;
      long deadline2 = System.nanoTime() + TimeUnit.SECONDS.toNanos(SECONDS * 6L + 120);
      while (applied(drainMeters) < events && System.nanoTime() < deadline2) {
        if (first == 0 && applied(drainMeters) > 0) {
          first = System.nanoTime();
        }
        Thread.sleep(5);
      }
      double drainTook = (System.nanoTime() - first) / 1e9;
      lines.add(String.format("replica drain: applied %d of %d in %.2f s after its first batch: %.0f events/s",
          (long) applied(drainMeters), events, drainTook, applied(drainMeters) / drainTook));
      node.close();
      node = null;

      // 4. the same drain without publishing each changed material (inventory.cdc.publish-changes: false)
      String quietTopic = "bench-quiet-" + run;
      try (AdminClient admin = AdminClient.create(Map.of("bootstrap.servers", bootstrap))) {
        admin.createTopics(List.of(new NewTopic(quietTopic, PARTITIONS, (short) 1))).all().get(30, TimeUnit.SECONDS);
      }
      produce(bootstrap, quietTopic, events, Integer.MAX_VALUE, "Q");
      node = TestNode.start(Map.of("database.url", durable.url(), "inventory.cdc.enabled", true,
          "inventory.cdc.topic", quietTopic, "inventory.cdc.group-id", "bench-quiet-" + run,
          "inventory.cdc.max-poll-records", MAX_POLL, "inventory.cdc.publish-changes", false));
      seedAs(node.db, "Q");
      MeterRegistry quietMeters = Meters.registry(node.config().metricsRegistryName());
      long quietFirst = 0;
      long deadline3 = System.nanoTime() + TimeUnit.SECONDS.toNanos(SECONDS * 6L + 120);
      while (applied(quietMeters) < events && System.nanoTime() < deadline3) {
        if (quietFirst == 0 && applied(quietMeters) > 0) {
          quietFirst = System.nanoTime();
        }
        Thread.sleep(5);
      }
      double quietTook = (System.nanoTime() - quietFirst) / 1e9;
      lines.add(String.format("replica drain, publish-changes off: applied %d of %d in %.2f s after its first batch:"
          + " %.0f events/s", (long) applied(quietMeters), events, quietTook, applied(quietMeters) / quietTook));
    } finally {
      if (node != null) {
        node.close();
      }
      durable.close();
      lines.forEach(System.out::println);
      Files.write(Path.of("target", "bench-inventory-cdc-" + run + ".txt"), lines);
    }
  }

  /** The materials the paced events change, each on hand 1,000,000 (the events count down from there). */
  private static void seed(Db db) {
    db.exec("INSERT INTO material_stock (material_id, on_hand_quantity) SELECT 'BENCH-P-' || i, 1000000"
        + " FROM generate_series(0, ?) AS i ON CONFLICT (material_id) DO UPDATE SET on_hand_quantity = 1000000", MATERIALS - 1);
  }

  private static void seedDrain(Db db) {
    seedAs(db, "D");
  }

  private static void seedAs(Db db, String prefix) {
    db.exec("INSERT INTO material_stock (material_id, on_hand_quantity) SELECT 'BENCH-" + prefix + "-' || i, 1000000"
        + " FROM generate_series(0, ?) AS i ON CONFLICT (material_id) DO UPDATE SET on_hand_quantity = 1000000", MATERIALS - 1);
  }

  private static double applied(MeterRegistry meters) {
    var counters = meters.find(Meters.INVENTORY_CDC_EVENTS).counters();
    return counters.stream().filter(c -> List.of("applied", "gap").contains(c.getId().getTag(Meters.TAG_OUTCOME)))
        .mapToDouble(c -> c.count()).sum();
  }

  /** Sends {@code events} at {@code rate} per second (paced in 1 ms steps), each stamped when sent. */
  private static void produce(String bootstrap, String topic, int events, int rate, String prefix) throws Exception {
    long[] onHand = new long[MATERIALS];
    Arrays.fill(onHand, 1_000_000);
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap,
        "linger.ms", "2", "batch.size", "262144", "compression.type", "lz4", "acks", "all"),
        new StringSerializer(), new StringSerializer())) {
      long start = System.nanoTime();
      for (int i = 0; i < events; i++) {
        if (rate != Integer.MAX_VALUE) {
          // paced by sleeping, not spinning: on two cores a spinning driver would take a whole core from the node
          long due = start + (long) (i * (1e9 / rate));
          long early = due - System.nanoTime();
          if (early > 1_000_000) {
            java.util.concurrent.locks.LockSupport.parkNanos(early);
          }
        }
        int m = i % MATERIALS;
        String material = "BENCH-" + prefix + "-" + m;
        JsonObject event = new JsonObject().put("event_type", "material.stock_updated")
            .put("timestamp", Instant.now().toString()).put("material_id", material).put("field_changed", "on_hand_quantity")
            .put("old_value", onHand[m]).put("new_value", onHand[m] - 1).put("change_reason", "consumption")
            .put("transaction_id", "BENCH-" + prefix + "-TXN-" + i);
        onHand[m]--;
        producer.send(new ProducerRecord<>(topic, material, event.encode()));
      }
      producer.flush();
    }
  }

  /** Reads {@code events} from the start of the topic, recording each one's lag (receipt minus its timestamp). */
  private static void consume(String bootstrap, String topic, int events, long[] lags, AtomicLong count, long[] firstLast) {
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap,
        "group.id", "bench-plain-" + topic, "auto.offset.reset", "earliest", "enable.auto.commit", "false",
        "max.poll.records", String.valueOf(MAX_POLL)), new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SECONDS * 4L + 60);
      while (count.get() < events && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
          long now = System.currentTimeMillis();
          int i = (int) count.getAndIncrement();
          if (i == 0) {
            firstLast[0] = now;
          }
          firstLast[1] = now;
          String value = r.value();
          int at = value.indexOf("\"timestamp\":\"") + 13;
          long sent = OffsetDateTime.parse(value.substring(at, value.indexOf('"', at))).toInstant().toEpochMilli();
          if (i < lags.length) {
            lags[i] = Math.max(0, now - sent);
          }
        }
        consumer.commitAsync();
      }
    }
  }

  private static long pct(long[] sorted, long n, double p) {
    return n == 0 ? 0 : sorted[(int) Math.min(n - 1, Math.ceil(p * n) - 1)];
  }

  private static double pct(Timer timer, double p) {
    for (ValueAtPercentile v : timer.takeSnapshot().percentileValues()) {
      if (Math.abs(v.percentile() - p) < 1e-9) {
        return v.value(TimeUnit.MILLISECONDS);
      }
    }
    return Double.NaN;
  }
}
