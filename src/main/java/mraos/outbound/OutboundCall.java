package mraos.outbound;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import mraos.events.Envelope;
import mraos.http.ApiError;
import mraos.http.ErrorCode;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * A call to an external system whose answer is needed now (a pull: material master, ERP's work orders), sent through
 * the system's outbound verticle (wherever it runs) so it shares the breaker, the token and the audit trail. Not
 * queued and not retried: the caller decides what a failure means.
 */
public final class OutboundCall {

  /** Failure code the verticle replies with when the system's breaker is open. */
  static final int BREAKER_OPEN = 503;
  static final int SYSTEM_ERROR = 502;

  private OutboundCall() {
  }

  public static String address(String externalSystem) {
    return "mraos.outbound." + externalSystem.toLowerCase(Locale.ROOT) + ".call";
  }

  /** The answer's JSON body when the system answers 2xx; otherwise a failed future saying what happened. */
  public static Future<JsonObject> get(Vertx vertx, String externalSystem, String integrationType, String pathAndQuery,
                                       String correlationId, Duration timeout) {
    JsonObject request = new JsonObject()
        .put("message_id", Envelope.messageId(Instant.now()))
        .put("integration_type", integrationType)
        .put("method", "GET")
        .put("path", pathAndQuery)
        .put("correlation_id", correlationId);
    return vertx.eventBus().<JsonObject>request(address(externalSystem), request,
            new DeliveryOptions().setSendTimeout(timeout.toMillis()))
        .transform(ar -> {
          if (ar.succeeded()) {
            return Future.succeededFuture(ar.result().body());
          }
          if (ar.cause() instanceof ReplyException reply && reply.failureCode() == BREAKER_OPEN) {
            return Future.failedFuture(ApiError.of(503, ErrorCode.INT_006, externalSystem + " circuit breaker is open"));
          }
          return Future.failedFuture(new IllegalStateException(externalSystem + " call " + pathAndQuery + " failed: "
              + ar.cause().getMessage()));
        });
  }
}
