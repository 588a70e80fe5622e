package mraos.outbound;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import mraos.http.Json;

import java.time.Instant;

/** A call MRAOS owes an external system, kept in PostgreSQL until it is delivered or given up (outbound_messages). */
public record OutboundMessage(
    String messageId,
    String externalSystem,
    String integrationType,
    String method,
    String path,
    JsonObject payload,
    String referenceId,
    String correlationId,
    int attempts,
    JsonObject retries,
    String failureId,
    Instant createdAt) {

  static final String COLUMNS = """
      message_id, external_system, integration_type, method, path, payload, reference_id, correlation_id, attempts,
      retries, failure_id, created_at""";

  static OutboundMessage fromRow(Row row) {
    Object payload = row.getValue("payload");
    return new OutboundMessage(row.getString("message_id"), row.getString("external_system"),
        row.getString("integration_type"), row.getString("method"), row.getString("path"),
        payload instanceof JsonObject o ? o : null, row.getString("reference_id"), row.getString("correlation_id"),
        row.getInteger("attempts"), row.getJsonObject("retries"), row.getString("failure_id"),
        Json.instant(row.getOffsetDateTime("created_at")));
  }

  int retriesUsed(ErrorClass errorClass) {
    return retries.getInteger(errorClass.code(), 0);
  }

  /** What a dead letter keeps of it: enough to send it again. */
  public JsonObject asOriginalMessage() {
    return new JsonObject()
        .put("message_id", messageId)
        .put("external_system", externalSystem)
        .put("method", method)
        .put("path", path)
        .put("reference_id", referenceId)
        .put("payload", payload);
  }
}
