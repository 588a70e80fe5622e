package verticles.hr;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import mraos.http.Json;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The time clock's API keys ({@code hr_api_keys}), kept as SHA-256 hashes only: a key is shown once, when it is made.
 * A key is 32 random bytes, so a plain hash is as safe to keep as a salted slow one and can be looked up directly.
 * Several keys may be valid at once, so that a key is rotated without downtime: add the new one, give the old one an
 * expiry; past it, the old key is refused.
 */
final class ApiKeys {

  /** What a valid key says about its caller. */
  record Holder(String keyId, String clientId) {
  }

  /** The key looked up: its holder, or why it is refused. */
  record Check(Holder holder, String refusal) {
  }

  static final String CREATE = """
      INSERT INTO hr_api_keys (key_id, client_id, key_hash, key_prefix, note, created_by, created_at, expires_at)
      VALUES ('hrk-' || nextval('hr_api_key_seq'), $1, $2, $3, $4, $5, $6, $7)
      RETURNING key_id""";
  static final String FIND = "SELECT key_id, client_id, expires_at FROM hr_api_keys WHERE key_hash = $1";
  static final String USED = "UPDATE hr_api_keys SET last_used_at = $2 WHERE key_id = $1";
  static final String EXPIRE = """
      UPDATE hr_api_keys SET expires_at = $2 WHERE key_id = $1
      RETURNING key_id, client_id, key_prefix, note, created_by, created_at, expires_at, last_used_at""";
  static final String LIST = """
      SELECT key_id, client_id, key_prefix, note, created_by, created_at, expires_at, last_used_at FROM hr_api_keys
       ORDER BY created_at DESC, key_id DESC""";
  /** Keys still valid that are older than the rotation period. */
  static final String STALE = """
      SELECT key_id, client_id, created_at FROM hr_api_keys
       WHERE (expires_at IS NULL OR expires_at > $1) AND created_at < $2 ORDER BY created_at""";

  private static final SecureRandom RANDOM = new SecureRandom();

  private ApiKeys() {
  }

  /** Makes a key; the result carries the key itself, which is never shown again. */
  static Future<JsonObject> create(Pool pool, String clientId, String note, String createdBy, Instant expiresAt, Instant now) {
    byte[] secret = new byte[32];
    RANDOM.nextBytes(secret);
    String key = "hrk_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    String prefix = key.substring(0, 10);
    return pool.preparedQuery(CREATE).execute(Tuple.from(new Object[] {clientId, hash(key), prefix, note, createdBy,
            SyncRuns.utc(now), SyncRuns.utc(expiresAt)}))
        .map(rows -> new JsonObject().put("key_id", rows.iterator().next().getString("key_id")).put("api_key", key)
            .put("key_prefix", prefix).put("client_id", clientId).put("note", note).put("created_by", createdBy)
            .put("created_at", Json.time(now)).put("expires_at", Json.time(expiresAt)));
  }

  /** The holder of a valid key; an unknown or expired key is refused (and says which). */
  static Future<Check> check(Pool pool, String key, Instant now) {
    return pool.preparedQuery(FIND).execute(Tuple.of(hash(key))).compose(rows -> {
      if (rows.size() == 0) {
        return Future.succeededFuture(new Check(null, "The X-API-Key is not a key MRAOS knows"));
      }
      Row row = rows.iterator().next();
      Instant expires = Json.instant(row.getOffsetDateTime("expires_at"));
      if (expires != null && !expires.isAfter(now)) {
        return Future.succeededFuture(new Check(null, "The X-API-Key " + row.getString("key_id") + " expired at "
            + Json.time(expires) + "; use the key that replaced it"));
      }
      Holder holder = new Holder(row.getString("key_id"), row.getString("client_id"));
      return pool.preparedQuery(USED).execute(Tuple.of(holder.keyId(), SyncRuns.utc(now))).map(v -> new Check(holder, null));
    });
  }

  /** Sets when a key stops being accepted (now, or later to let its holder change over); null if there is no such key. */
  static Future<JsonObject> expire(Pool pool, String keyId, Instant at, Instant now, Duration maxAge) {
    return pool.preparedQuery(EXPIRE).execute(Tuple.of(keyId, SyncRuns.utc(at)))
        .map(rows -> rows.size() == 0 ? null : json(rows.iterator().next(), now, maxAge));
  }

  static Future<JsonArray> list(Pool pool, Instant now, Duration maxAge) {
    return pool.query(LIST).execute().map(rows -> {
      JsonArray keys = new JsonArray();
      rows.forEach(row -> keys.add(json(row, now, maxAge)));
      return keys;
    });
  }

  /** Valid keys older than {@code maxAge}: due for rotation. */
  static Future<JsonArray> stale(Pool pool, Instant now, Duration maxAge) {
    return pool.preparedQuery(STALE).execute(Tuple.of(SyncRuns.utc(now), SyncRuns.utc(now.minus(maxAge)))).map(rows -> {
      JsonArray keys = new JsonArray();
      rows.forEach(row -> keys.add(new JsonObject().put("key_id", row.getString("key_id"))
          .put("client_id", row.getString("client_id"))
          .put("age_days", Duration.between(Json.instant(row.getOffsetDateTime("created_at")), now).toDays())));
      return keys;
    });
  }

  private static JsonObject json(Row row, Instant now, Duration maxAge) {
    Instant created = Json.instant(row.getOffsetDateTime("created_at"));
    Instant expires = Json.instant(row.getOffsetDateTime("expires_at"));
    boolean valid = expires == null || expires.isAfter(now);
    return new JsonObject().put("key_id", row.getString("key_id")).put("client_id", row.getString("client_id"))
        .put("key_prefix", row.getString("key_prefix")).put("note", row.getString("note"))
        .put("created_by", row.getString("created_by")).put("created_at", Json.time(created))
        .put("expires_at", Json.time(expires)).put("last_used_at", Json.time(Json.instant(row.getOffsetDateTime("last_used_at"))))
        .put("status", valid ? "active" : "expired").put("age_days", Duration.between(created, now).toDays())
        .put("rotation_due", valid && Duration.between(created, now).compareTo(maxAge) > 0);
  }

  static String hash(String text) {
    return sha256(text.getBytes(StandardCharsets.UTF_8));
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Every Java has SHA-256", e);
    }
  }
}
