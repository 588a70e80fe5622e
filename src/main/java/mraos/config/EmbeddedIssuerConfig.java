package mraos.config;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** The embedded development token issuer (loopback only) and its clients. */
public record EmbeddedIssuerConfig(int port, String issuerId, Duration tokenLifetime, Map<String, DevClient> clients) {
  static EmbeddedIssuerConfig from(Settings s) {
    Map<String, DevClient> clients = new LinkedHashMap<>();
    Settings section = s.section("clients");
    for (String id : section.json().fieldNames()) {
      Settings client = section.section(id);
      clients.put(id, new DevClient(id, client.string("secret"), Set.copyOf(client.strings("scopes"))));
    }
    return new EmbeddedIssuerConfig(s.integer("port", 0, 65535), s.string("issuer-id"),
        s.duration("token-lifetime", Duration.ofSeconds(10), Duration.ofDays(1)), Map.copyOf(clients));
  }

  public String issuerUrl() {
    return "http://localhost:" + port + "/" + issuerId;
  }
}
