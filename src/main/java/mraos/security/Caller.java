package mraos.security;

import java.util.Objects;
import java.util.Set;

/** Who is calling: the OAuth 2.0 client named by a verified bearer token, and the scopes it carries. */
public record Caller(String clientId, Set<String> scopes) {

  /** Key under which the gateway keeps the caller in the routing context. */
  public static final String CONTEXT_KEY = "mraos.caller";

  public Caller {
    Objects.requireNonNull(clientId, "clientId");
    scopes = Set.copyOf(scopes);
  }
}
