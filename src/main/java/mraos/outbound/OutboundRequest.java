package mraos.outbound;

import io.vertx.core.json.JsonObject;
import mraos.events.Envelope;

import java.time.Instant;

/** A call to queue for an external system: what, where, and what it is about (for its delivery effect). */
public record OutboundRequest(String messageId, String externalSystem, String integrationType, String method, String path,
                              JsonObject payload, String referenceId, String correlationId) {

  public static OutboundRequest post(Instant now, String externalSystem, String integrationType, String path,
                                     JsonObject payload, String referenceId, String correlationId) {
    return new OutboundRequest(Envelope.messageId(now), externalSystem, integrationType, "POST", path, payload, referenceId,
        correlationId);
  }
}
