package verticles.failures;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import mraos.failures.FailureRetry;
import mraos.failures.IntegrationFailure;
import mraos.http.ApiError;
import mraos.http.ErrorCode;
import mraos.http.Json;
import mraos.outbound.OutboundQueue;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * What integration admins do with failed messages (spec §7.2's dashboard actions): look, retry (as they were or
 * corrected), mark resolved, discard. Every action is recorded with who and when.
 */
public final class FailureReview {

  static final String COLUMNS = """
      failure_id, timestamp, integration_type, direction, external_system, original_message, error_code, error_message,
      stack_trace, retry_count, last_retry_at, status, correlation_id, message_id, resolved_by, resolved_at,
      resolution_note, updated_at""";
  static final String FILTER = """
       FROM integration_failures
      WHERE ($1::text IS NULL OR integration_type = $1) AND ($2::text IS NULL OR status = $2)
        AND ($3::timestamptz IS NULL OR timestamp >= $3) AND ($4::timestamptz IS NULL OR timestamp < $4)""";
  static final String PAGE = "SELECT " + COLUMNS + FILTER + " ORDER BY timestamp DESC, failure_id DESC LIMIT $5 OFFSET $6";
  static final String COUNT = "SELECT count(*) AS total" + FILTER;
  static final String ONE = "SELECT " + COLUMNS + " FROM integration_failures WHERE failure_id = $1";
  static final String LOCK = ONE + " FOR UPDATE";
  static final String ACTIONS = """
      SELECT action, actor, note, payload, acted_at FROM integration_failure_actions WHERE failure_id = $1
       ORDER BY acted_at, action_id""";
  static final String ACT = """
      INSERT INTO integration_failure_actions (failure_id, action, actor, note, payload, acted_at)
      VALUES ($1, $2, $3, $4, $5, $6)""";
  static final String CLOSE = """
      UPDATE integration_failures SET status = $2, resolved_by = $3, resolved_at = $4, resolution_note = $5, updated_at = $4
       WHERE failure_id = $1""";
  static final String RETRYING = """
      UPDATE integration_failures SET status = 'retrying', retry_count = retry_count + 1, last_retry_at = $2, updated_at = $2
       WHERE failure_id = $1""";
  static final String STILL_FAILING = """
      UPDATE integration_failures SET status = 'pending_manual_review', error_message = $2, updated_at = $3
       WHERE failure_id = $1""";

  public record Page(List<JsonObject> items, long total) {
  }

  /** Outcome of a retry: where the failure stands now and what happened. */
  public record RetryOutcome(String status, JsonObject failure, JsonObject detail) {
  }

  private final FailureRetry.Context context;
  private final Map<String, FailureRetry> retries = new HashMap<>();
  private final IntegrationFailures failures;

  public FailureReview(FailureRetry.Context context) {
    this.context = context;
    this.failures = new IntegrationFailures(context.config().kafka().integrationFailuresTopic());
    ServiceLoader.load(FailureRetry.class).forEach(r -> r.integrationTypes().forEach(type -> retries.put(type, r)));
  }

  public Future<Page> page(String integrationType, String status, Instant from, Instant to, int limit, long offset) {
    Tuple filter = Tuple.of(integrationType, status, utc(from), utc(to));
    Future<Long> total = context.pool().preparedQuery(COUNT).execute(filter).map(rows -> rows.iterator().next().getLong("total"));
    Future<List<JsonObject>> items = context.pool().preparedQuery(PAGE)
        .execute(Tuple.of(integrationType, status, utc(from), utc(to), limit, offset)).map(rows -> {
          List<JsonObject> list = new ArrayList<>();
          rows.forEach(row -> list.add(toJson(row)));
          return list;
        });
    return Future.all(total, items).map(v -> new Page(items.result(), total.result()));
  }

  /** One failure with the history of what was done to it. */
  public Future<JsonObject> one(String failureId) {
    return context.pool().preparedQuery(ONE).execute(Tuple.of(failureId)).compose(rows -> {
      if (rows.size() == 0) {
        return Future.failedFuture(notFound(failureId));
      }
      JsonObject failure = toJson(rows.iterator().next());
      return history(context.pool(), failureId).map(actions -> failure.put("actions", actions));
    });
  }

  /** Retries it, with {@code corrected} (the message to apply or send instead) when given. */
  public Future<RetryOutcome> retry(String failureId, JsonObject corrected, String actor, String note) {
    Instant now = context.clock().instant();
    return context.pool().withTransaction(tx -> open(tx, failureId).compose(row -> {
      String action = corrected == null ? "retry" : "edit_and_retry";
      String messageId = row.getString("message_id");
      FailureRetry inbound = retries.get(row.getString("integration_type"));
      if (messageId == null && inbound == null) {
        return Future.failedFuture(ApiError.of(409, ErrorCode.INT_003, "Failures of type " + row.getString("integration_type")
            + " cannot be retried by MRAOS; resolve or discard it once handled").with("failure_id", failureId));
      }
      return act(tx, failureId, action, actor, note, corrected, now)
          .compose(v -> tx.preparedQuery(RETRYING).execute(Tuple.of(failureId, utc(now))))
          .compose(v -> messageId == null ? Future.succeededFuture((String) null)
              : OutboundQueue.requeue(tx, messageId, corrected, now).compose(system -> system != null
                  ? Future.succeededFuture(system)
                  // rolls the whole retry back: nothing was recorded
                  : Future.failedFuture(ApiError.of(409, ErrorCode.INT_003, "Failure " + failureId + "'s call ("
                      + messageId + ") is no longer waiting to be sent again; resolve or discard the failure")
                      .with("failure_id", failureId))))
          .map(system -> new Started(fromRow(row), system, inbound));
    })).compose(started -> {
      if (started.system() != null) {
        context.vertx().eventBus().publish(mraos.events.Addresses.outboundWakeUp(started.system()), null);
        return one(failureId).map(state -> new RetryOutcome("retrying", state, new JsonObject().put("message",
            "Queued for " + started.system() + " again; the outbound path delivers it with a fresh retry schedule")));
      }
      return retryInbound(started.inbound(), started.failure(),
          corrected != null ? corrected : started.failure().originalMessage(), now);
    });
  }

  /** A retry under way: the failure as it was, and where it goes (back to a system's queue, or applied again here). */
  private record Started(IntegrationFailure failure, String system, FailureRetry inbound) {
  }

  private Future<RetryOutcome> retryInbound(FailureRetry retry, IntegrationFailure failure, JsonObject message, Instant now) {
    return retry.retry(context, failure, message).transform(ar -> {
      Future<Void> recorded;
      JsonObject detail;
      if (ar.succeeded()) {
        detail = ar.result();
        recorded = context.pool().withTransaction(tx -> failures.resolveAfterRetry(tx, failure.failureId(), now));
      } else {
        String error = ar.cause() instanceof ApiError api ? api.getMessage() + detailsOf(api) : ar.cause().getMessage();
        detail = new JsonObject().put("error", error);
        recorded = context.pool().withTransaction(tx -> tx.preparedQuery(STILL_FAILING)
            .execute(Tuple.of(failure.failureId(), Json.storable(error), utc(now)))
            .compose(v -> act(tx, failure.failureId(), "retry_failed", "mraos", error, null, now)));
      }
      return recorded.compose(v -> one(failure.failureId()))
          .map(state -> new RetryOutcome(state.getString("status"), state, detail));
    });
  }

  public Future<JsonObject> resolve(String failureId, String actor, String note) {
    return close(failureId, "resolved", "resolve", actor, note);
  }

  public Future<JsonObject> discard(String failureId, String actor, String note) {
    return close(failureId, "discarded", "discard", actor, note);
  }

  /**
   * Closes it. A failure still "retrying" may be closed too (its retry may never report back, e.g. the node died
   * during it); a call it put back in its system's queue is then taken out, so nothing is sent after the decision.
   */
  private Future<JsonObject> close(String failureId, String status, String action, String actor, String note) {
    Instant now = context.clock().instant();
    return context.pool().withTransaction(tx -> open(tx, failureId, Set.of(IntegrationFailure.PENDING_MANUAL_REVIEW, "retrying"))
            .compose(row -> tx.preparedQuery(CLOSE).execute(Tuple.of(failureId, status, actor, utc(now), note))
                .compose(v -> row.getString("message_id") == null ? Future.succeededFuture()
                    : OutboundQueue.withdraw(tx, row.getString("message_id"), failureId, now)))
            .compose(v -> act(tx, failureId, action, actor, note, null, now)))
        .compose(v -> one(failureId));
  }

  private static Future<Row> open(SqlConnection tx, String failureId) {
    return open(tx, failureId, Set.of(IntegrationFailure.PENDING_MANUAL_REVIEW));
  }

  /** The failure, locked, if it is in one of the states the action needs. */
  private static Future<Row> open(SqlConnection tx, String failureId, Set<String> allowed) {
    return tx.preparedQuery(LOCK).execute(Tuple.of(failureId)).compose(rows -> {
      if (rows.size() == 0) {
        return Future.failedFuture(notFound(failureId));
      }
      Row row = rows.iterator().next();
      String status = row.getString("status");
      if (!allowed.contains(status)) {
        return Future.failedFuture(ApiError.of(409, ErrorCode.INT_003, "Failure " + failureId + " is " + status
            + (status.equals("retrying") ? " already" : "") + "; this action needs a failure " + String.join(" or ", allowed))
            .with("failure_id", failureId).with("failure_status", status));
      }
      return Future.succeededFuture(row);
    });
  }

  private static Future<Void> act(SqlClient tx, String failureId, String action, String actor, String note, JsonObject payload,
                                  Instant at) {
    return tx.preparedQuery(ACT).execute(Tuple.of(failureId, action, actor, note, payload, utc(at))).mapEmpty();
  }

  private static Future<JsonArray> history(SqlClient db, String failureId) {
    return db.preparedQuery(ACTIONS).execute(Tuple.of(failureId)).map(rows -> {
      JsonArray actions = new JsonArray();
      for (Row row : rows) {
        actions.add(new JsonObject().put("action", row.getString("action")).put("actor", row.getString("actor"))
            .put("note", row.getString("note")).put("payload", row.getValue("payload"))
            .put("at", Json.time(Json.instant(row.getOffsetDateTime("acted_at")))));
      }
      return actions;
    });
  }

  private static JsonObject toJson(Row row) {
    return fromRow(row).toJson()
        .put("resolved_by", row.getString("resolved_by"))
        .put("resolved_at", Json.time(Json.instant(row.getOffsetDateTime("resolved_at"))))
        .put("resolution_note", row.getString("resolution_note"))
        .put("updated_at", Json.time(Json.instant(row.getOffsetDateTime("updated_at"))));
  }

  static IntegrationFailure fromRow(Row row) {
    Object original = row.getValue("original_message");
    return new IntegrationFailure(row.getString("failure_id"), Json.instant(row.getOffsetDateTime("timestamp")),
        row.getString("integration_type"), row.getString("direction"), row.getString("external_system"),
        original instanceof JsonObject o ? o : new JsonObject(), row.getString("error_code"), row.getString("error_message"),
        row.getString("stack_trace"), row.getInteger("retry_count"), Json.instant(row.getOffsetDateTime("last_retry_at")),
        row.getString("status"), row.getString("correlation_id"), row.getString("message_id"));
  }

  private static String detailsOf(ApiError error) {
    List<String> messages = new ArrayList<>();
    error.details().forEach(d -> messages.add(((JsonObject) d).getString("message")));
    return messages.isEmpty() ? "" : ": " + String.join("; ", messages);
  }

  private static ApiError notFound(String failureId) {
    return ApiError.notFound("Integration failure " + failureId + " is not known").with("failure_id", failureId);
  }

  private static OffsetDateTime utc(Instant instant) {
    return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }
}
