package verticles.hr;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import mraos.http.Json;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** {@code hr_sync_runs}: what each employee master and shift schedule sync did, or why it failed. */
final class SyncRuns {

  static final String EMPLOYEES = "employees";
  static final String SCHEDULES = "schedules";

  static final String RECORD = """
      INSERT INTO hr_sync_runs (kind, status, started_at, finished_at, summary, error) VALUES ($1, $2, $3, $4, $5, $6)""";
  static final String LATEST = """
      SELECT run_id, kind, status, started_at, finished_at, summary, error FROM hr_sync_runs
       WHERE kind = $1 ORDER BY run_id DESC LIMIT 1""";

  private SyncRuns() {
  }

  /** A sync that finished; in the sync's own transaction, so a summary is kept exactly when its changes are. */
  static Future<Void> succeeded(SqlClient tx, String kind, Instant started, Instant finished, JsonObject summary) {
    return tx.preparedQuery(RECORD).execute(Tuple.of(kind, "succeeded", utc(started), utc(finished), summary, null)).mapEmpty();
  }

  /** A sync that could not finish (and changed nothing). */
  static Future<Void> failed(SqlClient db, String kind, Instant started, Instant finished, String error) {
    return db.preparedQuery(RECORD).execute(Tuple.of(kind, "failed", utc(started), utc(finished), null, error)).mapEmpty();
  }

  /** The latest run of this kind (the last one recorded: clocks may disagree), or null if none ran yet. */
  static Future<JsonObject> latest(Pool pool, String kind) {
    return pool.preparedQuery(LATEST).execute(Tuple.of(kind)).map(rows -> {
      if (rows.size() == 0) {
        return null;
      }
      Row row = rows.iterator().next();
      return new JsonObject().put("run_id", row.getLong("run_id")).put("kind", row.getString("kind"))
          .put("status", row.getString("status"))
          .put("started_at", Json.time(Json.instant(row.getOffsetDateTime("started_at"))))
          .put("finished_at", Json.time(Json.instant(row.getOffsetDateTime("finished_at"))))
          .put("summary", row.getJsonObject("summary")).put("error", row.getString("error"));
    });
  }

  static OffsetDateTime utc(Instant instant) {
    return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }
}
