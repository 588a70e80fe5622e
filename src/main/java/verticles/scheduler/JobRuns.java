package verticles.scheduler;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import mraos.http.Json;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** scheduled_runs: a row per job and slot. Inserting it is how a run is claimed, so it happens once in the cluster. */
final class JobRuns {

  static final String LAST_SLOT = "SELECT max(slot) AS last_slot FROM scheduled_runs WHERE job = $1";
  static final String CLAIM = """
      INSERT INTO scheduled_runs (job, slot, status, trigger, node, started_at) VALUES ($1, $2, $3, $4, $5, $6)
      ON CONFLICT (job, slot) DO NOTHING RETURNING job""";
  static final String FINISH = """
      UPDATE scheduled_runs SET status = $3, finished_at = $4, summary = $5, error = $6 WHERE job = $1 AND slot = $2""";
  static final String RECENT = """
      SELECT job, slot, status, trigger, node, started_at, finished_at, summary, error FROM scheduled_runs
       WHERE ($1::text IS NULL OR job = $1) ORDER BY started_at DESC LIMIT $2""";

  private JobRuns() {
  }

  /** The latest slot the job has a row for (run, running or skipped), or null if it never had one. */
  static Future<Instant> lastSlot(Pool pool, String job) {
    return pool.preparedQuery(LAST_SLOT).execute(Tuple.of(job))
        .map(rows -> Json.instant(rows.iterator().next().getOffsetDateTime("last_slot")));
  }

  /** True if this call claimed the slot (no other node or run has). */
  static Future<Boolean> claim(Pool pool, String job, Instant slot, String status, String trigger, String node, Instant now) {
    return pool.preparedQuery(CLAIM).execute(Tuple.of(job, utc(slot), status, trigger, node, utc(now)))
        .map(rows -> rows.size() == 1);
  }

  static Future<Void> finish(Pool pool, String job, Instant slot, boolean succeeded, JsonObject summary, String error,
                             Instant now) {
    return pool.preparedQuery(FINISH).execute(Tuple.of(job, utc(slot), succeeded ? "succeeded" : "failed", utc(now), summary,
        error)).mapEmpty();
  }

  static Future<JsonArray> recent(Pool pool, String job, int limit) {
    return pool.preparedQuery(RECENT).execute(Tuple.of(job, limit)).map(rows -> {
      JsonArray runs = new JsonArray();
      for (Row row : rows) {
        runs.add(new JsonObject()
            .put("job", row.getString("job"))
            .put("slot", Json.time(Json.instant(row.getOffsetDateTime("slot"))))
            .put("status", row.getString("status"))
            .put("trigger", row.getString("trigger"))
            .put("node", row.getString("node"))
            .put("started_at", Json.time(Json.instant(row.getOffsetDateTime("started_at"))))
            .put("finished_at", Json.time(Json.instant(row.getOffsetDateTime("finished_at"))))
            .put("summary", row.getValue("summary"))
            .put("error", row.getString("error")));
      }
      return runs;
    });
  }

  static OffsetDateTime utc(Instant instant) {
    return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }
}
