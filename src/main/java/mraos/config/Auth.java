package mraos.config;

/** oauth2 (client credentials), basic, api-key or none; secrets read from the value or its -file. */
public record Auth(String type, String tokenUrl, String clientId, String clientSecret, String scope, String username,
                   String password, String header, String key) {
  static Auth from(Settings s) {
    String type = s.string("type");
    return switch (type) {
      case "oauth2" -> new Auth(type, s.string("token-url").trim(), s.string("client-id"), s.secret("client-secret"),
          s.string("scope"), "", "", "", "");
      case "basic" -> new Auth(type, "", "", "", "", s.string("username"), s.secret("password"), "", "");
      case "api-key" -> new Auth(type, "", "", "", "", "", "", s.string("header"), s.secret("key"));
      case "none" -> new Auth(type, "", "", "", "", "", "", "", "");
      default -> throw new IllegalArgumentException("Unknown auth type '" + type + "' (oauth2, basic, api-key or none)");
    };
  }

  @Override
  public String toString() {
    return "Auth[" + type + (clientId.isEmpty() ? "" : ", client " + clientId) + (username.isEmpty() ? "" : ", user " + username)
        + "]"; // never the secrets
  }
}
