package mraos.audit;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.DatabaseException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import mraos.config.MraosConfig.AuditConfig;
import mraos.http.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes audit rows in batches (one round trip for up to {@code audit.batch-size} rows, or whatever gathered within
 * {@code audit.flush-interval-ms}), so auditing every request costs the hot path almost nothing. One instance per
 * verticle, used on its event loop only. While the database is unreachable rows wait, up to a bound; past it the
 * oldest are dropped with an error log naming how many.
 */
public final class AuditLog {

  private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);

  static final String INSERT = """
      INSERT INTO integration_audit_log (timestamp, integration_type, direction, external_system, request_payload,
          response_payload, http_status_code, processing_time_ms, success, error_message, user_id, correlation_id,
          http_method, endpoint, node)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)""";

  private final Vertx vertx;
  private final Pool pool;
  private final AuditConfig config;
  private final String node;
  private final int maxPending;
  private List<Tuple> pending = new ArrayList<>();
  private List<Promise<Void>> waiting = new ArrayList<>();
  private long timer = -1;
  private boolean writing;

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
      timer = vertx.setTimer(config.flushIntervalMs(), id -> {
        timer = -1;
        flush();
      });
    }
    return promise.future();
  }

  /** Writes whatever is waiting now; the future completes when it is stored. */
  public Future<Void> flush() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
    if (writing || pending.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Tuple> batch = pending;
    List<Promise<Void>> promises = waiting;
    pending = new ArrayList<>();
    waiting = new ArrayList<>();
    writing = true;
    return write(batch)
        .onComplete(ar -> {
          writing = false;
          if (ar.failed()) {
            LOG.warn("Could not write {} audit row(s): {}; keeping them for the next attempt", batch.size(), ar.cause().getMessage());
            pending.addAll(0, batch);
            waiting.addAll(0, promises);
            if (timer < 0) {
              timer = vertx.setTimer(Math.max(1000, config.flushIntervalMs()), id -> {
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
  }

  /**
   * One round trip for the batch. If PostgreSQL refuses the data itself (SQLSTATE class 22 or 23) the rows are written
   * one by one and the refused ones dropped with an error log, so one bad row cannot block the audit trail. (Should
   * the database fail in the middle of that, the batch is retried whole and some rows may be written twice.)
   */
  private Future<Void> write(List<Tuple> batch) {
    return pool.preparedQuery(INSERT).executeBatch(batch).<Void>mapEmpty().recover(err -> {
      if (!isDataError(err)) {
        return Future.failedFuture(err);
      }
      List<Future<?>> singles = new ArrayList<>();
      for (Tuple row : batch) {
        singles.add(pool.preparedQuery(INSERT).execute(row).recover(rowErr -> {
          if (!isDataError(rowErr)) {
            return Future.failedFuture(rowErr);
          }
          LOG.error("Dropped an audit row PostgreSQL refuses ({}): correlation id {}", rowErr.getMessage(), row.getValue(11));
          return Future.succeededFuture();
        }));
      }
      return Future.all(singles).mapEmpty();
    });
  }

  private static boolean isDataError(Throwable err) {
    return err instanceof DatabaseException db && db.getSqlState() != null
        && (db.getSqlState().startsWith("22") || db.getSqlState().startsWith("23"));
  }

  /** Everything a caller controls is cut to its column and cleaned of what PostgreSQL cannot store. */
  private Tuple toTuple(AuditEntry e) {
    return Tuple.from(new Object[] {
        OffsetDateTime.ofInstant(e.timestamp(), ZoneOffset.UTC), text(e.integrationType(), 50), e.direction().sql(),
        text(e.externalSystem(), 50), jsonb(e.requestPayload()), jsonb(e.responsePayload()), e.httpStatus(),
        (int) Math.min(Integer.MAX_VALUE, e.processingTimeMs()), e.success(), text(e.errorMessage(), 10_000),
        text(e.userId(), 50), text(e.correlationId(), 100), text(e.httpMethod(), 10), text(e.endpoint(), 300), node});
  }

  /** JSON stays JSON; anything else (a CSV body, broken JSON) is kept as text inside {"raw": ...}; huge ones truncated. */
  private Object jsonb(Object payload) {
    if (payload == null) {
      return null;
    }
    if (payload instanceof JsonObject || payload instanceof JsonArray) {
      String text = payload.toString();
      if (text.length() <= config.maxPayloadChars()) {
        return Json.storable(payload, text);
      }
      return new JsonObject().put("truncated", true).put("raw", Json.storable(text.substring(0, config.maxPayloadChars())));
    }
    String text = Json.storable(payload.toString());
    JsonObject raw = new JsonObject();
    if (text.length() > config.maxPayloadChars()) {
      raw.put("truncated", true);
      text = text.substring(0, config.maxPayloadChars());
    }
    return raw.put("raw", text);
  }

  private static String text(String s, int max) {
    String clean = Json.storable(s);
    return clean == null || clean.length() <= max ? clean : clean.substring(0, max);
  }
}
