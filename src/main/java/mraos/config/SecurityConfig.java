package mraos.config;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/** Which issuer's bearer tokens MRAOS accepts, how it reaches that issuer, and which clients may do what. */
public record SecurityConfig(String issuer, String audience, List<String> clientIdClaims, Duration leeway,
                             Set<String> knownClients, Set<String> erpAllowedClients, String erpRequiredScope,
                             Set<String> supervisorClients, Set<String> integrationAdminClients,
                             int requestsPerMinute, Duration discoveryRetry, Duration discoveryTimeout,
                             Duration keyRefreshMinInterval, EmbeddedIssuerConfig embeddedIssuer) {
  static SecurityConfig from(Settings s) {
    Settings erp = s.section("erp");
    return new SecurityConfig(s.string("issuer").trim(), s.string("audience"), s.strings("client-id-claims"),
        s.duration("leeway", Duration.ZERO, Duration.ofHours(1)), Set.copyOf(s.strings("known-clients")),
        Set.copyOf(erp.strings("allowed-clients")), erp.string("required-scope").trim(),
        Set.copyOf(s.strings("supervisor-clients")), Set.copyOf(s.strings("integration-admin-clients")),
        s.section("rate-limit").integer("requests-per-minute", 1, 10_000_000),
        s.duration("discovery-retry", Duration.ofMillis(100), Duration.ofHours(1)),
        s.duration("discovery-timeout", Duration.ofMillis(100), Duration.ofMinutes(5)),
        s.duration("key-refresh-min-interval", Duration.ZERO, Duration.ofDays(1)),
        EmbeddedIssuerConfig.from(s.section("embedded-issuer")));
  }

  public boolean embeddedIssuerWanted() {
    return issuer.isEmpty();
  }

  /** The issuer tokens must come from: the configured one, else the embedded one. */
  public String effectiveIssuer() {
    return issuer.isEmpty() ? embeddedIssuer.issuerUrl() : issuer;
  }
}
