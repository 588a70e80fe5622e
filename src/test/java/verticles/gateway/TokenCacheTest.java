package verticles.gateway;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import testsupport.Api.Response;
import testsupport.Plant;
import testsupport.TestNode;
import testsupport.Tokens;
import verticles.erp.ErpRoutes;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Verified tokens are remembered (TokenVerifier), but never beyond their expiry: a token used while valid is refused
 * once it expired, and a tampered copy of a remembered token is still refused. No leeway here, so expiry is exact.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class TokenCacheTest {

  static final String PATH = ErpRoutes.WORK_ORDERS;
  static TestNode node;

  @BeforeAll
  static void start() {
    node = TestNode.start(Map.of("security.leeway", "0s", "http.instances", 1));
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  static Response post(String token) {
    return node.api.postJson(PATH, token, Plant.workOrderEvent("work_order.created", Plant.unique("WO-TC")));
  }

  @Test
  void aRememberedTokenIsRefusedOnceItExpired() throws Exception {
    String token = node.tokens.signed(Map.of("client_id", "erp-connector", "azp", "erp-connector", "sub", "erp-connector",
        "scope", "mraos.erp"), Duration.ofSeconds(3));
    assertThat(post(token).status()).isEqualTo(200);
    assertThat(post(token).status()).as("the same token again (remembered)").isEqualTo(200);

    long expiresAtMs = Tokens.claims(token).getLong("exp") * 1000;
    Thread.sleep(Math.max(0, expiresAtMs - System.currentTimeMillis()) + 1_200);

    Response refused = post(token);
    assertThat(refused.status()).as(refused.toString()).isEqualTo(401);
    assertThat(refused.json().getString("message")).contains("expired");
  }

  @Test
  void aTamperedCopyOfARememberedTokenIsRefused() {
    String token = node.token("erp-connector");
    assertThat(post(token).status()).isEqualTo(200);

    Response refused = post(Tokens.tampered(token, Map.of("client_id", "someone-else")));
    assertThat(refused.status()).as(refused.toString()).isEqualTo(401);
    assertThat(post(token).status()).isEqualTo(200);
  }
}
