package verticles.gateway;

import io.micrometer.core.instrument.Counter;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import mraos.http.CorrelationIds;
import mraos.http.ErrorCode;
import mraos.http.Responses;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * Admission control for the API ({@code http.max-in-flight}): at most that many requests are being worked on by this
 * gateway instance at once; one more is answered at once with 503 SERVICE_UNAVAILABLE and {@code Retry-After}
 * ({@code http.over-capacity-retry-after}), before its body is read. Past the node's capacity the throughput then stays
 * at capacity and the latency of what is accepted stays bounded, instead of every request waiting in ever longer
 * queues (the pool's, the event loop's) until callers time out. Refusals are counted ({@code mraos_http_shed_total},
 * {@link #SHED}) and logged at most once per {@link #LOG_EVERY_MS}; integration calls refused so are audited like any
 * other refusal.
 * One instance per gateway verticle, used on its event loop only.
 */
final class Admission implements Handler<RoutingContext> {

  private static final Logger LOG = LoggerFactory.getLogger(Admission.class);
  /** Refusals come in bursts: one warning per this long says how many, instead of a line per refusal. */
  static final long LOG_EVERY_MS = 10_000;
  static final String SHED = "mraos.http.shed";

  private final int maxInFlight;
  private final String retryAfterSeconds;
  private final Counter shed;
  private int inFlight;
  private long shedSinceLog;
  private long lastLogAt;

  Admission(int maxInFlight, Duration retryAfter, Counter shed) {
    this.maxInFlight = maxInFlight;
    this.retryAfterSeconds = Responses.retryAfter(retryAfter);
    this.shed = shed;
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (inFlight >= maxInFlight) {
      refuse(ctx);
      return;
    }
    inFlight++;
    ctx.addEndHandler(v -> inFlight--); // called once: response sent, or the connection closed before that
    ctx.next();
  }

  int inFlight() {
    return inFlight;
  }

  private void refuse(RoutingContext ctx) {
    shed.increment();
    shedSinceLog++;
    long now = System.currentTimeMillis();
    if (now - lastLogAt >= LOG_EVERY_MS) {
      LOG.warn("Over capacity: {} request(s) in flight on this gateway instance (http.max-in-flight); answered 503 to {} "
          + "request(s) since the last such message", inFlight, shedSinceLog);
      lastLogAt = now;
      shedSinceLog = 0;
    }
    ctx.response().putHeader("Retry-After", retryAfterSeconds);
    Responses.json(ctx, 503, new JsonObject()
        .put("status", "error")
        .put("error_code", ErrorCode.SERVICE_UNAVAILABLE.code())
        .put("message", "MRAOS is at capacity (" + maxInFlight + " requests in flight); retry after " + retryAfterSeconds
            + " s")
        .put("details", new JsonArray())
        .put("correlation_id", CorrelationIds.of(ctx)));
  }
}
