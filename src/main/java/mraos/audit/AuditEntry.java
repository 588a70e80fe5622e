package mraos.audit;

import java.time.Instant;

/** One row of {@code integration_audit_log} (spec §9.3): one integration transaction, in or out, accepted or refused. */
public record AuditEntry(
    Instant timestamp,
    String integrationType,
    Direction direction,
    String externalSystem,
    Object requestPayload,
    Object responsePayload,
    Integer httpStatus,
    long processingTimeMs,
    boolean success,
    String errorMessage,
    String userId,
    String correlationId,
    String httpMethod,
    String endpoint) {

  public enum Direction {
    INBOUND, OUTBOUND;

    public String sql() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }
}
