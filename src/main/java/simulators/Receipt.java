package simulators;

import io.vertx.core.json.JsonObject;

import java.time.Instant;

/**
 * A document a simulated system accepted (a completion report, a consumption batch), once however often it was sent.
 *
 * @param idempotencyKey the {@code Idempotency-Key} it first came with, or null
 */
public record Receipt(String confirmationId, String idempotencyKey, Instant receivedAt, JsonObject body) {

  public JsonObject toJson() {
    return new JsonObject()
        .put("confirmation_id", confirmationId)
        .put("idempotency_key", idempotencyKey)
        .put("received_at", receivedAt.toString())
        .put("body", body.copy());
  }
}
