package mraos.events;

import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

/**
 * Writes events into the transactional outbox ({@code outbox_events}) on the caller's connection, so an event is
 * committed exactly when the change it describes is. The Kafka verticle relays and deletes them.
 */
public final class Outbox {

  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

  static final String INSERT = "INSERT INTO outbox_events (topic, message_key, envelope) VALUES ($1, $2, $3)";

  private Outbox() {
  }

  /** Tells this node's relay that events were committed (a hint: it also polls). */
  public static void wakeUp(EventBus bus) {
    bus.send(Addresses.OUTBOX_WAKE_UP, null, LOCAL);
  }

  public static Future<Void> append(SqlClient tx, String topic, String key, JsonObject envelope) {
    return tx.preparedQuery(INSERT).execute(Tuple.of(topic, key, envelope)).mapEmpty();
  }

  /** Many events in one round trip: each tuple is (topic, key, envelope). */
  public static Future<Void> appendAll(SqlClient tx, java.util.List<Tuple> events) {
    return events.isEmpty() ? Future.succeededFuture() : tx.preparedQuery(INSERT).executeBatch(events).mapEmpty();
  }
}
