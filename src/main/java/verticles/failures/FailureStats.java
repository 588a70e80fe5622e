package verticles.failures;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * The dead-letter figures of spec §7.2 per integration type: how many wait for review (queue depth), how many failed
 * in the last hour and day (failure rate), and how long resolution took on average.
 */
public final class FailureStats {

  static final String BY_TYPE = """
      SELECT integration_type,
             count(*) FILTER (WHERE status IN ('pending_manual_review', 'retrying')) AS open,
             count(*) FILTER (WHERE timestamp >= $1::timestamptz - interval '1 hour') AS last_hour,
             count(*) FILTER (WHERE timestamp >= $1::timestamptz - interval '24 hours') AS last_day,
             avg(EXTRACT(EPOCH FROM resolved_at - timestamp)) FILTER (WHERE status = 'resolved') AS avg_resolution_seconds
        FROM integration_failures GROUP BY integration_type ORDER BY integration_type""";

  private final Pool pool;
  private final Clock clock;

  public FailureStats(Pool pool, Clock clock) {
    this.pool = pool;
    this.clock = clock;
  }

  /** {"queue_depth": n, "by_type": {type: {open, failed_last_hour, failed_last_day, avg_resolution_seconds}}}. */
  public Future<JsonObject> snapshot() {
    return pool.preparedQuery(BY_TYPE).execute(Tuple.of(OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC)))
        .map(rows -> {
          JsonObject byType = new JsonObject();
          long depth = 0;
          for (Row row : rows) {
            long open = row.getLong("open");
            depth += open;
            Object avg = row.getValue("avg_resolution_seconds");
            byType.put(row.getString("integration_type"), new JsonObject()
                .put("open", open)
                .put("failed_last_hour", row.getLong("last_hour"))
                .put("failed_last_day", row.getLong("last_day"))
                .put("avg_resolution_seconds", avg == null ? null : ((Number) avg).doubleValue()));
          }
          return new JsonObject().put("queue_depth", depth).put("by_type", byType);
        });
  }
}
