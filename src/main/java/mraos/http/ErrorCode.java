package mraos.http;

/** The spec's Appendix C error codes, carried in every JSON error body. */
public enum ErrorCode {
  /** Authentication failure: missing, invalid or expired token, or a client not allowed to act here. */
  INT_001("INT-001"),
  /** Rate limit exceeded. */
  INT_002("INT-002"),
  /** Validation error: the payload breaks the schema or refers to what does not exist. */
  INT_003("INT-003"),
  /** Resource not found. */
  INT_004("INT-004"),
  /** Timeout. */
  INT_005("INT-005"),
  /** Circuit breaker open. */
  INT_006("INT-006"),
  /** Not in Appendix C: an unexpected failure inside MRAOS (HTTP 500; the caller retries after 5 minutes). */
  SYSTEM_ERROR("SYSTEM_ERROR"),
  /** Not in Appendix C: a dependency MRAOS needs is unreachable right now (HTTP 503 with Retry-After). */
  SERVICE_UNAVAILABLE("SERVICE_UNAVAILABLE");

  private final String code;

  ErrorCode(String code) {
    this.code = code;
  }

  public String code() {
    return code;
  }
}
