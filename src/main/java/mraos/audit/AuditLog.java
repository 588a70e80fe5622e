package mraos.audit;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import mraos.config.AuditConfig;
import mraos.db.BatchedStatements;
import mraos.http.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Array;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes audit rows in batches (one round trip for up to {@code audit.batch-size} rows, or whatever gathered within
 * {@code audit.flush-interval}), so auditing every request costs the hot path almost nothing. One instance per
 * verticle, used on its event loop only. While the database is unreachable rows wait, up to a bound; past it the
 * oldest are dropped with an error log naming how many.
 */
public final class AuditLog {

  private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);
  /** A write that failed (database away) is tried again after this at the soonest: not at the pace of the flushes. */
  private static final long RETRY_MIN_MS = 1_000;

  static final String INSERT = """
      INSERT INTO integration_audit_log (timestamp, integration_type, direction, external_system, request_payload,
          response_payload, http_status_code, processing_time_ms, success, error_message, user_id, correlation_id,
          http_method, endpoint, node)
      VALUES ($1, $2, $3, $4, $5::text::jsonb, $6::text::jsonb, $7, $8, $9, $10, $11, $12, $13, $14, $15)""";

  /** Many rows in one execution: the columns of {@link #INSERT} as parallel arrays. */
  static final String INSERT_MANY = """
      INSERT INTO integration_audit_log (timestamp, integration_type, direction, external_system, request_payload,
          response_payload, http_status_code, processing_time_ms, success, error_message, user_id, correlation_id,
          http_method, endpoint, node)
      SELECT timestamp, integration_type, direction, external_system, request_payload::jsonb, response_payload::jsonb,
             http_status_code, processing_time_ms, success, error_message, user_id, correlation_id, http_method, endpoint, node
        FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int[], $8::int[],
                    $9::bool[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[])
          AS r(timestamp, integration_type, direction, external_system, request_payload, response_payload, http_status_code,
               processing_time_ms, success, error_message, user_id, correlation_id, http_method, endpoint, node)""";

  /** The Java types of {@link #INSERT}'s parameters, for the arrays of {@link #INSERT_MANY}. */
  private static final Class<?>[] COLUMN_TYPES = {
      OffsetDateTime.class, String.class, String.class, String.class, String.class, String.class, Integer.class,
      Integer.class, Boolean.class, String.class, String.class, String.class, String.class, String.class, String.class};

  /**
   * A payload already at hand as the text of a JSON object or array (the request body as received, the response as
   * sent): stored as it is, PostgreSQL turning the text into jsonb, without being parsed or encoded again here.
   */
  public record JsonText(String text) {
  }

  private final Vertx vertx;
  private final Pool pool;
  private final AuditConfig config;
  private final String node;
  private final int maxPending;
  private List<Tuple> pending = new ArrayList<>();
  private List<Promise<Void>> waiting = new ArrayList<>();
  private long timer = -1;
  private boolean writing;
  /** The write under way (when {@code writing}). */
  private Future<Void> current = Future.succeededFuture();

  public AuditLog(Vertx vertx, Pool pool, AuditConfig config, String node) {
    this.vertx = vertx;
    this.pool = pool;
    this.config = config;
    this.node = node;
    this.maxPending = config.batchSize() * 50;
  }

  /** Queues the row; the future completes once it is committed (or failed to be). */
  public Future<Void> record(AuditEntry entry) {
    if (pending.size() >= maxPending) {
      pending.remove(0);
      waiting.remove(0).tryFail("audit backlog full");
      LOG.error("Audit backlog full ({} rows waiting for the database): dropped the oldest row", maxPending);
    }
    pending.add(toTuple(entry));
    Promise<Void> promise = Promise.promise();
    waiting.add(promise);
    if (pending.size() >= config.batchSize()) {
      flush();
    } else if (timer < 0 && !writing) {
      timer = vertx.setTimer(config.flushInterval().toMillis(), id -> {
        timer = -1;
        flush();
      });
    }
    return promise.future();
  }

  /**
   * Writes whatever is waiting now; the future completes when it is stored. While a batch is being written, that write
   * is waited for and then whatever gathered meanwhile is written (a verticle stopping must not leave rows behind).
   */
  public Future<Void> flush() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
    if (writing) {
      return current.compose(v -> flush());
    }
    if (pending.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Tuple> batch = pending;
    List<Promise<Void>> promises = waiting;
    pending = new ArrayList<>();
    waiting = new ArrayList<>();
    writing = true;
    current = write(batch)
        .onComplete(ar -> {
          writing = false;
          if (ar.failed()) {
            LOG.warn("Could not write {} audit row(s): {}; keeping them for the next attempt", batch.size(), ar.cause().getMessage());
            pending.addAll(0, batch);
            waiting.addAll(0, promises);
            if (timer < 0) {
              timer = vertx.setTimer(Math.max(RETRY_MIN_MS, config.flushInterval().toMillis()), id -> {
                timer = -1;
                flush();
              });
            }
            return;
          }
          promises.forEach(Promise::tryComplete);
          if (!pending.isEmpty()) {
            flush();
          }
        });
    return current;
  }

  /**
   * One statement for the batch. If PostgreSQL refuses the data itself (SQLSTATE class 22 or 23) the rows are written
   * one by one and the refused ones dropped with an error log, so one bad row cannot block the audit trail. (Should
   * the database fail in the middle of that, the batch is retried whole and some rows may be written twice.)
   */
  private Future<Void> write(List<Tuple> batch) {
    return pool.preparedQuery(INSERT_MANY).execute(columns(batch)).<Void>mapEmpty().recover(err -> {
      if (!BatchedStatements.isDataError(err)) {
        return Future.failedFuture(err);
      }
      List<Future<?>> singles = new ArrayList<>();
      for (Tuple row : batch) {
        singles.add(pool.preparedQuery(INSERT).execute(row)
            // JSON PostgreSQL refuses as jsonb (e.g. an escaped lone surrogate): the row is kept with its payloads as text
            .recover(rowErr -> BatchedStatements.isDataError(rowErr) ? pool.preparedQuery(INSERT).execute(asRawText(row)) : Future.failedFuture(rowErr))
            .recover(rowErr -> {
              if (!BatchedStatements.isDataError(rowErr)) {
                return Future.failedFuture(rowErr);
              }
              LOG.error("Dropped an audit row PostgreSQL refuses ({}): correlation id {}", rowErr.getMessage(), row.getValue(11));
              return Future.succeededFuture();
            }));
      }
      return Future.all(singles).mapEmpty();
    });
  }

  /** The rows as one array per column. */
  private static Tuple columns(List<Tuple> rows) {
    Object[] arrays = new Object[COLUMN_TYPES.length];
    for (int c = 0; c < arrays.length; c++) {
      Object[] column = (Object[]) Array.newInstance(COLUMN_TYPES[c], rows.size());
      for (int r = 0; r < column.length; r++) {
        column[r] = rows.get(r).getValue(c);
      }
      arrays[c] = column;
    }
    return Tuple.from(arrays);
  }


  /** The same row with the JSON payloads wrapped as text ({"raw": ...}), for JSON that PostgreSQL will not take as jsonb. */
  private Tuple asRawText(Tuple row) {
    Object[] values = new Object[row.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = row.getValue(i);
    }
    for (int i : new int[] {4, 5}) {
      if (values[i] instanceof String text) {
        values[i] = raw(text, false);
      }
    }
    return Tuple.from(values);
  }

  /** Everything a caller controls is cut to its column and cleaned of what PostgreSQL cannot store. */
  private Tuple toTuple(AuditEntry e) {
    return Tuple.from(new Object[] {
        OffsetDateTime.ofInstant(e.timestamp(), ZoneOffset.UTC), text(e.integrationType(), 50), e.direction().sql(),
        text(e.externalSystem(), 50), jsonb(e.requestPayload()), jsonb(e.responsePayload()), e.httpStatus(),
        (int) Math.min(Integer.MAX_VALUE, e.processingTimeMs()), e.success(), text(e.errorMessage(), 10_000),
        text(e.userId(), 50), text(e.correlationId(), 100), text(e.httpMethod(), 10), text(e.endpoint(), 300), node});
  }

  /**
   * The payload as the JSON text of its jsonb column: JSON stays JSON; anything else (a CSV body, broken JSON) is kept
   * as text inside {"raw": ...}; huge ones truncated and marked so; U+0000, which jsonb refuses, becomes U+FFFD.
   */
  private String jsonb(Object payload) {
    if (payload == null) {
      return null;
    }
    String json = payload instanceof JsonText t ? t.text()
        : payload instanceof JsonObject || payload instanceof JsonArray ? payload.toString()
        : null;
    if (json == null) {
      return raw(payload.toString(), false);
    }
    if (json.length() > config.maxPayloadChars()) {
      return raw(json, true);
    }
    // in JSON text U+0000 can only be written escaped; the rare payload carrying one pays for the replacement
    return json.contains("\\u0000") ? json.replace("\\u0000", "\\ufffd") : json;
  }

  /** {"raw": text}, or {"truncated": true, "raw": the first max-payload-chars} for a longer one. */
  private String raw(String text, boolean truncated) {
    String clean = Json.storable(text);
    JsonObject raw = new JsonObject();
    if (truncated || clean.length() > config.maxPayloadChars()) {
      raw.put("truncated", true);
      clean = clean.substring(0, Math.min(clean.length(), config.maxPayloadChars()));
    }
    return raw.put("raw", clean).encode();
  }

  private static String text(String s, int max) {
    String clean = Json.storable(s);
    return clean == null || clean.length() <= max ? clean : clean.substring(0, max);
  }
}
