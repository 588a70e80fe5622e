package mraos.embedded;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import io.vertx.core.json.JsonObject;
import mraos.config.DevClient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import testsupport.TestServices;
import testsupport.Tokens;

import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The embedded development issuer (mock-oauth2-server) gives tokens only to the clients of conf/mraos.yaml, with their
 * secrets, by the client-credentials grant, with no more than their scopes; its tokens are what MRAOS expects: signed
 * with the key it publishes, aud "mraos", client_id/azp naming the client, scope, exp.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class EmbeddedIssuerTest {

  static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
  static EmbeddedIssuer issuer;
  static Tokens tokens;
  static Map<String, DevClient> clients;

  @BeforeAll
  static void start() {
    TestServices services = TestServices.get();
    issuer = services.issuer;
    tokens = new Tokens(issuer);
    clients = services.nodeConfig().security().embeddedIssuer().clients();
  }

  /** A form POST to the token endpoint, optionally with HTTP Basic client authentication: JSON answer + http_status. */
  static JsonObject tokenEndpoint(String basicClient, String basicSecret, Map<String, String> form) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(issuer.tokenEndpoint()))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form.entrySet().stream()
            .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"))));
    if (basicClient != null) {
      request.header("Authorization", "Basic " + Base64.getEncoder()
          .encodeToString((basicClient + ":" + basicSecret).getBytes(StandardCharsets.UTF_8)));
    }
    HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    JsonObject json = response.body().isBlank() ? new JsonObject() : new JsonObject(response.body());
    return json.put("http_status", response.statusCode());
  }

  static JsonObject getJson(String url) throws Exception {
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(url).isEqualTo(200);
    return new JsonObject(response.body());
  }

  static void assertRefused(JsonObject answer, int status, String error) {
    assertThat(answer.getInteger("http_status")).as(answer.encode()).isEqualTo(status);
    assertThat(answer.getString("error")).isEqualTo(error);
    assertThat(answer.containsKey("access_token")).as("no token handed out").isFalse();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"erp-connector", "mes-connector", "hr-connector", "inventory-connector", "supervisor"})
  void eachDevClientGetsASignedTokenForMraosWithItsScopes(String clientId) throws Exception {
    DevClient client = clients.get(clientId);
    long before = System.currentTimeMillis() / 1000;

    JsonObject answer = tokens.request(clientId, client.secret(), null);

    assertThat(answer.getInteger("http_status")).as(answer.encode()).isEqualTo(200);
    assertThat(answer.getString("token_type")).isEqualToIgnoringCase("Bearer");
    SignedJWT jwt = SignedJWT.parse(answer.getString("access_token"));

    // signed with a key the issuer publishes through OpenID discovery
    JsonObject discovery = getJson(issuer.issuerUrl() + "/.well-known/openid-configuration");
    assertThat(discovery.getString("issuer")).isEqualTo(issuer.issuerUrl());
    assertThat(discovery.getString("token_endpoint")).isEqualTo(issuer.tokenEndpoint());
    JWKSet keys = JWKSet.parse(getJson(discovery.getString("jwks_uri")).encode());
    assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
    RSAKey key = (RSAKey) keys.getKeyByKeyId(jwt.getHeader().getKeyID());
    assertThat(key).as("the token's kid is published").isNotNull();
    assertThat(jwt.verify(new RSASSAVerifier(key))).isTrue();

    Map<String, Object> claims = jwt.getJWTClaimsSet().getClaims();
    assertThat(jwt.getJWTClaimsSet().getIssuer()).isEqualTo(issuer.issuerUrl());
    assertThat(jwt.getJWTClaimsSet().getAudience()).containsExactly("mraos");
    assertThat(claims).containsEntry("client_id", clientId).containsEntry("azp", clientId).containsEntry("sub", clientId);
    assertThat(Set.of(((String) claims.get("scope")).split(" "))).isEqualTo(client.scopes());
    long exp = jwt.getJWTClaimsSet().getExpirationTime().getTime() / 1000;
    long iat = jwt.getJWTClaimsSet().getIssueTime().getTime() / 1000;
    assertThat(exp - iat).as("token-lifetime").isEqualTo(3600);
    assertThat(exp).isBetween(before + 3590, before + 3610);
  }

  @Test
  void aClientMayNarrowItsScopes() throws Exception {
    JsonObject answer = tokens.request("erp-connector", "erp-connector-secret", "erp.write");

    assertThat(answer.getInteger("http_status")).as(answer.encode()).isEqualTo(200);
    assertThat(Tokens.claims(answer.getString("access_token")).getString("scope")).isEqualTo("erp.write");
  }

  @Test
  void aWrongSecretGetsNoToken() {
    assertRefused(tokens.request("erp-connector", "wrong-secret", null), 401, "invalid_client");
    assertRefused(tokens.request("erp-connector", "", null), 401, "invalid_client");
    // another client's secret is a wrong secret too
    assertRefused(tokens.request("erp-connector", "supervisor-secret", null), 401, "invalid_client");
  }

  @Test
  void anUnknownClientGetsNoToken() {
    assertRefused(tokens.request("stranger", "stranger-secret", null), 401, "invalid_client");
    assertRefused(tokens.request("ERP-CONNECTOR", "erp-connector-secret", null), 401, "invalid_client");
  }

  @Test
  void noClientAuthenticationGetsNoToken() throws Exception {
    assertRefused(tokenEndpoint(null, null, Map.of("grant_type", "client_credentials", "client_id", "erp-connector")),
        401, "invalid_client");
  }

  @Test
  void theSecretMayComeInTheFormButMustBeRight() throws Exception {
    JsonObject good = tokenEndpoint(null, null, Map.of("grant_type", "client_credentials",
        "client_id", "erp-connector", "client_secret", "erp-connector-secret"));
    JsonObject bad = tokenEndpoint(null, null, Map.of("grant_type", "client_credentials",
        "client_id", "erp-connector", "client_secret", "nope"));

    assertThat(good.getInteger("http_status")).as(good.encode()).isEqualTo(200);
    assertThat(Tokens.claims(good.getString("access_token")).getString("client_id")).isEqualTo("erp-connector");
    assertRefused(bad, 401, "invalid_client");
  }

  @Test
  void aScopeTheClientMayNotHaveGetsNoToken() {
    // supervisor has erp.read but not erp.write
    assertRefused(tokens.request("supervisor", "supervisor-secret", "erp.write"), 400, "invalid_scope");
    assertRefused(tokens.request("supervisor", "supervisor-secret", "erp.read erp.write"), 400, "invalid_scope");
    assertRefused(tokens.request("mes-connector", "mes-connector-secret", "openid"), 400, "invalid_scope");
  }

  @Test
  void otherGrantsGetNoTokenEvenWithTheRightSecret() throws Exception {
    JsonObject password = tokenEndpoint("erp-connector", "erp-connector-secret",
        Map.of("grant_type", "password", "username", "erp-connector", "password", "erp-connector-secret"));
    assertThat(password.getInteger("http_status")).as(password.encode()).isBetween(400, 401);
    assertThat(password.containsKey("access_token")).isFalse();

    // the library's authorize endpoint hands out codes without a login; the code must not buy a token
    String redirect = "http://localhost/callback";
    HttpResponse<String> authorize = HTTP.send(HttpRequest.newBuilder(URI.create(issuer.issuerUrl()
        + "/authorize?client_id=erp-connector&response_type=code&scope=openid&state=s1&nonce=n1&redirect_uri="
        + URLEncoder.encode(redirect, StandardCharsets.UTF_8))).GET().build(), HttpResponse.BodyHandlers.ofString());
    String location = authorize.headers().firstValue("Location").orElse("");
    assertThat(location).as("authorize answered " + authorize.statusCode()).contains("code=");
    String code = URLDecoder.decode(location.replaceAll(".*[?&]code=([^&]+).*", "$1"), StandardCharsets.UTF_8);

    JsonObject answer = tokenEndpoint("erp-connector", "erp-connector-secret",
        Map.of("grant_type", "authorization_code", "code", code, "redirect_uri", redirect));

    assertThat(answer.getInteger("http_status")).as(answer.encode()).isBetween(400, 401);
    assertThat(answer.containsKey("access_token")).isFalse();
    assertThat(answer.containsKey("id_token")).isFalse();
  }
}
