package mraos.security;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.NoSuchKeyIdException;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import mraos.config.SecurityConfig;
import mraos.http.ApiError;
import mraos.http.ErrorCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Verifies OAuth 2.0 bearer JWTs the way a resource server must: signature against the issuer's published keys
 * (OpenID discovery, then JWKS), expiry with a small leeway, exact issuer, audience, and a named client. Only local
 * verification: an invalid token is refused, never "asked about" at the issuer. Keys are fetched again when a token
 * names a key id we do not know (the issuer rotated its keys), at most once per
 * {@code security.key-refresh-min-interval}, and tokens that arrive during a refresh wait for it.
 * <p>
 * A client sends the same token for minutes, and checking its RS256 signature is the dearest part of a request: tokens
 * that passed are remembered (the {@link #CACHE_SIZE} most recently used ones, keyed by the token string) until their
 * {@code exp} plus the leeway, checked against the clock on every use; the cache is emptied when the keys change.
 * Refused tokens are never remembered.
 * One instance per verticle: its state is only touched on that verticle's event loop.
 */
public final class TokenVerifier {

  private static final Logger LOG = LoggerFactory.getLogger(TokenVerifier.class);
  /** A connection to the issuer opens in milliseconds or not at all; the discovery-timeout bounds the whole call. */
  private static final int ISSUER_CONNECT_TIMEOUT_MS = 5_000;
  /** Keys are fetched rarely (at start, after a rotation): an idle connection to the issuer is closed after this. */
  private static final int ISSUER_IDLE_TIMEOUT_S = 30;
  /** Verified tokens remembered per verticle instance (a token is ~1 KB: a few MB at most). */
  static final int CACHE_SIZE = 4096;

  /** A verified token: who it names, and until when (epoch ms, exp + leeway) it may be taken without checking again. */
  private record Verified(Caller caller, long validUntilMs) {
  }

  private final Vertx vertx;
  private final SecurityConfig config;
  private final String issuer;
  private final WebClient http;
  private JWTAuth jwt;
  private long keysAskedAt;
  private Future<Void> refreshing;
  private boolean closed;
  private String lastProblem = "issuer not contacted yet";
  private final Map<String, Verified> verified = new LinkedHashMap<>(256, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Verified> eldest) {
      return size() > CACHE_SIZE;
    }
  };

  public TokenVerifier(Vertx vertx, SecurityConfig config) {
    this.vertx = vertx;
    this.config = config;
    this.issuer = stripSlash(config.effectiveIssuer());
    this.http = WebClient.create(vertx, new WebClientOptions()
        .setShared(true).setName("mraos-token-issuer").setConnectTimeout(ISSUER_CONNECT_TIMEOUT_MS)
        .setIdleTimeout(ISSUER_IDLE_TIMEOUT_S));
  }

  /** Starts discovery in the background and keeps trying until it succeeds; never waits for the issuer. */
  public void start() {
    discover().onFailure(err -> {
      lastProblem = err.getMessage();
      LOG.warn("Cannot load the signing keys of issuer {} yet ({}); retrying in {} ms, the API answers 503 meanwhile",
          issuer, err.getMessage(), config.discoveryRetry().toMillis());
      if (!closed) {
        vertx.setTimer(config.discoveryRetry().toMillis(), id -> start());
      }
    });
  }

  public boolean ready() {
    return jwt != null;
  }

  /** Why the verifier is not ready (for the health endpoint). */
  public String problem() {
    return ready() ? "" : lastProblem;
  }

  public void close() {
    closed = true;
    http.close();
  }

  /** The caller named by a valid token, or a failed future with an {@link ApiError} (401, or 503 before discovery). */
  public Future<Caller> verify(String token) {
    if (jwt == null) {
      return Future.failedFuture(ApiError.of(503, ErrorCode.SERVICE_UNAVAILABLE,
          "Cannot verify tokens yet: the token issuer " + issuer + " has not been reached (" + lastProblem + ")")
          .header("Retry-After", String.valueOf(Math.max(1, config.discoveryRetry().toSeconds()))));
    }
    Verified known = verified.get(token);
    if (known != null) {
      if (System.currentTimeMillis() < known.validUntilMs()) {
        return Future.succeededFuture(known.caller());
      }
      verified.remove(token); // expired since: verified again below, and refused there
    }
    JWTAuth checkedWith = jwt;
    return jwt.authenticate(new TokenCredentials(token))
        .recover(err -> {
          if (err instanceof NoSuchKeyIdException
              && (refreshing != null
                  || System.currentTimeMillis() - keysAskedAt > config.keyRefreshMinInterval().toMillis())) {
            return refreshKeys().compose(v -> jwt.authenticate(new TokenCredentials(token)));
          }
          return Future.failedFuture(err);
        })
        .transform(ar -> ar.succeeded() ? toVerified(ar.result()) : Future.failedFuture(invalidToken(describe(ar.cause()))))
        .map(ok -> {
          // remembered only if the keys it was checked with are still the ones in use, and it has not expired since
          if (checkedWith == jwt && ok.validUntilMs() > System.currentTimeMillis()) {
            verified.put(token, ok);
          }
          return ok.caller();
        });
  }

  private Future<Verified> toVerified(User user) {
    JsonObject claims = user.attributes().getJsonObject("accessToken", new JsonObject());
    if (!claims.containsKey("exp")) {
      return Future.failedFuture(invalidToken("The access token has no expiry (exp)"));
    }
    // an exp that is no number (which the JWT library let through) is never remembered
    long validUntilMs = claims.getValue("exp") instanceof Number exp ? exp.longValue() * 1000 + config.leeway().toSeconds() * 1000 : 0;
    for (String claim : config.clientIdClaims()) {
      Object value = claims.getValue(claim);
      if (value instanceof String id && !id.isBlank()) {
        return Future.succeededFuture(new Verified(new Caller(id, scopes(claims)), validUntilMs));
      }
    }
    return Future.failedFuture(invalidToken("The access token names no client (claims " + config.clientIdClaims() + ")"));
  }

  private static Set<String> scopes(JsonObject claims) {
    Set<String> scopes = new LinkedHashSet<>();
    Object scope = claims.getValue("scope");
    if (scope instanceof String text) {
      for (String s : text.trim().split("\\s+")) {
        if (!s.isEmpty()) {
          scopes.add(s);
        }
      }
    }
    Object scp = claims.getValue("scp");
    if (scp instanceof JsonArray array) {
      array.forEach(s -> scopes.add(String.valueOf(s)));
    }
    return scopes;
  }

  private static String describe(Throwable err) {
    String message = err.getMessage() == null ? err.getClass().getSimpleName() : err.getMessage();
    if (message.contains("expired")) {
      return "The access token expired";
    }
    if (message.contains("audience")) {
      return "The access token is not meant for MRAOS (audience)";
    }
    if (message.contains("issuer")) {
      return "The access token comes from another issuer";
    }
    if (message.contains("none")) {
      return "Unsigned access tokens (alg none) are refused";
    }
    if (err instanceof NoSuchKeyIdException) {
      return "The access token is signed with a key the issuer does not publish";
    }
    return "The access token is invalid (" + message + ")";
  }

  static ApiError invalidToken(String description) {
    // RFC 6750 §3: error_description is printable ASCII without '"' and '\'; library messages may hold line breaks
    String safe = description.replaceAll("[^\\x20-\\x7E]+", " ").replace('"', '\'').replace('\\', '/').trim();
    return ApiError.of(401, ErrorCode.INT_001, description)
        .header("WWW-Authenticate", "Bearer realm=\"mraos\", error=\"invalid_token\", error_description=\""
            + (safe.length() > 200 ? safe.substring(0, 200) : safe) + "\"");
  }

  /** One refresh at a time: tokens arriving meanwhile wait for the same one. */
  private Future<Void> refreshKeys() {
    if (refreshing == null) {
      keysAskedAt = System.currentTimeMillis();
      refreshing = discover().onComplete(ar -> refreshing = null);
    }
    return refreshing;
  }

  private Future<Void> discover() {
    String discoveryUrl = issuer + "/.well-known/openid-configuration";
    return getJson(discoveryUrl)
        .compose(doc -> {
          if (!issuer.equals(stripSlash(doc.getString("issuer", "")))) {
            return Future.failedFuture("discovery document at " + discoveryUrl + " names issuer '" + doc.getString("issuer")
                + "', expected '" + issuer + "'");
          }
          String jwksUri = doc.getString("jwks_uri");
          return jwksUri == null ? Future.failedFuture("discovery document has no jwks_uri") : getJson(jwksUri);
        })
        .compose(jwks -> {
          JsonArray keys = jwks.getJsonArray("keys", new JsonArray());
          if (keys.isEmpty()) {
            return Future.failedFuture("the issuer publishes no signing keys");
          }
          JWTAuthOptions options = new JWTAuthOptions().setJWTOptions(new JWTOptions()
              .setIssuer(issuer)
              .setAudience(List.of(config.audience()))
              .setLeeway((int) config.leeway().toSeconds()));
          keys.stream().map(JsonObject.class::cast).filter(TokenVerifier::isSigningKey).forEach(options::addJwk);
          jwt = JWTAuth.create(vertx, options);
          verified.clear(); // tokens are checked against the new keys from now on
          keysAskedAt = System.currentTimeMillis();
          lastProblem = "";
          LOG.info("Verifying bearer tokens of issuer {} ({} signing key(s))", issuer, options.getJwks().size());
          return Future.<Void>succeededFuture();
        });
  }

  private static boolean isSigningKey(JsonObject jwk) {
    String use = jwk.getString("use");
    return use == null || "sig".equals(use);
  }

  private Future<JsonObject> getJson(String url) {
    return http.getAbs(url).timeout(config.discoveryTimeout().toMillis()).send()
        .compose((HttpResponse<io.vertx.core.buffer.Buffer> response) -> {
          if (response.statusCode() != 200) {
            return Future.failedFuture(url + " answered HTTP " + response.statusCode());
          }
          try {
            return Future.succeededFuture(response.bodyAsJsonObject());
          } catch (RuntimeException e) {
            return Future.failedFuture(url + " did not answer JSON");
          }
        });
  }

  private static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
