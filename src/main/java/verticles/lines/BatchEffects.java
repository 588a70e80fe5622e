package verticles.lines;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import mraos.events.Envelope;
import mraos.events.Outbox;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * What one batch of a line's messages sets off besides its rows, gathered while it is applied: the events for Kafka
 * (written to the outbox with the batch, in order), the supervisors' alerts (breakdowns, defects), and the live-feed
 * events sent once the batch has committed.
 */
final class BatchEffects {

  static final String ALERT = """
      INSERT INTO alerts (created_at, severity, alert_type, line_id, machine_id, work_order_id, message, details)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING alert_id""";

  private final String lineId;
  private final Instant now;
  private final List<JsonObject> live = new ArrayList<>();
  private final List<Tuple> events = new ArrayList<>();
  private final List<Tuple> alerts = new ArrayList<>();

  BatchEffects(String lineId, Instant now) {
    this.lineId = lineId;
    this.now = now;
  }

  String lineId() {
    return lineId;
  }

  Instant now() {
    return now;
  }

  /** A live-feed event of this line: {"type": ..., "line_id": ..., "data": {...}}. */
  void live(String type, JsonObject data) {
    live.add(new JsonObject().put("type", type).put("line_id", lineId).put("data", data));
  }

  List<JsonObject> live() {
    return live;
  }

  /** An event for Kafka, in the standard envelope (Appendix B): {"event_type": ..., field: data}. */
  void event(String topic, String key, String eventType, String field, JsonObject data) {
    events.add(Tuple.of(topic, key, Envelope.wrap(now, Envelope.PLANT_SUBSCRIBERS, null,
        new JsonObject().put("event_type", eventType).put(field, data))));
  }

  /** An alert for the supervisors, written with the next {@link #writeAlerts}. */
  void alert(String severity, String type, String machineId, String workOrderId, String message, JsonObject details) {
    alerts.add(Tuple.from(new Object[] {utc(now), severity, type, lineId, machineId, workOrderId, message, details}));
  }

  /** The alerts gathered since the last call, in one round trip; each goes to the live feed with its id. */
  Future<Void> writeAlerts(SqlConnection tx) {
    if (alerts.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Tuple> written = new ArrayList<>(alerts);
    alerts.clear();
    return tx.preparedQuery(ALERT).executeBatch(written).map(rows -> {
      int i = 0;
      for (RowSet<Row> rs = rows; rs != null; rs = rs.next(), i++) {
        Tuple alert = written.get(i);
        live("alert", new JsonObject()
            .put("alert_id", rs.iterator().next().getLong("alert_id"))
            .put("severity", alert.getString(1)).put("alert_type", alert.getString(2)).put("line_id", alert.getString(3))
            .put("machine_id", alert.getString(4)).put("work_order_id", alert.getString(5)).put("message", alert.getString(6))
            .put("details", alert.getValue(7)).put("created_at", now.toString()));
      }
      return null;
    });
  }

  /** The batch's events into the outbox, in one statement, in order. */
  Future<Void> writeEvents(SqlConnection tx) {
    return Outbox.appendAll(tx, events);
  }

  static OffsetDateTime utc(Instant instant) {
    return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }
}
