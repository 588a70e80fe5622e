package verticles.kafka;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import mraos.config.KafkaConfig;
import mraos.events.Outbox;
import mraos.metrics.Meters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Moves committed events from {@code outbox_events} to Kafka, oldest first, and deletes them once Kafka acknowledged
 * them (at least once; consumers deduplicate on the envelope's message_id): a round takes the oldest events out in one
 * statement and commits that only once every send succeeded. One relay works at a time in the whole
 * cluster (a PostgreSQL advisory lock held by its transaction), which keeps events in commit order. Woken after each
 * commit on this node, and polling in case a node died with events left behind. Wake-ups are coalesced: a round starts
 * {@code kafka.outbox.coalesce} after the first wake-up (and never while one is under way), so under load one
 * transaction relays the events of many commits instead of one or two.
 */
final class OutboxRelay {

  private static final Logger LOG = LoggerFactory.getLogger(OutboxRelay.class);

  /** Arbitrary constant naming the relay's advisory lock ("MRAOSOBX"). */
  static final long LOCK_KEY = 0x4D52414F534F4258L;
  private final Vertx vertx;
  private final Pool pool;
  private final KafkaProducer<String, String> producer;
  private final KafkaConfig config;
  private final Counter relayed;
  private boolean running;
  private boolean again;
  private boolean backingOff;
  private boolean stopped;
  private long pollTimer = -1;
  private long coalesceTimer = -1;

  OutboxRelay(Vertx vertx, Pool pool, KafkaProducer<String, String> producer, KafkaConfig config, MeterRegistry meters) {
    this.vertx = vertx;
    this.pool = pool;
    this.producer = producer;
    this.config = config;
    this.relayed = meters.counter(Meters.OUTBOX_RELAYED);
  }

  void start() {
    pollTimer = vertx.setPeriodic(config.outboxPollInterval().toMillis(), id -> wakeUp());
    wakeUp();
  }

  void stop() {
    stopped = true;
    vertx.cancelTimer(pollTimer);
    if (coalesceTimer >= 0) {
      vertx.cancelTimer(coalesceTimer);
    }
  }

  /**
   * Something was committed (or the poll timer fired): relay in {@code coalesce}, gathering whatever else is
   * committed meanwhile, or after the round under way.
   */
  void wakeUp() {
    if (stopped || backingOff) {
      return;
    }
    if (running) {
      again = true;
      return;
    }
    if (coalesceTimer >= 0) {
      return; // a round is about to start
    }
    if (config.outboxCoalesce().isZero()) {
      relay();
      return;
    }
    coalesceTimer = vertx.setTimer(config.outboxCoalesce().toMillis(), id -> {
      coalesceTimer = -1;
      relay();
    });
  }

  private void relay() {
    if (stopped || backingOff || running) {
      return;
    }
    running = true;
    again = false;
    pool.withTransaction(this::relayBatch).onComplete(ar -> {
      running = false;
      if (ar.failed()) {
        LOG.warn("Outbox relay round failed ({}); events stay in the outbox, next attempt in {} ms", ar.cause().getMessage(),
            config.outboxRetryBackoff().toMillis());
        backingOff = true;
        vertx.setTimer(config.outboxRetryBackoff().toMillis(), id -> {
          backingOff = false;
          wakeUp();
        });
      } else if (ar.result() >= config.outboxBatchSize()) {
        relay(); // a backlog: at once
      } else if (again) {
        wakeUp();
      }
    });
  }

  /** @return how many events were relayed (0 when another node's relay holds the lock) */
  private Future<Integer> relayBatch(SqlConnection tx) {
    return Outbox.takeOldest(tx, LOCK_KEY, config.outboxBatchSize()).compose(events -> {
      if (events.isEmpty()) {
        return Future.succeededFuture(0);
      }
      List<Future<?>> sends = new ArrayList<>(events.size());
      for (Row row : events) {
        sends.add(producer.send(KafkaProducerRecord.create(row.getString("topic"), row.getString("message_key"),
            row.getString("envelope"))));
      }
      return Future.all(sends).map(sent -> {
        relayed.increment(events.size());
        return events.size();
      });
    });
  }
}
