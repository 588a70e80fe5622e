package mraos.outbound;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import mraos.events.Envelope;
import mraos.http.ApiError;
import mraos.http.ErrorCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A call to an external system whose answer is needed now (a pull: material master, ERP's work orders, HR's employees),
 * sent through the system's outbound verticle (wherever it runs) so it shares the breaker, the token and the audit
 * trail. Not queued: {@link #get} is not retried (the caller decides what a failure means); {@link #getRetried} is
 * retried in place by error class (spec §7.1), as a queued call would be.
 */
public final class OutboundCall {

  private static final Logger LOG = LoggerFactory.getLogger(OutboundCall.class);

  /** Failure code the verticle replies with when the system's breaker is open. */
  static final int BREAKER_OPEN = 503;
  static final int SYSTEM_ERROR = 502;
  /** Header of a request whose answer, whatever it is, comes back described ({@link #described}) instead of failed. */
  static final String DESCRIBE_ATTEMPT = "mraos-describe-attempt";

  private OutboundCall() {
  }

  public static String address(String externalSystem) {
    return "mraos.outbound." + externalSystem.toLowerCase(Locale.ROOT) + ".call";
  }

  /** The answer's JSON body when the system answers 2xx; otherwise a failed future saying what happened. */
  public static Future<JsonObject> get(Vertx vertx, String externalSystem, String integrationType, String pathAndQuery,
                                       String correlationId, Duration timeout) {
    return vertx.eventBus().<JsonObject>request(address(externalSystem), request(integrationType, pathAndQuery, correlationId),
            new DeliveryOptions().setSendTimeout(timeout.toMillis()))
        .transform(ar -> {
          if (ar.succeeded()) {
            return Future.succeededFuture(ar.result().body());
          }
          if (ar.cause() instanceof ReplyException reply && reply.failureCode() == BREAKER_OPEN) {
            return Future.failedFuture(breakerOpen(externalSystem));
          }
          return Future.failedFuture(new IllegalStateException(externalSystem + " call " + pathAndQuery + " failed: "
              + ar.cause().getMessage()));
        });
  }

  /**
   * The answer's JSON body when the system answers 2xx, after as many retries as {@code schedule} allows for each way
   * the call failed (a 503 waits 5, 15, 30 minutes by default; a 400 is not retried). Fails at once while the
   * system's breaker is open (503 {@code INT-006}), and with the last error once the retries are used up.
   * {@code timeout}: longest wait for one attempt's answer.
   */
  public static Future<JsonObject> getRetried(Vertx vertx, String externalSystem, String integrationType, String pathAndQuery,
                                              String correlationId, Duration timeout, RetrySchedule schedule) {
    return attempt(vertx, externalSystem, integrationType, pathAndQuery, correlationId, timeout, schedule,
        new EnumMap<>(ErrorClass.class));
  }

  private static Future<JsonObject> attempt(Vertx vertx, String system, String type, String path, String correlationId,
                                            Duration timeout, RetrySchedule schedule, Map<ErrorClass, Integer> used) {
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(timeout.toMillis()).addHeader(DESCRIBE_ATTEMPT, "true");
    return vertx.eventBus().<JsonObject>request(address(system), request(type, path, correlationId), options)
        .map(reply -> reply.body())
        // the path not reachable over the event bus (moving between nodes, or gone): as if the network failed
        .otherwise(err -> new JsonObject().put("delivered", false).put("error_class", ErrorClass.NETWORK_ERROR.code())
            .put("error", system + "'s outbound path did not answer: " + err.getMessage()))
        .compose(answer -> {
          if (answer.getBoolean("delivered", false)) {
            JsonObject body = answer.getJsonObject("body");
            return Future.succeededFuture(body == null ? new JsonObject() : body);
          }
          if (answer.getBoolean("breaker_open", false)) {
            return Future.failedFuture(breakerOpen(system));
          }
          ErrorClass errorClass = ErrorClass.ofCode(answer.getString("error_class"));
          int retries = used.getOrDefault(errorClass, 0);
          Long retryAfterMs = answer.getLong("retry_after_ms");
          Optional<Duration> next = schedule.next(errorClass, retries,
              retryAfterMs == null ? null : Duration.ofMillis(retryAfterMs));
          String error = answer.getString("error");
          if (next.isEmpty()) {
            return Future.failedFuture(new IllegalStateException(system + " call " + path + " failed: " + error
                + (retries == 0 ? "" : " (after " + retries + " " + errorClass.code() + " retries)")));
          }
          used.put(errorClass, retries + 1);
          LOG.warn("{} call {} failed ({}: {}); retry {} in {}", system, path, errorClass.code(), error, retries + 1, next.get());
          return vertx.timer(Math.max(1, next.get().toMillis()))
              .compose(v -> attempt(vertx, system, type, path, correlationId, timeout, schedule, used));
        });
  }

  /** One attempt as the caller of {@link #getRetried} reads it. */
  static JsonObject described(Attempt attempt) {
    return new JsonObject()
        .put("delivered", attempt.delivered())
        .put("breaker_open", attempt.shortCircuited())
        .put("status", attempt.status())
        .put("body", attempt.body() instanceof JsonObject json ? json : null)
        .put("error_class", attempt.errorClass() == null ? null : attempt.errorClass().code())
        .put("error", attempt.error())
        .put("retry_after_ms", attempt.retryAfter() == null ? null : attempt.retryAfter().toMillis());
  }

  private static JsonObject request(String integrationType, String pathAndQuery, String correlationId) {
    return new JsonObject()
        .put("message_id", Envelope.messageId(Instant.now()))
        .put("integration_type", integrationType)
        .put("method", "GET")
        .put("path", pathAndQuery)
        .put("correlation_id", correlationId);
  }

  private static ApiError breakerOpen(String system) {
    return ApiError.of(503, ErrorCode.INT_006, system + " circuit breaker is open");
  }
}
