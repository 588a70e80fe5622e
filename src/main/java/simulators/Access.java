package simulators;

import java.util.Objects;

/**
 * What a simulated system asks of its callers on every route outside {@code /_simulator/}: nothing, an OAuth 2.0
 * bearer token (ERP), HTTP Basic credentials (MES) or an API key header (HR). Bearer tokens are not verified, only
 * required: which ones to refuse is up to the test ({@link SystemSimulator#refuseTokens}).
 */
public sealed interface Access permits Access.Open, Access.Bearer, Access.Basic, Access.ApiKey {

  static Access open() {
    return new Open();
  }

  static Access bearer() {
    return new Bearer();
  }

  static Access basic(String user, String password) {
    return new Basic(user, password);
  }

  static Access apiKey(String header, String key) {
    return new ApiKey(header, key);
  }

  record Open() implements Access {
  }

  record Bearer() implements Access {
  }

  record Basic(String user, String password) implements Access {
    public Basic {
      Objects.requireNonNull(user, "user");
      Objects.requireNonNull(password, "password");
    }
  }

  record ApiKey(String header, String key) implements Access {
    public ApiKey {
      Objects.requireNonNull(header, "header");
      Objects.requireNonNull(key, "key");
    }
  }
}
