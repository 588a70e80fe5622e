package mraos.outbound;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;

import java.time.Instant;

/**
 * What happens in MRAOS when a queued call of one integration type is delivered or given up, in the same transaction
 * that records it (e.g. a completion report delivered marks the work order synchronized with ERP). Implementations
 * are found with {@link java.util.ServiceLoader} (META-INF/services), so an area adds its own without the outbound
 * path knowing it. They must be idempotent.
 */
public interface DeliveryEffect {

  String integrationType();

  /** Called once, before any delivery, with the node it runs on and its configuration (topics, paths). */
  default void configure(io.vertx.core.Vertx vertx, mraos.config.MraosConfig config) {
  }

  default Future<Void> delivered(SqlConnection tx, OutboundMessage message, Object response, Instant at) {
    return Future.succeededFuture();
  }

  default Future<Void> failed(SqlConnection tx, OutboundMessage message, String failureId, Instant at) {
    return Future.succeededFuture();
  }

  /** Convenience for effects that only care about the payload they sent. */
  static JsonObject payloadOf(OutboundMessage message) {
    return message.payload() == null ? new JsonObject() : message.payload();
  }
}
