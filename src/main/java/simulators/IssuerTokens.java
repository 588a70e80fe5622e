package simulators;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Bearer tokens the way the plant's systems get them: OAuth 2.0 client credentials at the issuer's token endpoint
 * (found by OpenID Connect discovery), kept until halfway through their life. Used on one Vert.x context.
 */
final class IssuerTokens {

  /** A client and its secret at the issuer. */
  record Client(String id, String secret) {
    Client {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(secret, "secret");
    }

    @Override
    public String toString() {
      return "Client[" + id + "]"; // never the secret
    }
  }

  private record Held(String token, Instant renewAt) {
  }

  private final WebClient http;
  private final String issuer;
  private final Clock clock;
  private final Map<String, Held> held = new HashMap<>();
  private Future<String> tokenEndpoint;

  IssuerTokens(WebClient http, String issuer, Clock clock) {
    this.http = Objects.requireNonNull(http, "http");
    this.issuer = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
    this.clock = clock;
  }

  /** A valid token of this client, fetched when it has none or its token is halfway through its life. */
  Future<String> of(Client client) {
    Held current = held.get(client.id());
    if (current != null && clock.instant().isBefore(current.renewAt())) {
      return Future.succeededFuture(current.token());
    }
    return endpoint().compose(url -> http.postAbs(url).basicAuthentication(client.id(), client.secret())
        .sendForm(MultiMap.caseInsensitiveMultiMap().add("grant_type", "client_credentials"))
        .compose(response -> {
          JsonObject answer = json(response);
          String token = answer == null ? null : answer.getString("access_token");
          if (response.statusCode() != 200 || token == null) {
            return Future.failedFuture("The issuer gave " + client.id() + " no token (HTTP " + response.statusCode() + ": "
                + response.bodyAsString() + ")");
          }
          long lifetime = answer.getLong("expires_in", 300L);
          held.put(client.id(), new Held(token, clock.instant().plusSeconds(lifetime / 2)));
          return Future.succeededFuture(token);
        }));
  }

  /** The client's token was refused (401): the next call fetches another. */
  void forget(Client client) {
    held.remove(client.id());
  }

  private Future<String> endpoint() {
    if (tokenEndpoint == null || tokenEndpoint.failed()) {
      tokenEndpoint = http.getAbs(issuer + "/.well-known/openid-configuration").send().compose(response -> {
        JsonObject discovery = json(response);
        String url = discovery == null ? null : discovery.getString("token_endpoint");
        return response.statusCode() == 200 && url != null ? Future.succeededFuture(url)
            : Future.failedFuture("The issuer " + issuer + " names no token endpoint (HTTP " + response.statusCode() + ")");
      });
    }
    return tokenEndpoint;
  }

  private static JsonObject json(HttpResponse<Buffer> response) {
    try {
      return response.bodyAsJsonObject();
    } catch (RuntimeException e) {
      return null;
    }
  }
}
