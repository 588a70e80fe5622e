package mraos.config;

import java.util.Set;

/** A client of the embedded development issuer: its secret and the scopes it may ask for. */
public record DevClient(String id, String secret, Set<String> scopes) {
  @Override
  public String toString() {
    return "DevClient[" + id + ", scopes=" + scopes + "]";
  }
}
