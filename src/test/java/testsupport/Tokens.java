package testsupport;

import io.vertx.core.json.JsonObject;
import mraos.embedded.EmbeddedIssuer;
import okhttp3.HttpUrl;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/** Bearer tokens for tests: real ones from the issuer's token endpoint, and the kinds of bad ones MRAOS must refuse. */
public final class Tokens {

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Map<String, String> SECRETS = Map.of(
      "erp-connector", "erp-connector-secret",
      "mes-connector", "mes-connector-secret",
      "hr-connector", "hr-connector-secret",
      "inventory-connector", "inventory-connector-secret",
      "supervisor", "supervisor-secret");

  private final EmbeddedIssuer issuer;
  private final Map<String, String> cache = new HashMap<>();

  public Tokens(EmbeddedIssuer issuer) {
    this.issuer = issuer;
  }

  /** A token obtained the way a real client does: client credentials at the token endpoint. */
  public synchronized String of(String clientId) {
    return cache.computeIfAbsent(clientId, id -> request(id, SECRETS.get(id), null).getString("access_token"));
  }

  /** The token endpoint's JSON answer (or error) for these credentials. */
  public JsonObject request(String clientId, String secret, String scope) {
    return requestAt(issuer.tokenEndpoint(), clientId, secret, scope);
  }

  /** A client-credentials request (client_secret_basic) to any token endpoint: its JSON answer plus "http_status". */
  public static JsonObject requestAt(String tokenEndpoint, String clientId, String secret, String scope) {
    String form = "grant_type=client_credentials" + (scope == null ? "" : "&scope=" + scope.replace(" ", "%20"));
    String basic = Base64.getEncoder().encodeToString((clientId + ":" + secret).getBytes(StandardCharsets.UTF_8));
    try {
      HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(tokenEndpoint))
          .header("Authorization", "Basic " + basic)
          .header("Content-Type", "application/x-www-form-urlencoded")
          .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
      return new JsonObject(response.body()).put("http_status", response.statusCode());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Signed with the issuer's real key, with these claims (standard ones first, so claims can override them). */
  public String signed(Map<String, Object> claims, Duration lifetime) {
    return signedAs(issuer.issuerUrl(), claims, lifetime);
  }

  /**
   * Signed with the key of the issuer id at the end of {@code issuerUrl}; its "iss" claim is {@code issuerUrl}. The token
   * expires {@code lifetime} from now (a negative lifetime makes an expired token). A claim given as {@code null} is left
   * out (e.g. {@code "aud"} or {@code "client_id"}); "exp", "nbf" and "iat" may be given to override the computed ones.
   */
  public String signedAs(String issuerUrl, Map<String, Object> claims, Duration lifetime) {
    Map<String, Object> all = new HashMap<>();
    all.put("iss", issuerUrl);
    all.put("aud", "mraos");
    all.put("client_id", "erp-connector");
    all.put("azp", "erp-connector");
    all.put("sub", "erp-connector");
    all.put("jti", UUID.randomUUID().toString());
    all.putAll(claims);
    all.values().removeIf(Objects::isNull);
    // not server().anyToken(...): mock-oauth2-server 6.0.2 passes the lifetime there in milliseconds where it expects
    // seconds (a 5-minute token lived 3.5 days, one "expired 45 s ago" had expired 12.5 hours ago)
    List<String> path = HttpUrl.get(issuerUrl).pathSegments().stream().filter(segment -> !segment.isEmpty()).toList();
    String issuerId = path.get(path.size() - 1);
    return issuer.server().getConfig().getTokenProvider().jwt(all, lifetime, issuerId).serialize();
  }

  /** The claims of a JWT (its payload, decoded without any verification). */
  public static JsonObject claims(String token) {
    return new JsonObject(new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8));
  }

  /** The token with its payload replaced but the original signature kept. */
  public static String tampered(String token, Map<String, Object> changes) {
    String[] parts = token.split("\\.");
    JsonObject payload = new JsonObject(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
    changes.forEach(payload::put);
    return parts[0] + "." + base64(payload.encode()) + "." + parts[2];
  }

  /** An unsigned token ({@code alg: none}) with otherwise perfect claims. */
  public String unsigned(String clientId) {
    long now = System.currentTimeMillis() / 1000;
    JsonObject payload = new JsonObject().put("iss", issuer.issuerUrl()).put("aud", "mraos").put("sub", clientId)
        .put("client_id", clientId).put("azp", clientId).put("iat", now).put("nbf", now).put("exp", now + 600);
    return base64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + base64(payload.encode()) + ".";
  }

  private static String base64(String text) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }
}
