package verticles.inventory;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.consumer.KafkaConsumerRecords;
import io.vertx.kafka.client.consumer.OffsetAndMetadata;
import io.vertx.sqlclient.Pool;
import mraos.cluster.SingletonLease;
import mraos.config.MraosConfig;
import mraos.db.Database;
import mraos.failures.DeadLetters;
import mraos.health.NodeStatus;
import mraos.metrics.Meters;
import mraos.time.NodeClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The CDC replica (spec §6.3), once in the cluster (a singleton): reads the warehouse's change events from Kafka
 * ({@code inventory.cdc.topic}, keyed by material, so each material's events keep their order in one partition) in
 * batches, applies each batch in ONE PostgreSQL transaction ({@link CdcApply}), and only after that transaction
 * committed commits the batch's offsets (consumer group {@code inventory.cdc.group-id}). A batch whose transaction
 * fails is read again from its first offset after a pause (idempotent by transaction id). Materials where a gap was
 * found are pulled from the warehouse after the commit. The lag (source timestamp to commit) is a Micrometer timer and
 * is shown in the integration status (part {@code inventory-cdc} of INVENTORY). Deployment config:
 * {@code {"mraos": <node config>}}.
 */
public final class CdcReplica extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(CdcReplica.class);
  static final String PART = "inventory-cdc";
  private static final Duration POLL = Duration.ofMillis(200);
  private static final Duration RETRY = Duration.ofSeconds(1);
  private static final Duration PURGE_EVERY = Duration.ofHours(1);
  static final String PURGE = "DELETE FROM inventory_cdc_applied WHERE applied_at < $1";

  private MraosConfig config;
  private InventorySettings settings;
  private Pool pool;
  private Clock clock;
  private DeadLetters deadLetters;
  private SingletonLease.Proof lease;
  private KafkaConsumer<String, String> consumer;
  private Timer lag;
  private DistributionSummary batchSize;
  private final Map<String, Counter> outcomes = new HashMap<>();
  private final Set<String> healing = new HashSet<>();
  private volatile boolean stopped;
  private long statusTimer;
  private long purgeTimer;
  private long appliedTotal;
  private Instant lastAppliedAt;
  private String lastError;

  @Override
  public Future<?> start() {
    config = MraosConfig.from(config().getJsonObject("mraos"));
    settings = InventorySettings.of(config);
    pool = Database.pool(vertx, config.database());
    clock = NodeClock.of(vertx);
    deadLetters = DeadLetters.of(config);
    lease = SingletonLease.proof(vertx, config());
    MeterRegistry meters = Meters.registry(config.metricsRegistryName());
    lag = Timer.builder(Meters.INVENTORY_CDC_LAG).description("CDC event source timestamp to commit in the replica")
        .publishPercentiles(0.5, 0.95, 0.99).publishPercentileHistogram().distributionStatisticExpiry(Duration.ofMinutes(1))
        .register(meters);
    batchSize = DistributionSummary.builder(Meters.INVENTORY_CDC_BATCH).register(meters);
    for (String outcome : List.of("applied", "gap", "stale", "duplicate", "invalid")) {
      outcomes.put(outcome, meters.counter(Meters.INVENTORY_CDC_EVENTS, Meters.TAG_OUTCOME, outcome));
    }
    consumer = KafkaConsumer.create(vertx, consumerConfig(config, settings));
    consumer.exceptionHandler(e -> LOG.warn("Inventory CDC consumer: {}", e.getMessage()));
    NodeStatus.report(vertx, PART, MraosConfig.INVENTORY, NodeStatus.State.DEGRADED, "starting: subscribing to "
        + settings.cdcTopic());
    statusTimer = vertx.setPeriodic(settings.cdcStatusInterval().toMillis(), id -> report());
    purgeTimer = vertx.setPeriodic(PURGE_EVERY.toMillis(), id -> purge());
    return consumer.subscribe(settings.cdcTopic()).onSuccess(v -> {
      LOG.info("Inventory CDC replica reads {} (group {})", settings.cdcTopic(), settings.cdcGroupId());
      loop();
    });
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    vertx.cancelTimer(statusTimer);
    vertx.cancelTimer(purgeTimer);
    NodeStatus.forget(vertx, PART);
    return consumer.close();
  }

  static Map<String, String> consumerConfig(MraosConfig config, InventorySettings settings) {
    Map<String, String> c = new HashMap<>();
    c.put("bootstrap.servers", config.kafka().bootstrapServers());
    c.put("group.id", settings.cdcGroupId());
    c.put("client.id", "mraos-cdc-" + config.node().name());
    c.put("key.deserializer", "org.apache.kafka.common.serialization.StringDeserializer");
    c.put("value.deserializer", "org.apache.kafka.common.serialization.StringDeserializer");
    c.put("enable.auto.commit", "false");
    c.put("auto.offset.reset", "earliest");
    c.put("max.poll.records", String.valueOf(settings.cdcMaxPollRecords()));
    c.put("fetch.max.wait.ms", "50");
    return c;
  }

  private void loop() {
    if (stopped) {
      return;
    }
    consumer.poll(POLL).onComplete(ar -> {
      if (stopped) {
        return;
      }
      if (ar.failed()) {
        failed("Kafka poll failed: " + ar.cause().getMessage(), Map.of());
        return;
      }
      KafkaConsumerRecords<String, String> records = ar.result();
      if (records.isEmpty()) {
        loop();
        return;
      }
      if (!lease.held()) {
        LOG.info("Inventory CDC replica: the singleton's lease is gone; it applies nothing more here");
        stopped = true;
        return;
      }
      apply(records);
    });
  }

  private void apply(KafkaConsumerRecords<String, String> records) {
    List<CdcApply.Input> inputs = new ArrayList<>(records.size());
    Map<TopicPartition, Long> first = new HashMap<>();
    Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
    for (int i = 0; i < records.size(); i++) {
      KafkaConsumerRecord<String, String> r = records.recordAt(i);
      TopicPartition tp = new TopicPartition(r.topic(), r.partition());
      first.putIfAbsent(tp, r.offset());
      next.put(tp, new OffsetAndMetadata(r.offset() + 1, null));
      inputs.add(new CdcApply.Input(r.topic(), r.partition(), r.offset(), r.key(), r.value()));
    }
    Instant now = clock.instant();
    pool.withTransaction(tx -> CdcApply.apply(tx, inputs, now, settings, deadLetters))
        .compose(result -> consumer.commit(next).map(committed -> result))
        .onSuccess(result -> {
          committed(result, inputs.size());
          loop();
        })
        .onFailure(e -> failed("a batch of " + inputs.size() + " CDC event(s) was not applied: " + e.getMessage(), first));
  }

  private void committed(CdcApply.Result result, int size) {
    long committedAt = clock.millis();
    for (Instant source : result.sourceTimes()) {
      lag.record(Math.max(0, committedAt - source.toEpochMilli()), TimeUnit.MILLISECONDS);
    }
    batchSize.record(size);
    outcomes.get("applied").increment(result.applied());
    outcomes.get("gap").increment(result.gaps());
    outcomes.get("stale").increment(result.stale());
    outcomes.get("duplicate").increment(result.duplicates());
    outcomes.get("invalid").increment(result.invalid());
    appliedTotal += result.applied() + result.gaps();
    lastAppliedAt = Instant.ofEpochMilli(committedAt);
    lastError = null;
    result.events().committed(vertx);
    for (String material : result.heal()) {
      if (healing.add(material)) {
        LOG.info("Inventory CDC: a gap in {}'s events; its stock is pulled from the warehouse", material);
        StockPull.pull(vertx, pool, clock, config, material, "cdc-gap-" + material)
            .onComplete(ar -> {
              healing.remove(material);
              if (ar.failed()) {
                LOG.warn("Inventory CDC: the gap in {} was not healed ({})", material, ar.cause().getMessage());
              }
            });
      }
    }
  }

  /** Reads the batch again from its first offsets after a pause (its transaction rolled back; nothing was committed). */
  private void failed(String error, Map<TopicPartition, Long> first) {
    lastError = error;
    LOG.warn("Inventory CDC replica: {}; tried again in {}", error, RETRY);
    report();
    List<Future<Void>> seeks = new ArrayList<>();
    first.forEach((tp, offset) -> seeks.add(consumer.seek(tp, offset)));
    Future.join(seeks).onComplete(ar -> vertx.setTimer(RETRY.toMillis(), id -> loop()));
  }

  /**
   * Forgets the transaction ids applied longer ago than {@code inventory.cdc.applied-retention}: a replay older than
   * that is no longer recognised by its id (it is still stale by its time, unless no newer event came since).
   */
  private void purge() {
    pool.preparedQuery(PURGE).execute(io.vertx.sqlclient.Tuple.of(StockStore.utc(clock.instant()
            .minus(settings.cdcAppliedRetention()))))
        .onSuccess(rows -> {
          if (rows.rowCount() > 0) {
            LOG.info("Inventory CDC: {} applied transaction id(s) past their retention forgotten", rows.rowCount());
          }
        })
        .onFailure(e -> LOG.warn("Inventory CDC: applied transaction ids not purged ({})", e.getMessage()));
  }

  private void report() {
    double p99 = 0;
    for (ValueAtPercentile v : lag.takeSnapshot().percentileValues()) {
      if (v.percentile() == 0.99) {
        p99 = v.value(TimeUnit.MILLISECONDS);
      }
    }
    JsonObject data = new JsonObject().put("topic", settings.cdcTopic()).put("events_applied", appliedTotal)
        .put("lag_p99_ms", Math.round(p99)).put("lag_max_ms", Math.round(lag.max(TimeUnit.MILLISECONDS)))
        .put("last_applied_at", lastAppliedAt == null ? null : lastAppliedAt.toString());
    if (lastError != null) {
      NodeStatus.report(vertx, PART, MraosConfig.INVENTORY, NodeStatus.State.DEGRADED, "CDC replica behind: " + lastError, data);
    } else if (p99 > settings.cdcLagWarning().toMillis()) {
      NodeStatus.report(vertx, PART, MraosConfig.INVENTORY, NodeStatus.State.DEGRADED, "CDC replica lag p99 "
          + Math.round(p99) + " ms (over " + settings.cdcLagWarning().toMillis() + " ms)", data);
    } else {
      NodeStatus.report(vertx, PART, MraosConfig.INVENTORY, NodeStatus.State.UP, "CDC replica applying " + settings.cdcTopic()
          + ": " + appliedTotal + " event(s), lag p99 " + Math.round(p99) + " ms", data);
    }
  }
}
