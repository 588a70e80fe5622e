package mraos.outbound;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** The outbound_messages table: what each system is owed, when to try next, and what happened. */
public final class OutboundQueue {

  static final String ENQUEUE = """
      INSERT INTO outbound_messages (message_id, external_system, integration_type, method, path, payload, reference_id,
          correlation_id, next_attempt_at, created_at, updated_at)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $9)
      ON CONFLICT (message_id) DO NOTHING""";

  /** Due messages, taken for a lease: if this node dies mid-call they become due again when the lease ends. */
  static final String CLAIM = "UPDATE outbound_messages SET next_attempt_at = $3, updated_at = $2 WHERE message_id IN ("
      + " SELECT message_id FROM outbound_messages WHERE external_system = $1 AND status = 'pending' AND next_attempt_at <= $2"
      + " ORDER BY next_attempt_at, created_at LIMIT $4 FOR UPDATE SKIP LOCKED) RETURNING " + OutboundMessage.COLUMNS;

  static final String DELIVERED = """
      UPDATE outbound_messages SET status = 'delivered', attempts = attempts + 1, last_attempt_at = $2, last_status = $3,
          last_error = NULL, response = $4, delivered_at = $2, updated_at = $2
       WHERE message_id = $1 AND status = 'pending'""";

  static final String RETRY = """
      UPDATE outbound_messages SET attempts = attempts + 1, retries = $3, next_attempt_at = $4, last_attempt_at = $2,
          last_status = $5, last_error = $6, response = $7, updated_at = $2
       WHERE message_id = $1 AND status = 'pending'""";

  /** Not sent (breaker open): waits without using a retry. */
  static final String WAIT = """
      UPDATE outbound_messages SET next_attempt_at = $2, last_error = $3, updated_at = now()
       WHERE message_id = $1 AND status = 'pending'""";

  /** Breaker open: due messages are held (not sent, no retry used) and say why. */
  static final String HOLD = """
      UPDATE outbound_messages SET last_error = $3, updated_at = $2
       WHERE external_system = $1 AND status = 'pending' AND next_attempt_at <= $2 AND last_error IS DISTINCT FROM $3""";

  /**
   * The system answers again (its breaker closed after a trial call succeeded): calls waiting out a pause because the
   * system was down (no answer, or a 5xx) are due now instead of at the end of their pause (up to 30 minutes in §7.1's
   * schedule). Throttled (429) and not-found calls keep their wait; calls on the wire ($3) are left alone.
   */
  static final String BACK = """
      UPDATE outbound_messages SET next_attempt_at = $2, updated_at = $2
       WHERE external_system = $1 AND status = 'pending' AND next_attempt_at > $2 AND attempts > 0
         AND (last_status IS NULL OR last_status >= 500) AND NOT (message_id = ANY($3::text[]))""";

  static final String FAILED = """
      UPDATE outbound_messages SET status = 'failed', attempts = attempts + 1, last_attempt_at = $2, last_status = $3,
          last_error = $4, response = $5, failure_id = $6, updated_at = $2
       WHERE message_id = $1 AND status = 'pending'""";

  static final String NEXT_DUE = """
      SELECT min(next_attempt_at) AS next_due, count(*) AS depth
        FROM outbound_messages WHERE external_system = $1 AND status = 'pending'""";

  /** A dead letter sent again (possibly with a corrected payload): a fresh schedule, the same message id. */
  static final String REQUEUE = """
      UPDATE outbound_messages SET status = 'pending', retries = '{}', next_attempt_at = $2, updated_at = $2,
          payload = COALESCE($3, payload)
       WHERE message_id = $1 AND status = 'failed'
      RETURNING external_system""";

  /** A queued call whose failure was closed is not sent any more. */
  static final String WITHDRAW = """
      UPDATE outbound_messages SET status = 'failed', failure_id = $3, last_error = 'withdrawn: its failure was closed',
          updated_at = $2
       WHERE message_id = $1 AND status = 'pending'""";

  private OutboundQueue() {
  }

  /** Adds a call to the queue, in the caller's transaction; a message id already queued is ignored (idempotent). */
  public static Future<Void> enqueue(SqlClient tx, OutboundRequest request, Instant now) {
    return tx.preparedQuery(ENQUEUE).execute(Tuple.from(new Object[] {request.messageId(), request.externalSystem(),
        request.integrationType(), request.method(), request.path(), request.payload(), request.referenceId(),
        request.correlationId(), utc(now)})).mapEmpty();
  }

  static Future<List<OutboundMessage>> claimDue(Pool pool, String system, Instant now, Duration lease, int limit) {
    return pool.preparedQuery(CLAIM).execute(Tuple.of(system, utc(now), utc(now.plus(lease)), limit)).map(rows -> {
      List<OutboundMessage> claimed = new ArrayList<>();
      rows.forEach(row -> claimed.add(OutboundMessage.fromRow(row)));
      return claimed;
    });
  }

  /** The system is back: its calls waiting for it are due now (see {@link #BACK}); how many. */
  static Future<Integer> back(Pool pool, String system, Instant now, java.util.Collection<String> onTheWire) {
    return pool.preparedQuery(BACK).execute(Tuple.of(system, utc(now), onTheWire.toArray(String[]::new)))
        .map(io.vertx.sqlclient.SqlResult::rowCount);
  }

  /** Sends a failed message again from now on; the system it belongs to, or null if it is not a failed message. */
  public static Future<String> requeue(SqlClient tx, String messageId, JsonObject correctedPayload, Instant now) {
    return tx.preparedQuery(REQUEUE).execute(Tuple.of(messageId, utc(now), correctedPayload))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString("external_system"));
  }

  /** Takes a call out of the queue (its failure was closed): it is not sent any more, if it was still waiting. */
  public static Future<Void> withdraw(SqlClient tx, String messageId, String failureId, Instant now) {
    return tx.preparedQuery(WITHDRAW).execute(Tuple.of(messageId, utc(now), failureId)).mapEmpty();
  }

  static OffsetDateTime utc(Instant instant) {
    return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }
}
