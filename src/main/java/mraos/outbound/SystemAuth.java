package mraos.outbound;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.auth.oauth2.OAuth2Auth;
import io.vertx.ext.auth.oauth2.OAuth2FlowType;
import io.vertx.ext.auth.oauth2.OAuth2Options;
import io.vertx.ext.auth.oauth2.Oauth2Credentials;
import io.vertx.ext.auth.oauth2.providers.OpenIDConnectAuth;
import mraos.config.Auth;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;

/**
 * How MRAOS proves itself to one external system: an OAuth 2.0 client-credentials token (renewed before it expires,
 * spec §9.1), HTTP Basic, or an API key header. Secrets stay in here; nothing of them is logged. Used on one event loop.
 */
final class SystemAuth {

  private final Vertx vertx;
  private final Auth auth;
  private final String issuer;
  private final Duration refreshBefore;
  private final Clock clock;
  private OAuth2Auth oauth2;
  private String token;
  private Instant renewAt = Instant.MIN;
  private Future<String> fetching;

  SystemAuth(Vertx vertx, Auth auth, String issuer, Duration refreshBefore, Clock clock) {
    this.vertx = vertx;
    this.auth = auth;
    this.issuer = issuer;
    this.refreshBefore = refreshBefore;
    this.clock = clock;
  }

  /** The header that authenticates a call (name → value), or none. */
  Future<Map.Entry<String, String>> header() {
    return switch (auth.type()) {
      case "oauth2" -> bearer().map(t -> Map.entry("Authorization", "Bearer " + t));
      case "basic" -> Future.succeededFuture(Map.entry("Authorization", "Basic " + Base64.getEncoder()
          .encodeToString((auth.username() + ":" + auth.password()).getBytes(StandardCharsets.UTF_8))));
      case "api-key" -> Future.succeededFuture(Map.entry(auth.header(), auth.key()));
      default -> Future.succeededFuture(null);
    };
  }

  /** The system refused our token (401): the next call fetches a new one. */
  void invalidate() {
    token = null;
    renewAt = Instant.MIN;
  }

  private Future<String> bearer() {
    if (token != null && clock.instant().isBefore(renewAt)) {
      return Future.succeededFuture(token);
    }
    if (fetching == null) {
      fetching = provider()
          .compose(provider -> provider.authenticate(new Oauth2Credentials().setFlow(OAuth2FlowType.CLIENT)
              .setScopes(Arrays.stream(auth.scope().split("\\s+")).filter(s -> !s.isEmpty()).toList())))
          .map(user -> {
            token = user.principal().getString("access_token");
            long lifetime = user.principal().getLong("expires_in", 300L);
            // renew ahead of expiry; for tokens shorter-lived than that margin, halfway through their life
            long margin = Math.min(refreshBefore.toSeconds(), lifetime / 2);
            renewAt = clock.instant().plusSeconds(lifetime - margin);
            return token;
          })
          .onComplete(ar -> fetching = null);
    }
    return fetching;
  }

  private Future<OAuth2Auth> provider() {
    if (oauth2 != null) {
      return Future.succeededFuture(oauth2);
    }
    OAuth2Options options = new OAuth2Options().setClientId(auth.clientId()).setClientSecret(auth.clientSecret());
    Future<OAuth2Auth> created = auth.tokenUrl().isEmpty()
        ? OpenIDConnectAuth.discover(vertx, options.setSite(issuer))
        : Future.succeededFuture(OAuth2Auth.create(vertx, options.setTokenPath(auth.tokenUrl())));
    return created.onSuccess(p -> oauth2 = p);
  }
}
