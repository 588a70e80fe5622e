package verticles.failures;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import mraos.events.Envelope;
import mraos.http.Json;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Keeps integration failures in PostgreSQL (their review state lives there) and, in the same statement, puts them in
 * the outbox for Kafka topic {@code integration-failures}: the dead-letter queue of spec §7.2.
 */
public final class IntegrationFailures {

  /**
   * One statement, so the failure and its event commit together. The failure id ({@code FAIL-<yyyymmdd>-<n>}) is made
   * here and written into the event's payload.
   */
  static final String RECORD = """
      WITH failure AS (
        INSERT INTO integration_failures (failure_id, timestamp, integration_type, direction, external_system,
            original_message, error_code, error_message, stack_trace, retry_count, last_retry_at, status, correlation_id)
        VALUES ('FAIL-' || to_char($1::timestamptz AT TIME ZONE 'UTC', 'YYYYMMDD') || '-'
                  || lpad(nextval('integration_failure_seq')::text, 4, '0'),
                $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
        RETURNING failure_id
      ), event AS (
        INSERT INTO outbox_events (topic, message_key, envelope)
        SELECT $13, failure.failure_id, jsonb_set($14::jsonb, '{payload,failure_id}', to_jsonb(failure.failure_id))
          FROM failure
      )
      SELECT failure_id FROM failure""";

  private final String topic;

  public IntegrationFailures(String topic) {
    this.topic = topic;
  }

  /** Stores the failure and its dead-letter event; the result carries the new failure id. */
  public Future<IntegrationFailure> record(SqlClient db, IntegrationFailure given) {
    IntegrationFailure failure = storable(given);
    JsonObject envelope = Envelope.wrap(failure.timestamp(), Envelope.PLANT_SUBSCRIBERS, failure.correlationId(), failure.toJson());
    Tuple params = Tuple.from(new Object[] {
        OffsetDateTime.ofInstant(failure.timestamp(), ZoneOffset.UTC), failure.integrationType(), failure.direction(),
        failure.externalSystem(), failure.originalMessage(), failure.errorCode(), failure.errorMessage(), failure.stackTrace(),
        failure.retryCount(), failure.lastRetryAt() == null ? null : OffsetDateTime.ofInstant(failure.lastRetryAt(), ZoneOffset.UTC),
        failure.status(), failure.correlationId(), topic, envelope});
    return db.preparedQuery(RECORD).execute(params)
        .map(rows -> failure.withId(rows.iterator().next().getString("failure_id")));
  }

  /** The message exactly as received, except for characters PostgreSQL cannot store. */
  private static IntegrationFailure storable(IntegrationFailure f) {
    JsonObject original = f.originalMessage() == null ? new JsonObject()
        : (JsonObject) Json.storable(f.originalMessage(), f.originalMessage().encode());
    return new IntegrationFailure(f.failureId(), f.timestamp(), f.integrationType(), f.direction(), f.externalSystem(),
        original, f.errorCode(), Json.storable(f.errorMessage()), Json.storable(f.stackTrace()), f.retryCount(),
        f.lastRetryAt(), f.status(), f.correlationId());
  }
}
