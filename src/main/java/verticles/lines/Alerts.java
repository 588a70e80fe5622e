package verticles.lines;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import mraos.http.Json;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static verticles.lines.BatchEffects.utc;

/** The supervisors' alerts ({@code alerts}, raised by the lines in their batches) as they are read and acknowledged. */
final class Alerts {

  static final String COLUMNS = """
      alert_id, created_at, severity, alert_type, line_id, machine_id, work_order_id, message, details, acknowledged_by,
      acknowledged_at""";
  /** Every filter is optional (null matches all). A line is named by its id (line2) or its name (Line 2). */
  static final String FILTER = """
       FROM alerts
      WHERE ($1::text IS NULL OR line_id = $1 OR line_id IN (SELECT line_id FROM production_lines WHERE name = $1))
        AND ($2::text IS NULL OR machine_id = $2)
        AND ($3::text IS NULL OR alert_type = $3)
        AND ($4::timestamptz IS NULL OR created_at >= $4)
        AND ($5::boolean IS NULL OR (acknowledged_at IS NOT NULL) = $5)
        AND ($6::text IS NULL OR severity = $6)""";
  static final String PAGE = "SELECT " + COLUMNS + FILTER + " ORDER BY created_at DESC, alert_id DESC LIMIT $7 OFFSET $8";
  static final String COUNT = "SELECT count(*) AS total" + FILTER;
  static final String BY_ID = "SELECT " + COLUMNS + " FROM alerts WHERE alert_id = $1";
  /** Only an alert not yet acknowledged: the first acknowledgement is the one kept. */
  static final String ACKNOWLEDGE = "UPDATE alerts SET acknowledged_by = $2, acknowledged_at = $3"
      + " WHERE alert_id = $1 AND acknowledged_at IS NULL RETURNING " + COLUMNS;

  private Alerts() {
  }

  /** What the list is filtered by; null fields match everything. */
  record Filter(String line, String machine, String type, Instant since, Boolean acknowledged, String severity) {
    Tuple tuple() {
      return Tuple.tuple().addValue(line).addValue(machine).addValue(type).addValue(since == null ? null : utc(since))
          .addValue(acknowledged).addValue(severity);
    }
  }

  record Page(List<JsonObject> items, long total) {
  }

  /** What an acknowledgement found: the alert as it now stands, and whether this call acknowledged it. */
  record Acknowledgement(JsonObject alert, boolean now) {
  }

  static Future<Page> page(SqlClient db, Filter filter, int limit, long offset) {
    Future<Long> total = db.preparedQuery(COUNT).execute(filter.tuple()).map(rows -> rows.iterator().next().getLong("total"));
    Future<List<JsonObject>> items = db.preparedQuery(PAGE).execute(filter.tuple().addInteger(limit).addLong(offset))
        .map(rows -> {
          List<JsonObject> list = new ArrayList<>();
          rows.forEach(row -> list.add(toJson(row)));
          return list;
        });
    return Future.all(total, items).map(v -> new Page(items.result(), total.result()));
  }

  /** Acknowledges the alert (once: a second call finds it acknowledged and changes nothing); empty when unknown. */
  static Future<Optional<Acknowledgement>> acknowledge(SqlClient db, long alertId, String by, Instant at) {
    return db.preparedQuery(ACKNOWLEDGE).execute(Tuple.of(alertId, by, utc(at))).compose(updated -> {
      if (updated.size() > 0) {
        return Future.succeededFuture(Optional.of(new Acknowledgement(toJson(updated.iterator().next()), true)));
      }
      return db.preparedQuery(BY_ID).execute(Tuple.of(alertId)).map(rows -> rows.size() == 0
          ? Optional.<Acknowledgement>empty() : Optional.of(new Acknowledgement(toJson(rows.iterator().next()), false)));
    });
  }

  static JsonObject toJson(Row row) {
    Instant acknowledgedAt = Json.instant(row.getOffsetDateTime("acknowledged_at"));
    return new JsonObject()
        .put("alert_id", row.getLong("alert_id"))
        .put("created_at", Json.time(Json.instant(row.getOffsetDateTime("created_at"))))
        .put("severity", row.getString("severity"))
        .put("alert_type", row.getString("alert_type"))
        .put("line_id", row.getString("line_id"))
        .put("machine_id", row.getString("machine_id"))
        .put("work_order_id", row.getString("work_order_id"))
        .put("message", row.getString("message"))
        .put("details", row.getValue("details"))
        .put("acknowledged", acknowledgedAt != null)
        .put("acknowledged_by", row.getString("acknowledged_by"))
        .put("acknowledged_at", Json.time(acknowledgedAt));
  }
}
