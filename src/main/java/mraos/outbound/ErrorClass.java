package mraos.outbound;

/** How a call to an external system failed, as spec §7.1 sorts failures; each class has its own retry schedule. */
public enum ErrorClass {
  /** 401: the token is refreshed and the call retried at once. */
  UNAUTHORIZED("unauthorized", false),
  /** 429: normal throttling; exponential backoff honouring Retry-After. */
  RATE_LIMITED("rate_limited", false),
  /** 400 and the other 4xx answers: the payload must be fixed; no retry. */
  VALIDATION("validation_error", false),
  /** 404: maybe a timing issue; one retry. */
  NOT_FOUND("not_found", false),
  /** 500-503 (and other 5xx). */
  SERVER_ERROR("server_error", true),
  /** 504, or no answer in time. */
  TIMEOUT("timeout", true),
  /** Connection refused or reset, unknown host. */
  NETWORK_ERROR("network_error", true);

  private final String code;
  private final boolean systemDown;

  ErrorClass(String code, boolean systemDown) {
    this.code = code;
    this.systemDown = systemDown;
  }

  /** Name used in the database and in metrics. */
  public String code() {
    return code;
  }

  /** Whether it says the system is unwell (these count toward opening the circuit breaker). */
  public boolean systemDown() {
    return systemDown;
  }

  /** The class named by {@link #code()}. */
  public static ErrorClass ofCode(String code) {
    for (ErrorClass c : values()) {
      if (c.code.equals(code)) {
        return c;
      }
    }
    throw new IllegalArgumentException("No error class " + code);
  }

  /** The class of an HTTP answer; null for a success (2xx, 3xx). */
  public static ErrorClass ofStatus(int status) {
    if (status < 400) {
      return null;
    }
    return switch (status) {
      case 401 -> UNAUTHORIZED;
      case 404 -> NOT_FOUND;
      case 429 -> RATE_LIMITED;
      case 504 -> TIMEOUT;
      default -> status >= 500 ? SERVER_ERROR : VALIDATION;
    };
  }
}
