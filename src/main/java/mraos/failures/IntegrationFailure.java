package mraos.failures;

import io.vertx.core.json.JsonObject;
import mraos.http.Json;

import java.time.Instant;

/**
 * A message MRAOS could not integrate, kept for review: the spec's dead-letter structure (§7.2), plus where it came
 * from and the correlation id that ties it to the audit trail.
 */
public record IntegrationFailure(
    String failureId,
    Instant timestamp,
    String integrationType,
    String direction,
    String externalSystem,
    JsonObject originalMessage,
    String errorCode,
    String errorMessage,
    String stackTrace,
    int retryCount,
    Instant lastRetryAt,
    String status,
    String correlationId,
    String messageId) {

  public static final String PENDING_MANUAL_REVIEW = "pending_manual_review";
  public static final String VALIDATION_ERROR = "VALIDATION_ERROR";

  /** A new failure that goes straight to manual review (no retry can fix it). */
  public static IntegrationFailure forReview(Instant now, String integrationType, String direction, String externalSystem,
                                             JsonObject originalMessage, String errorCode, String errorMessage,
                                             String correlationId) {
    return new IntegrationFailure(null, now, integrationType, direction, externalSystem, originalMessage, errorCode,
        errorMessage, null, 0, null, PENDING_MANUAL_REVIEW, correlationId, null);
  }

  /**
   * How many times MRAOS tried to apply or deliver the message: the first try plus {@code retry_count} retries
   * (automatic ones and those a reviewer asked for; while {@code retrying}, the one under way counts).
   */
  public int attempts() {
    return retryCount + 1;
  }

  public IntegrationFailure withId(String id) {
    return new IntegrationFailure(id, timestamp, integrationType, direction, externalSystem, originalMessage, errorCode,
        errorMessage, stackTrace, retryCount, lastRetryAt, status, correlationId, messageId);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("failure_id", failureId)
        .put("timestamp", Json.time(timestamp))
        .put("integration_type", integrationType)
        .put("direction", direction)
        .put("external_system", externalSystem)
        .put("original_message", originalMessage)
        .put("error_details", new JsonObject()
            .put("error_code", errorCode)
            .put("error_message", errorMessage)
            .put("stack_trace", stackTrace))
        .put("retry_count", retryCount)
        .put("attempts", attempts())
        .put("last_retry_at", Json.time(lastRetryAt))
        .put("status", status)
        .put("correlation_id", correlationId)
        .put("message_id", messageId);
  }
}
