package verticles.hr;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import mraos.failures.DeadLetters;
import mraos.failures.IntegrationFailure;
import mraos.http.ApiError;
import mraos.http.CorrelationIds;
import mraos.http.ErrorCode;
import mraos.http.RequestBodies;
import mraos.http.Responses;
import mraos.security.Caller;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;

/**
 * {@code POST /api/v1/integrations/hr/attendance}: one transaction claims the request's {@code Idempotency-Key},
 * applies the event ({@link Attendance}) or keeps its refusal as an integration failure (spec §7.2, retried from the
 * review once the master or schedule sync brought what was missing), and keeps the answer with the key. A repeat of
 * the key with the same body gets that answer (marked {@code Idempotent-Replayed: true}) and changes nothing; with
 * another body it is refused (422). Without a key each request is applied on its own.
 */
final class AttendanceHandler implements Handler<RoutingContext> {

  private static final Logger LOG = LoggerFactory.getLogger(AttendanceHandler.class);
  static final String IDEMPOTENCY_KEY = "Idempotency-Key";

  /** What the caller is answered, whether it was kept for a repeat, and the live feed's news when something changed. */
  private record Answer(int status, JsonObject body, boolean replayed, JsonObject operatorStatus) {
  }

  private final Vertx vertx;
  private final Pool pool;
  private final Clock clock;
  private final DeadLetters failures;
  private final HrSettings settings;

  AttendanceHandler(Vertx vertx, Pool pool, Clock clock, DeadLetters failures, HrSettings settings) {
    this.vertx = vertx;
    this.pool = pool;
    this.clock = clock;
    this.failures = failures;
    this.settings = settings;
  }

  @Override
  public void handle(RoutingContext ctx) {
    JsonObject event = RequestBodies.jsonObject(ctx);
    String key = ctx.request().getHeader(IDEMPOTENCY_KEY);
    if (key != null && (key.isBlank() || key.length() > IdempotencyKeys.MAX_KEY || !key.chars().allMatch(c -> c > 32 && c < 127))) {
      throw ApiError.badRequest("Idempotency-Key must be 1.." + IdempotencyKeys.MAX_KEY + " visible ASCII characters")
          .detail(new JsonObject().put("field", IDEMPOTENCY_KEY).put("message", "not a usable key"));
    }
    Caller caller = ctx.get(Caller.CONTEXT_KEY);
    String hash = ApiKeys.sha256(ctx.body().buffer().getBytes());
    String correlationId = CorrelationIds.of(ctx);
    pool.withTransaction(tx -> receive(tx, caller.clientId(), key, hash, event, correlationId)).onSuccess(answer -> {
      if (answer.replayed()) {
        ctx.response().putHeader("Idempotent-Replayed", "true");
      } else if (answer.status() >= 400) {
        LOG.info("HR attendance refused: {} {} (failure {}, correlation id {})", answer.status(),
            answer.body().getString("message"), answer.body().getString("failure_id"), correlationId);
      }
      HrEvents.committed(vertx, answer.replayed() ? null : answer.operatorStatus());
      Responses.json(ctx, answer.status(), answer.body());
    }).onFailure(ctx::fail);
  }

  private Future<Answer> receive(SqlConnection tx, String clientId, String key, String hash, JsonObject event,
                                 String correlationId) {
    Instant now = clock.instant();
    Future<IdempotencyKeys.Used> claimed = key == null ? Future.succeededFuture(null)
        : IdempotencyKeys.claim(tx, clientId, key, hash, now, settings.idempotencyRetention());
    return claimed.compose(used -> {
      if (used != null) {
        if (!used.requestHash().equals(hash)) {
          return Future.failedFuture(ApiError.of(422, ErrorCode.INT_003, "Idempotency-Key " + key + " was used before"
              + " with another body; a new request needs a new key").with("idempotency_key", key));
        }
        return Future.succeededFuture(new Answer(used.status(), used.answer(), true, null));
      }
      return apply(tx, event, correlationId, now).compose(answer -> key == null ? Future.succeededFuture(answer)
          : IdempotencyKeys.answer(tx, clientId, key, answer.status(), answer.body()).map(answer));
    });
  }

  /** The event applied, or its refusal kept as an integration failure (both answers are final). */
  private Future<Answer> apply(SqlConnection tx, JsonObject event, String correlationId, Instant now) {
    ApiError invalid = Attendance.violations(event);
    Future<Attendance.Applied> applied = invalid != null ? Future.failedFuture(invalid)
        : Attendance.apply(tx, event, settings.hrUpdatesTopic(), correlationId, now);
    return applied.map(done -> new Answer(200, done.answer(), false, done.operatorStatus())).recover(err -> {
      if (!(err instanceof ApiError refusal) || refusal.status() != 400) {
        return Future.failedFuture(err);
      }
      IntegrationFailure failure = IntegrationFailure.forReview(now, Attendance.INTEGRATION_TYPE, "inbound",
          HrRoutes.SYSTEM, event, IntegrationFailure.VALIDATION_ERROR, refusal.getMessage(), correlationId);
      return failures.record(tx, failure).map(kept -> new Answer(400, refusal.with("failure_id", kept.failureId()).body()
          .put("correlation_id", correlationId), false, null));
    });
  }
}
