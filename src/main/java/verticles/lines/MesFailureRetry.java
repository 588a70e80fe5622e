package verticles.lines;

import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import mraos.events.Addresses;
import mraos.failures.FailureRetry;
import mraos.failures.IntegrationFailure;
import mraos.http.ApiError;
import mraos.http.ErrorCode;

import java.time.Duration;
import java.util.Set;
import java.util.regex.Matcher;

/**
 * An MES count, inspection or downtime event that became a dead letter (unknown machine, stale timestamp, bad field),
 * retried from the dead-letter review as it was or as corrected ({"topic": ..., "payload": {...}}). It goes to the
 * actor of the topic's line, wherever in the cluster it runs, and is applied in order with the line's other messages;
 * the age rule is not applied again (the admin decided to apply it), every other check is. The retry succeeds once it
 * is committed and fails with the reason when the line still refuses it, or when the line does not answer within
 * {@code lines.dead-letter-retry-timeout} (a line holding messages while PostgreSQL is away answers later).
 */
public final class MesFailureRetry implements FailureRetry {

  @Override
  public Set<String> integrationTypes() {
    return Set.of(MesMessage.COUNT, MesMessage.INSPECTION, MesMessage.DOWNTIME);
  }

  @Override
  public Future<JsonObject> retry(Context context, IntegrationFailure failure, JsonObject message) {
    Object payload = message.getValue("payload");
    String topic = message.getValue("topic") instanceof String t ? t : null;
    Matcher m = topic == null ? null : MqttMessages.TOPIC.matcher(topic);
    if (m == null || !MqttMessages.mesTopic(m) || payload == null) {
      return Future.failedFuture(ApiError.badRequest("A retried MES message needs the MQTT topic it came on (e.g. "
          + "mes/production/line2/machine/M-203/count) and its payload: {\"topic\": ..., \"payload\": {...}}"));
    }
    if (Boolean.TRUE.equals(message.getValue("payload_truncated"))) {
      return Future.failedFuture(ApiError.badRequest("Only the first part of this message's payload was kept (it had "
          + message.getValue("payload_size") + " bytes): retry it with a corrected payload"));
    }
    String line = m.group(2);
    JsonObject request = new JsonObject().put("topic", topic).put("payload", payload)
        .put("payload_encoding", message.getValue("payload_encoding")).put("failure_id", failure.failureId());
    Duration timeout = context.config().lines().deadLetterRetryTimeout();
    return context.vertx().eventBus().<JsonObject>request(Addresses.lineRetry(line), request,
            new DeliveryOptions().setSendTimeout(timeout.toMillis()))
        .map(reply -> reply.body().put("line_id", line))
        .recover(err -> Future.failedFuture(refusal(err, line, timeout)));
  }

  private static Throwable refusal(Throwable err, String line, Duration timeout) {
    if (!(err instanceof ReplyException reply)) {
      return err;
    }
    return switch (reply.failureType()) {
      case NO_HANDLERS -> ApiError.of(503, ErrorCode.INT_006, "Line " + line + " is not running anywhere in the cluster (not "
          + "in the plant model, or not started yet); the message was not applied");
      case TIMEOUT -> ApiError.of(503, ErrorCode.INT_006, "Line " + line + " did not confirm the message within "
          + timeout.toSeconds() + " s (PostgreSQL away?); it may still be applied, once");
      default -> reply.failureCode() == 503 ? ApiError.of(503, ErrorCode.INT_006, reply.getMessage())
          : ApiError.badRequest("Line " + line + " refuses it: " + reply.getMessage());
    };
  }
}
