package verticles.failures;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import mraos.config.MraosConfig;
import mraos.events.Envelope;
import mraos.events.Outbox;
import mraos.failures.DeadLetters;
import mraos.failures.IntegrationFailure;
import mraos.http.Json;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Keeps integration failures in PostgreSQL (their review state lives there) and, in the same statement, puts them in
 * the outbox for Kafka topic {@code integration-failures}: the dead-letter queue of spec §7.2, as every area feeds it
 * ({@link DeadLetters}).
 */
public final class IntegrationFailures implements DeadLetters {

  /** Found by ServiceLoader: makes the node's dead-letter queue. */
  public static final class Keeper implements DeadLetters.Provider {
    @Override
    public DeadLetters create(MraosConfig config) {
      return new IntegrationFailures(config.kafka().integrationFailuresTopic());
    }
  }

  /**
   * One statement, so the failure and its event commit together. The failure id ({@code FAIL-<yyyymmdd>-<n>}) is made
   * here and written into the event's payload.
   */
  static final String RECORD = """
      WITH failure AS (
        INSERT INTO integration_failures (failure_id, timestamp, integration_type, direction, external_system,
            original_message, error_code, error_message, stack_trace, retry_count, last_retry_at, status, correlation_id,
            message_id)
        VALUES ('FAIL-' || to_char($1::timestamptz AT TIME ZONE 'UTC', 'YYYYMMDD') || '-'
                  || lpad(nextval('integration_failure_seq')::text, 4, '0'),
                $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $15)
        RETURNING failure_id
      ), event AS (
        %s
        SELECT $13, failure.failure_id, jsonb_set($14::jsonb, '{payload,failure_id}', to_jsonb(failure.failure_id))
          FROM failure
      )
      SELECT failure_id FROM failure""".formatted(Outbox.APPEND);

  /** A retried failure failed again: back to review with what happened this time, announced again. */
  static final String REOPEN = """
      WITH failure AS (
        UPDATE integration_failures SET status = 'pending_manual_review', error_code = $2, error_message = $3,
            stack_trace = $4, retry_count = $5, last_retry_at = $6, updated_at = $6
         WHERE failure_id = $1
        RETURNING failure_id
      ), action AS (
        INSERT INTO integration_failure_actions (failure_id, action, actor, note, acted_at)
        SELECT failure_id, 'retry_failed', 'mraos', $3, $6 FROM failure
      ), event AS (
        %s SELECT $7, failure_id, $8 FROM failure
      )
      SELECT failure_id FROM failure""".formatted(Outbox.APPEND);

  /** A retried failure went through: resolved. */
  static final String RESOLVE_AFTER_RETRY = """
      WITH failure AS (
        UPDATE integration_failures SET status = 'resolved', resolved_at = $2, updated_at = $2,
            resolved_by = COALESCE((SELECT actor FROM integration_failure_actions
                                     WHERE failure_id = $1 AND action IN ('retry', 'edit_and_retry')
                                     ORDER BY acted_at DESC, action_id DESC LIMIT 1), 'mraos')
         WHERE failure_id = $1 AND status <> 'resolved'
        RETURNING failure_id
      )
      INSERT INTO integration_failure_actions (failure_id, action, actor, acted_at)
      SELECT failure_id, 'retry_succeeded', 'mraos', $2 FROM failure""";

  private final String topic;

  public IntegrationFailures(String topic) {
    this.topic = topic;
  }

  @Override
  public Future<IntegrationFailure> record(SqlClient db, IntegrationFailure given) {
    IntegrationFailure failure = storable(given);
    JsonObject envelope = Envelope.wrap(failure.timestamp(), Envelope.PLANT_SUBSCRIBERS, failure.correlationId(), failure.toJson());
    Tuple params = Tuple.from(new Object[] {
        OffsetDateTime.ofInstant(failure.timestamp(), ZoneOffset.UTC), failure.integrationType(), failure.direction(),
        failure.externalSystem(), failure.originalMessage(), failure.errorCode(), failure.errorMessage(), failure.stackTrace(),
        failure.retryCount(), failure.lastRetryAt() == null ? null : OffsetDateTime.ofInstant(failure.lastRetryAt(), ZoneOffset.UTC),
        failure.status(), failure.correlationId(), topic, envelope, failure.messageId()});
    return db.preparedQuery(RECORD).execute(params)
        .map(rows -> failure.withId(rows.iterator().next().getString("failure_id")));
  }

  @Override
  public Future<Void> reopen(SqlClient db, IntegrationFailure again) {
    IntegrationFailure failure = storable(again);
    JsonObject envelope = Envelope.wrap(failure.timestamp(), Envelope.PLANT_SUBSCRIBERS, failure.correlationId(), failure.toJson());
    OffsetDateTime at = OffsetDateTime.ofInstant(failure.lastRetryAt() != null ? failure.lastRetryAt() : failure.timestamp(),
        ZoneOffset.UTC);
    return db.preparedQuery(REOPEN).execute(Tuple.from(new Object[] {failure.failureId(), failure.errorCode(),
        failure.errorMessage(), failure.stackTrace(), failure.retryCount(), at, topic, envelope})).mapEmpty();
  }

  @Override
  public Future<Void> resolveAfterRetry(SqlClient db, String failureId, java.time.Instant at) {
    return db.preparedQuery(RESOLVE_AFTER_RETRY).execute(Tuple.of(failureId, OffsetDateTime.ofInstant(at, ZoneOffset.UTC)))
        .mapEmpty();
  }

  /** The message exactly as received, except for characters PostgreSQL cannot store. */
  private static IntegrationFailure storable(IntegrationFailure f) {
    JsonObject original = f.originalMessage() == null ? new JsonObject()
        : (JsonObject) Json.storable(f.originalMessage(), f.originalMessage().encode());
    return new IntegrationFailure(f.failureId(), f.timestamp(), f.integrationType(), f.direction(), f.externalSystem(),
        original, f.errorCode(), Json.storable(f.errorMessage()), Json.storable(f.stackTrace()), f.retryCount(),
        f.lastRetryAt(), f.status(), f.correlationId(), f.messageId());
  }
}
