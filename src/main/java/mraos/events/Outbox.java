package mraos.events;

import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The transactional outbox ({@code outbox_events}): events are written on the caller's connection, so an event is
 * committed exactly when the change it describes is, and the Kafka verticle relays and deletes them. Every statement
 * on the table is here; an area whose change and events go in one statement appends with {@link #APPEND} in front of
 * its own {@code SELECT topic, message_key, envelope}.
 */
public final class Outbox {

  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

  /** The head of an insert into the outbox: follow it with a query of (topic, message key, envelope as jsonb). */
  public static final String APPEND = "INSERT INTO outbox_events (topic, message_key, envelope)";

  static final String INSERT = APPEND + " VALUES ($1, $2, $3)";

  /** Several events in one statement, in the order given. */
  static final String INSERT_ALL = APPEND + """

      SELECT topic, message_key, envelope::jsonb
        FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS e(topic, message_key, envelope, n)
       ORDER BY n""";

  /**
   * A relay round's one statement: if this transaction gets the relay's lock ($1), the oldest events ($2 of them) are
   * deleted and returned (the deletion commits only once Kafka has them all; otherwise the transaction rolls back and
   * they stay). No rows: the outbox is empty, or another node's relay holds the lock.
   */
  static final String TAKE = """
      WITH leader AS (SELECT pg_try_advisory_xact_lock($1) AS leader)
      DELETE FROM outbox_events
       WHERE (SELECT leader FROM leader)
         AND event_id IN (SELECT event_id FROM outbox_events ORDER BY event_id LIMIT $2)
      RETURNING event_id, topic, message_key, envelope::text AS envelope""";

  static final String PENDING = "SELECT count(*) FROM outbox_events";

  private Outbox() {
  }

  /** Tells this node's relay that events were committed (a hint: it also polls). */
  public static void wakeUp(EventBus bus) {
    bus.send(Addresses.OUTBOX_WAKE_UP, null, LOCAL);
  }

  public static Future<Void> append(SqlClient tx, String topic, String key, JsonObject envelope) {
    return tx.preparedQuery(INSERT).execute(Tuple.of(topic, key, envelope)).mapEmpty();
  }

  /** Many events in one round trip, in order: each tuple is (topic, key, envelope). */
  public static Future<Void> appendAll(SqlClient tx, List<Tuple> events) {
    if (events.size() <= 1) {
      return events.isEmpty() ? Future.succeededFuture() : tx.preparedQuery(INSERT).execute(events.get(0)).mapEmpty();
    }
    String[] topics = new String[events.size()];
    String[] keys = new String[events.size()];
    String[] envelopes = new String[events.size()];
    for (int i = 0; i < events.size(); i++) {
      Tuple e = events.get(i);
      topics[i] = e.getString(0);
      keys[i] = e.getString(1);
      envelopes[i] = e.getJsonObject(2).encode();
    }
    return tx.preparedQuery(INSERT_ALL).execute(Tuple.of(topics, keys, envelopes)).mapEmpty();
  }

  /**
   * The oldest events (at most {@code limit}), taken out in the caller's transaction if it gets the relay's lock
   * ({@code leaderLock}, an advisory key); in commit order. Empty: none, or another relay holds the lock.
   */
  public static Future<List<Row>> takeOldest(SqlConnection tx, long leaderLock, int limit) {
    return tx.preparedQuery(TAKE).execute(Tuple.of(leaderLock, limit)).map(rows -> {
      List<Row> events = new ArrayList<>(rows.size());
      rows.forEach(events::add);
      events.sort(Comparator.comparingLong(row -> row.getLong("event_id"))); // RETURNING has no order of its own
      return events;
    });
  }

  /** How many events wait to be relayed. */
  public static Future<Long> pending(SqlClient db) {
    return db.query(PENDING).execute().map(rows -> rows.iterator().next().getLong(0));
  }
}
