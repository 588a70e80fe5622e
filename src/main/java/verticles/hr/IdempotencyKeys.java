package verticles.hr;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.time.Duration;
import java.time.Instant;

/**
 * The attendance webhook's {@code Idempotency-Key}s ({@code hr_idempotency_keys}), per client: a key is claimed in the
 * transaction that applies its request and keeps that request's answer, so a repeat gets the first answer and no
 * second effect, and two requests racing with one key wait for each other (the second sees the first's answer). A key
 * is kept {@code hr.attendance.idempotency-retention} (at least 24 h); an expired one may be used afresh.
 */
final class IdempotencyKeys {

  /** A key already used: the hash of the body it came with, and the answer given. */
  record Used(String requestHash, int status, JsonObject answer) {
  }

  static final int MAX_KEY = 200;

  /** Inserts the key, or takes over an expired one; no row back: a live key holds it. */
  static final String CLAIM = """
      INSERT INTO hr_idempotency_keys (client_id, idempotency_key, request_hash, created_at, expires_at)
      VALUES ($1, $2, $3, $4, $5)
      ON CONFLICT (client_id, idempotency_key) DO UPDATE SET request_hash = EXCLUDED.request_hash, status_code = NULL,
          response_body = NULL, created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at
       WHERE hr_idempotency_keys.expires_at <= EXCLUDED.created_at
      RETURNING client_id""";
  static final String USED = """
      SELECT request_hash, status_code, response_body FROM hr_idempotency_keys WHERE client_id = $1 AND idempotency_key = $2""";
  static final String ANSWER = """
      UPDATE hr_idempotency_keys SET status_code = $3, response_body = $4 WHERE client_id = $1 AND idempotency_key = $2""";
  static final String PURGE = "DELETE FROM hr_idempotency_keys WHERE expires_at <= $1";

  private IdempotencyKeys() {
  }

  /** Null when this request claimed the key; else how the key was used. */
  static Future<Used> claim(SqlConnection tx, String clientId, String key, String requestHash, Instant now, Duration keep) {
    return tx.preparedQuery(CLAIM).execute(Tuple.of(clientId, key, requestHash, SyncRuns.utc(now), SyncRuns.utc(now.plus(keep))))
        .compose(rows -> rows.size() == 1 ? Future.succeededFuture(null)
            : tx.preparedQuery(USED).execute(Tuple.of(clientId, key)).map(used -> {
              Row row = used.iterator().next();
              return new Used(row.getString("request_hash"), row.getInteger("status_code"), row.getJsonObject("response_body"));
            }));
  }

  /** Keeps the answer given to the request that claimed the key. */
  static Future<Void> answer(SqlConnection tx, String clientId, String key, int status, JsonObject answer) {
    return tx.preparedQuery(ANSWER).execute(Tuple.of(clientId, key, status, answer)).mapEmpty();
  }

  /** Forgets the keys past their retention; how many. */
  static Future<Integer> purge(Pool pool, Instant now) {
    return pool.preparedQuery(PURGE).execute(Tuple.of(SyncRuns.utc(now))).map(rows -> rows.rowCount());
  }
}
