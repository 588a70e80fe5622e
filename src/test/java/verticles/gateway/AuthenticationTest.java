package verticles.gateway;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import testsupport.Api.Response;
import testsupport.AuditRows;
import testsupport.Plant;
import testsupport.TestNode;
import testsupport.Tokens;
import verticles.erp.ErpRoutes;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ERP webhook only takes a valid OAuth 2.0 bearer JWT of the configured issuer (spec §3.3, §9.1): signature
 * against the issuer's published keys, expiry (30 s leeway), exact issuer, audience "mraos" and a named client. Every
 * other kind of credential is a 401 with a WWW-Authenticate challenge and INT-001 (Appendix C); nothing is stored and
 * the refusal is audited (§9.3).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class AuthenticationTest {

  static final String PATH = ErpRoutes.WORK_ORDERS;
  static final Duration FIVE_MINUTES = Duration.ofMinutes(5);
  static TestNode node;

  @BeforeAll
  static void start() {
    node = TestNode.start();
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  /** One webhook call with a unique work order and correlation id, so what it left behind can be found. */
  record Attempt(Response response, String erpId, String correlationId) {
  }

  static Attempt post(String authorizationHeader) {
    String erpId = Plant.unique("WO-AUTH");
    String correlationId = "corr_auth_" + erpId;
    Map<String, String> headers = new HashMap<>();
    headers.put("X-Correlation-ID", correlationId);
    if (authorizationHeader != null) {
      headers.put("Authorization", authorizationHeader);
    }
    Response response = node.api.post(PATH, null, "application/json",
        Plant.workOrderEvent("work_order.created", erpId).encode(), headers);
    return new Attempt(response, erpId, correlationId);
  }

  static Tokens tokens() {
    return node.tokens;
  }

  static String issuerUrl() {
    return node.services.issuer.issuerUrl();
  }

  static int issuerPort() {
    return java.net.URI.create(issuerUrl()).getPort();
  }

  static long now() {
    return System.currentTimeMillis() / 1000;
  }

  static Named<Supplier<String>> header(String description, Supplier<String> header) {
    return Named.of(description, header);
  }

  /** Authorization headers that carry no bearer token at all: the challenge names no error (RFC 6750 §3.1). */
  static Stream<Named<Supplier<String>>> noBearerToken() {
    return Stream.of(
        header("no Authorization header", () -> null),
        header("Basic with erp-connector's real client credentials", () -> "Basic " + Base64.getEncoder()
            .encodeToString("erp-connector:erp-connector-secret".getBytes(StandardCharsets.UTF_8))),
        header("'Bearer' with nothing after it", () -> "Bearer"),
        header("a valid token without the Bearer scheme", () -> tokens().of("erp-connector")),
        header("a valid token glued to 'Bearer' without a space", () -> "Bearer" + tokens().of("erp-connector")),
        header("another scheme with a valid token", () -> "Token " + tokens().of("erp-connector")));
  }

  /** Bearer tokens that are not valid access tokens of the configured issuer for MRAOS. */
  static Stream<Named<Supplier<String>>> invalidTokens() {
    return Stream.of(
        header("expired 45 s ago (beyond the 30 s leeway)", () -> tokens().signed(Map.of(), Duration.ofSeconds(-45))),
        header("expired an hour ago", () -> tokens().signed(Map.of(), Duration.ofHours(-1))),
        header("not valid before 10 minutes from now", () -> tokens().signed(Map.of("nbf", now() + 600), FIVE_MINUTES)),
        header("issued 10 minutes in the future", () -> tokens().signed(Map.of("iat", now() + 600), FIVE_MINUTES)),
        header("signed by the issuer's key but another issuer in iss",
            () -> tokens().signedAs("http://evil.example:" + issuerPort() + "/mraos", Map.of(), FIVE_MINUTES)),
        header("iss differing only by a trailing slash",
            () -> tokens().signedAs(issuerUrl() + "/", Map.of(), FIVE_MINUTES)),
        header("another issuer id on the same server (other key, other iss)",
            () -> tokens().signedAs(issuerUrl().replaceAll("/mraos$", "/other"), Map.of(), FIVE_MINUTES)),
        header("a real token the same server issues to anybody under another issuer id", () -> {
          JsonObject answer = Tokens.requestAt(issuerUrl().replaceAll("/mraos$", "/other") + "/token",
              "erp-connector", "any-secret", "mraos");
          assertThat(answer.getInteger("http_status")).as(answer.encode()).isEqualTo(200);
          assertThat(Tokens.claims(answer.getString("access_token")).getValue("aud").toString()).contains("mraos");
          return answer.getString("access_token");
        }),
        header("audience of another API", () -> tokens().signed(Map.of("aud", "erp"), FIVE_MINUTES)),
        header("audiences that do not include mraos", () -> tokens().signed(Map.of("aud", List.of("erp", "mes")), FIVE_MINUTES)),
        header("no audience", () -> tokens().signed(nulls("aud"), FIVE_MINUTES)),
        header("supervisor's real token with the payload changed to erp-connector", () -> Tokens.tampered(
            tokens().of("supervisor"), Map.of("client_id", "erp-connector", "azp", "erp-connector", "sub", "erp-connector"))),
        header("erp-connector's real token with its expiry extended", () -> {
          String token = tokens().of("erp-connector");
          long exp = Tokens.claims(token).getLong("exp");
          return Tokens.tampered(token, Map.of("exp", exp + 86_400));
        }),
        header("real token with its signature cut off", () -> {
          String token = tokens().of("erp-connector");
          return token.substring(0, token.lastIndexOf('.') + 1);
        }),
        header("alg none with perfect claims", () -> tokens().unsigned("erp-connector")),
        header("no client claim (neither client_id nor azp)", () -> tokens().signed(nulls("client_id", "azp"), FIVE_MINUTES)),
        header("blank client claims", () -> tokens().signed(Map.of("client_id", " ", "azp", ""), FIVE_MINUTES)),
        header("garbage", () -> "not-a-jwt"),
        header("three garbage segments", () -> "aaa.bbb.ccc"));
  }

  static Map<String, Object> nulls(String... claims) {
    Map<String, Object> map = new HashMap<>();
    for (String claim : claims) {
      map.put(claim, null);
    }
    return map;
  }

  @Test
  void aValidTokenOfTheIssuerIsAccepted() {
    Attempt attempt = post("Bearer " + tokens().of("erp-connector"));

    assertThat(attempt.response().status()).as(attempt.response().toString()).isEqualTo(200);
    assertThat(node.db.count("SELECT count(*) FROM work_orders WHERE erp_work_order_id = ?", attempt.erpId())).isEqualTo(1);
    Map<String, Object> audit = AuditRows.one(node.db, attempt.correlationId());
    assertThat(audit).containsEntry("http_status_code", 200).containsEntry("success", true)
        .containsEntry("user_id", "erp-connector");
  }

  @Test
  void theSchemeIsCaseInsensitiveAndAClaimsOnlyTokenNamingTheClientByAzpIsAccepted() {
    Attempt lowerCase = post("bearer " + tokens().of("erp-connector"));
    Attempt azpOnly = post("Bearer " + tokens().signed(nulls("client_id"), FIVE_MINUTES));

    assertThat(lowerCase.response().status()).as(lowerCase.response().toString()).isEqualTo(200);
    assertThat(azpOnly.response().status()).as(azpOnly.response().toString()).isEqualTo(200);
    assertThat(AuditRows.one(node.db, azpOnly.correlationId())).containsEntry("user_id", "erp-connector");
  }

  @Test
  void aTokenExpiredWithinTheLeewayIsStillAccepted() {
    String token = tokens().signed(Map.of(), Duration.ofSeconds(-10));

    Attempt attempt = post("Bearer " + token);

    assertThat(attempt.response().status()).as(attempt.response().toString()).isEqualTo(200);
  }

  @Test
  void anAudienceListContainingMraosIsAccepted() {
    Attempt attempt = post("Bearer " + tokens().signed(Map.of("aud", List.of("erp", "mraos")), FIVE_MINUTES));

    assertThat(attempt.response().status()).as(attempt.response().toString()).isEqualTo(200);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("noBearerToken")
  void withoutABearerTokenTheCallIsRefusedWithAChallenge(Supplier<String> header) {
    Attempt attempt = post(header.get());

    Response response = assertRefused(attempt);
    assertThat(response.header("WWW-Authenticate")).get().asString()
        .startsWith("Bearer").contains("realm=\"mraos\"").doesNotContain("error=");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidTokens")
  void anInvalidTokenIsRefusedAsInvalidToken(Supplier<String> header) {
    String token = header.get();

    Response response = assertRefused(post("Bearer " + token));

    assertThat(response.header("WWW-Authenticate")).get().asString()
        .startsWith("Bearer").contains("realm=\"mraos\"").contains("error=\"invalid_token\"");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidTokens")
  void anInvalidTokenCannotReadEither(Supplier<String> header) {
    Response response = node.api.get("/api/v1/work-orders", header.get());

    assertThat(response.status()).as(response.toString()).isEqualTo(401);
    assertThat(response.json().getString("error_code")).isEqualTo("INT-001");
    assertThat(response.header("WWW-Authenticate")).get().asString().contains("error=\"invalid_token\"");
  }

  @Test
  void readingWithoutATokenIsRefused() {
    Response response = node.api.get("/api/v1/work-orders", null);

    assertThat(response.status()).as(response.toString()).isEqualTo(401);
    assertThat(response.json().getString("error_code")).isEqualTo("INT-001");
    assertThat(response.header("WWW-Authenticate")).get().asString().startsWith("Bearer");
  }

  /** 401 INT-001 in the standard error body, nothing stored, and a failed audit row without a client. */
  static Response assertRefused(Attempt attempt) {
    Response response = attempt.response();
    assertThat(response.status()).as(response.toString()).isEqualTo(401);
    JsonObject body = response.json();
    assertThat(body.getString("status")).isEqualTo("error");
    assertThat(body.getString("error_code")).isEqualTo("INT-001");
    assertThat(body.getString("message")).isNotBlank();
    assertThat(body.getString("correlation_id")).isEqualTo(attempt.correlationId());
    assertThat(response.header("WWW-Authenticate")).as("WWW-Authenticate header").isPresent();

    assertThat(node.db.count("SELECT count(*) FROM work_orders WHERE erp_work_order_id = ?", attempt.erpId())).isZero();
    Map<String, Object> audit = AuditRows.one(node.db, attempt.correlationId());
    assertThat(audit).containsEntry("http_status_code", 401).containsEntry("success", false)
        .containsEntry("integration_type", "erp_work_order_inbound").containsEntry("external_system", "ERP")
        .containsEntry("direction", "inbound").containsEntry("http_method", "POST").containsEntry("endpoint", PATH);
    assertThat(audit.get("user_id")).as("no client is named by a refused token").isNull();
    assertThat(audit.get("error_message")).isEqualTo(body.getString("message"));
    assertThat(audit.get("request_payload").toString()).contains(attempt.erpId());
    return response;
  }
}
