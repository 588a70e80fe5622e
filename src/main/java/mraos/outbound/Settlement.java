package mraos.outbound;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import mraos.config.ExternalSystem;
import mraos.config.OutboundConfig;
import mraos.failures.DeadLetters;
import mraos.failures.IntegrationFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;

/**
 * What an attempt to call a system means, recorded in {@code outbound_messages}: delivered (with its
 * {@link DeliveryEffect}, in one transaction), waiting for the breaker, retried at a time by its error class (spec
 * §7.1), or given up as a dead letter (§7.2). One per outbound verticle, on its event loop.
 */
final class Settlement {

  private static final Logger LOG = LoggerFactory.getLogger(Settlement.class);
  private static final DeliveryEffect NO_EFFECT = () -> "";

  private final Pool pool;
  private final Clock clock;
  private final ExternalSystem system;
  private final OutboundConfig config;
  private final RetrySchedule schedule;
  private final DeadLetters failures;
  private final Map<String, DeliveryEffect> effects;

  Settlement(Pool pool, Clock clock, ExternalSystem system, OutboundConfig config, DeadLetters failures,
             Map<String, DeliveryEffect> effects) {
    this.pool = pool;
    this.clock = clock;
    this.system = system;
    this.config = config;
    this.schedule = new RetrySchedule(config);
    this.failures = failures;
    this.effects = effects;
  }

  /** While the breaker is open nothing is sent: calls that are due wait in the queue, marked INT-006. */
  void hold() {
    pool.preparedQuery(OutboundQueue.HOLD).execute(Tuple.of(system.name(), OutboundQueue.utc(clock.instant()),
        Attempt.notSent().error())).onFailure(err -> LOG.debug("{}: cannot mark held calls ({})", system.name(), err.getMessage()));
  }

  /** Records what the attempt means: delivered, waiting, retry at a time, or a dead letter. */
  Future<Void> settle(OutboundMessage message, Attempt attempt, int refreshRetries, Instant breakerOpenedAt) {
    Instant now = clock.instant();
    if (attempt.shortCircuited()) {
      Instant reopens = breakerOpenedAt == null ? now.plus(config.breakerResetTimeout())
          : breakerOpenedAt.plus(config.breakerResetTimeout());
      return pool.preparedQuery(OutboundQueue.WAIT)
          .execute(Tuple.of(message.messageId(), OutboundQueue.utc(reopens.isAfter(now) ? reopens : now), attempt.error()))
          .mapEmpty();
    }
    DeliveryEffect effect = effects.getOrDefault(message.integrationType(), NO_EFFECT);
    if (attempt.delivered()) {
      return pool.withTransaction(tx -> tx.preparedQuery(OutboundQueue.DELIVERED)
          .execute(Tuple.of(message.messageId(), OutboundQueue.utc(now), attempt.status(), jsonb(attempt.body())))
          .compose(rows -> rows.rowCount() == 0 ? Future.succeededFuture()
              : effect.delivered(tx, message, attempt.body(), now)
                  .compose(v -> message.failureId() == null ? Future.succeededFuture()
                      : failures.resolveAfterRetry(tx, message.failureId(), now))));
    }
    ErrorClass errorClass = attempt.errorClass();
    var delay = schedule.next(errorClass, message.retriesUsed(errorClass), attempt.retryAfter());
    if (delay.isPresent()) {
      JsonObject retries = message.retries().copy().put(errorClass.code(), message.retriesUsed(errorClass) + 1);
      LOG.info("{}: {} {} failed ({}: {}); retry {} in {}", system.name(), message.integrationType(), message.messageId(),
          errorClass.code(), attempt.error(), message.retriesUsed(errorClass) + 1, delay.get());
      return pool.preparedQuery(OutboundQueue.RETRY).execute(Tuple.from(new Object[] {message.messageId(),
          OutboundQueue.utc(now), retries, OutboundQueue.utc(now.plus(delay.get())), attempt.status() == 0 ? null : attempt.status(),
          attempt.error(), jsonb(attempt.body())})).mapEmpty();
    }
    return pool.withTransaction(tx -> giveUp(tx, message, attempt, effect, now, refreshRetries));
  }

  /** Retries ran out (or none was due): the call becomes a dead letter for review. */
  private Future<Void> giveUp(SqlConnection tx, OutboundMessage message, Attempt attempt, DeliveryEffect effect, Instant now,
                              int refreshRetries) {
    // earlier attempts, plus the immediate retries with a refreshed token made in this one (spec §7.2 retry_count)
    int retries = message.attempts() + refreshRetries;
    LOG.warn("{}: giving up {} {} after {} attempt(s), {} of them retries (the failure's attempts and retry_count): {}",
        system.name(), message.integrationType(), message.messageId(), retries + 1, retries, attempt.error());
    IntegrationFailure failure = new IntegrationFailure(message.failureId(), now, message.integrationType(), "outbound",
        system.name(), message.asOriginalMessage(), attempt.errorCode(), system.name() + " " + attempt.error(),
        attempt.stackTrace(), retries, retries > 0 ? now : null,
        IntegrationFailure.PENDING_MANUAL_REVIEW, message.correlationId(), message.messageId());
    Future<String> failureId = message.failureId() == null
        ? failures.record(tx, failure).map(IntegrationFailure::failureId)
        : failures.reopen(tx, failure).map(v -> message.failureId());
    return failureId.compose(id -> tx.preparedQuery(OutboundQueue.FAILED).execute(Tuple.from(new Object[] {
            message.messageId(), OutboundQueue.utc(now), attempt.status() == 0 ? null : attempt.status(), attempt.error(),
            jsonb(attempt.body()), id}))
        .compose(rows -> effect.failed(tx, message, id, now)));
  }

  private static Object jsonb(Object body) {
    if (body == null) {
      return null;
    }
    return body instanceof JsonObject json ? json : new JsonObject().put("raw", body.toString());
  }

}
