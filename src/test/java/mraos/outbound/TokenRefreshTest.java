package mraos.outbound;

import io.vertx.core.json.JsonObject;
import mraos.embedded.EmbeddedIssuer;
import mraos.outbound.OutboundFixture.Completed;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import simulators.ErpSimulator;
import simulators.ReceivedRequest;
import testsupport.PlantNode;
import testsupport.Ports;
import testsupport.TestNode;
import testsupport.Tokens;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import static mraos.outbound.OutboundFixture.awaitSettled;
import static mraos.outbound.OutboundFixture.requests;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Spec §9.1: ERP's OAuth 2.0 token (client credentials, client "mraos", from the embedded issuer found by discovery)
 * is reused while it is fresh and renewed {@code outbound.token-refresh-before-expiry} before it expires. The node runs
 * its own embedded issuer here, with 10-second tokens, and renews them 4 s before expiry.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class TokenRefreshTest {

  static final long LIFETIME_S = 10;
  static final long REFRESH_BEFORE_S = 4;

  @RegisterExtension
  static final PlantNode plant = PlantNode.start().withErp()
      // no issuer configured: the node starts the embedded one, with short-lived tokens
      .with("security.issuer", "")
      .with("security.embedded-issuer.port", Ports.free())
      .with("security.embedded-issuer.token-lifetime", LIFETIME_S + "s")
      .with("outbound.token-refresh-before-expiry", REFRESH_BEFORE_S + "s");

  static ErpSimulator erp;
  static TestNode node;
  static Tokens tokens;

  @BeforeAll
  static void start() {
    erp = plant.erp();
    node = plant.node();
    EmbeddedIssuer issuer = node.node.embedded().issuer().orElseThrow();
    tokens = new Tokens(issuer);
  }

  String token(String client, String secret) {
    return tokens.request(client, secret, null).getString("access_token");
  }

  Completed report() {
    return report(OutboundFixture.order(node, token("erp-connector", "erp-connector-secret")));
  }

  Completed report(OutboundFixture.Order order) {
    Completed report = OutboundFixture.complete(node, order, new JsonObject().put("quantity_produced", 10),
        token("supervisor", "supervisor-secret"));
    assertThat(awaitSettled(node.db, report.messageId(), Duration.ofSeconds(20))).containsEntry("status", "delivered");
    return report;
  }

  @Test
  void theTokenIsReusedWhileFreshAndRenewedBeforeItExpires() throws Exception {
    Completed a = report();
    ReceivedRequest first = requests(erp, a.messageId()).get(0);
    String t1 = bearer(first);
    JsonObject c1 = Tokens.claims(t1);
    assertThat(c1.getString("iss")).as("from the embedded issuer, found by discovery")
        .isEqualTo(node.config().security().effectiveIssuer());
    assertThat(c1.getString("client_id")).isEqualTo("mraos");
    assertThat(c1.getString("scope")).isEqualTo("erp.read erp.write");
    assertThat(c1.getLong("exp") - c1.getLong("iat")).as("the issuer's token lifetime").isEqualTo(LIFETIME_S);

    // soon after: the same token, not a new one per call
    Completed b = report();
    ReceivedRequest second = requests(erp, b.messageId()).get(0);
    assertThat(second.receivedAt()).isBefore(first.receivedAt().plusSeconds(LIFETIME_S - REFRESH_BEFORE_S));
    assertThat(bearer(second)).isEqualTo(t1);

    // past "expiry - 4 s" but well before expiry: a new token, fetched while the old one was still valid
    OutboundFixture.Order order = OutboundFixture.order(node, token("erp-connector", "erp-connector-secret"));
    sleepUntil(first.receivedAt().plusMillis((LIFETIME_S - REFRESH_BEFORE_S) * 1000 + 300));
    Completed c = report(order);
    ReceivedRequest third = requests(erp, c.messageId()).get(0);
    Instant t1Expires = Instant.ofEpochSecond(c1.getLong("exp"));
    assertThat(third.receivedAt()).as("this call came before the first token expired").isBefore(t1Expires);
    String t3 = bearer(third);
    assertThat(t3).as("renewed ahead of expiry").isNotEqualTo(t1);
    JsonObject c3 = Tokens.claims(t3);
    assertThat(c3.getString("client_id")).isEqualTo("mraos");
    assertThat(Instant.ofEpochSecond(c3.getLong("iat"))).isBefore(t1Expires);
    assertThat(c3.getLong("exp")).isGreaterThan(c1.getLong("exp"));
    assertThat(requests(erp, c.messageId())).as("no 401 was needed to renew it").hasSize(1);
  }

  private static String bearer(ReceivedRequest request) {
    String authorization = request.header("Authorization");
    assertThat(authorization).startsWith("Bearer ");
    return authorization.substring(7);
  }

  private static void sleepUntil(Instant when) throws InterruptedException {
    long ms = Duration.between(Instant.now(), when).toMillis();
    if (ms > 0) {
      Thread.sleep(ms);
    }
  }
}
