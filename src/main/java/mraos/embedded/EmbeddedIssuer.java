package mraos.embedded;

import com.nimbusds.oauth2.sdk.GrantType;
import com.nimbusds.oauth2.sdk.OAuth2Error;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.PlainClientSecret;
import mraos.config.DevClient;
import mraos.config.EmbeddedIssuerConfig;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import no.nav.security.mock.oauth2.OAuth2Exception;
import no.nav.security.mock.oauth2.token.OAuth2TokenCallback;
import no.nav.security.mock.oauth2.token.OAuth2TokenProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The development OAuth 2.0 / OpenID Connect issuer (mock-oauth2-server) at {@code http://localhost:<port>/<issuer-id>}.
 * Unlike the library's default it checks client secrets: only the clients of {@code conf/mraos.yaml}, with their
 * secrets and scopes, get tokens, and only by the client-credentials grant. It listens on loopback only.
 */
public final class EmbeddedIssuer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedIssuer.class);

  private final MockOAuth2Server server;
  private final EmbeddedIssuerConfig config;

  private EmbeddedIssuer(MockOAuth2Server server, EmbeddedIssuerConfig config) {
    this.server = server;
    this.config = config;
  }

  public static EmbeddedIssuer start(EmbeddedIssuerConfig config, String audience) {
    ClientCredentialsOnly callback = new ClientCredentialsOnly(config, audience);
    OAuth2Config oauth2Config = new OAuth2Config(false, null, null, false, new OAuth2TokenProvider(), Set.of(callback));
    MockOAuth2Server server = new MockOAuth2Server(oauth2Config);
    server.start(InetAddress.getLoopbackAddress(), config.port());
    LOG.info("Embedded OAuth 2.0 issuer at {} (development only; clients {})", config.issuerUrl(), config.clients().keySet());
    return new EmbeddedIssuer(server, config);
  }

  public String issuerUrl() {
    return config.issuerUrl();
  }

  public String tokenEndpoint() {
    return issuerUrl() + "/token";
  }

  /** The library's server, for tests that need tokens the dev clients cannot get (expired, other issuers). */
  public MockOAuth2Server server() {
    return server;
  }

  /** What start-up prints so a newcomer can get a token. */
  public String howToGetAToken() {
    DevClient erp = config.clients().get("erp-connector");
    String client = erp != null ? erp.id() : config.clients().keySet().iterator().next();
    String secret = config.clients().get(client).secret();
    return "Get a token:  curl -s -u " + client + ":" + secret + " -d grant_type=client_credentials " + tokenEndpoint();
  }

  @Override
  public void close() {
    server.shutdown();
  }

  /** Issues tokens to the configured development clients only, by client credentials, with the scopes they may have. */
  static final class ClientCredentialsOnly implements OAuth2TokenCallback {
    private final EmbeddedIssuerConfig config;
    private final String audience;

    ClientCredentialsOnly(EmbeddedIssuerConfig config, String audience) {
      this.config = config;
      this.audience = audience;
    }

    @Override
    public String issuerId() {
      return config.issuerId();
    }

    @Override
    public String subject(TokenRequest request) {
      return authenticate(request).id();
    }

    @Override
    public String typeHeader(TokenRequest request) {
      return "JWT";
    }

    @Override
    public List<String> audience(TokenRequest request) {
      return List.of(audience);
    }

    @Override
    public Map<String, Object> addClaims(TokenRequest request) {
      DevClient client = authenticate(request);
      Map<String, Object> claims = new LinkedHashMap<>();
      claims.put("client_id", client.id());
      claims.put("azp", client.id());
      claims.put("scope", String.join(" ", grantedScopes(client, request.getScope())));
      return claims;
    }

    @Override
    public long tokenExpiry() {
      return config.tokenLifetime().toSeconds();
    }

    private DevClient authenticate(TokenRequest request) {
      if (!GrantType.CLIENT_CREDENTIALS.equals(request.getAuthorizationGrant().getType())) {
        throw new OAuth2Exception(OAuth2Error.UNAUTHORIZED_CLIENT, "only the client_credentials grant is offered");
      }
      ClientAuthentication auth = request.getClientAuthentication();
      if (!(auth instanceof PlainClientSecret secret)) {
        throw new OAuth2Exception(OAuth2Error.INVALID_CLIENT, "client authentication (client_secret_basic or client_secret_post) required");
      }
      DevClient client = config.clients().get(auth.getClientID().getValue());
      if (client == null || !MessageDigest.isEqual(client.secret().getBytes(StandardCharsets.UTF_8),
          secret.getClientSecret().getValue().getBytes(StandardCharsets.UTF_8))) {
        throw new OAuth2Exception(OAuth2Error.INVALID_CLIENT, "unknown client or wrong secret");
      }
      return client;
    }

    private static Set<String> grantedScopes(DevClient client, Scope requested) {
      if (requested == null || requested.isEmpty()) {
        return client.scopes();
      }
      Set<String> granted = new LinkedHashSet<>();
      for (Scope.Value value : requested) {
        if (!client.scopes().contains(value.getValue())) {
          throw new OAuth2Exception(OAuth2Error.INVALID_SCOPE, "client " + client.id() + " may not ask for scope " + value.getValue());
        }
        granted.add(value.getValue());
      }
      return granted;
    }
  }
}
