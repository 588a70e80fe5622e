package mraos.outbound;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.circuitbreaker.OpenCircuitException;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import mraos.audit.AuditEntry;
import mraos.audit.AuditLog;
import mraos.cluster.SingletonLease;
import mraos.config.ExternalSystem;
import mraos.config.MraosConfig;
import mraos.db.Database;
import mraos.events.Addresses;
import mraos.failures.DeadLetters;
import mraos.health.NodeStatus;
import mraos.metrics.Meters;
import mraos.time.NodeClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The one way out to one external system (one per system in the cluster, run by {@code ClusterSingletons}): takes due
 * calls from {@code outbound_messages}, authenticates them, sends them through the system's circuit breaker with the
 * message id as Idempotency-Key, audits every attempt, and then marks each delivered, schedules its retry by error
 * class (spec §7.1), or gives it up as a dead letter (§7.2). While the breaker is open nothing is sent; calls wait in
 * the queue. Deployment config: {@code {"mraos": <node config>, "system": "ERP"}}.
 */
public final class OutboundVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(OutboundVerticle.class);

  private MraosConfig config;
  private ExternalSystem system;
  private Pool pool;
  private Clock clock;
  private WebClient http;
  private SystemAuth auth;
  private CircuitBreaker breaker;
  private Settlement settlement;
  private AuditLog audit;
  private MeterRegistry meters;
  private final AtomicInteger breakerGauge = new AtomicInteger();
  private final AtomicLong depthGauge = new AtomicLong();
  private Duration lease;
  private boolean pumping;
  private boolean again;
  private boolean stopped;
  private Instant breakerOpenedAt;
  /** Ids of the calls being sent now (the path runs on one node, so these are all of them). */
  private final Set<String> onTheWire = new HashSet<>();
  private long pollTimer;
  /** Whether this node still holds the system's lock: no call is claimed without it. */
  private SingletonLease.Proof singleton;

  @Override
  public Future<?> start() {
    config = MraosConfig.from(config().getJsonObject("mraos"));
    system = config.system(config().getString("system"));
    singleton = SingletonLease.proof(vertx, config());
    pool = Database.pool(vertx, config.database());
    clock = NodeClock.of(vertx);
    long timeoutMs = system.requestTimeout().toMillis();
    http = WebClient.create(vertx, new WebClientOptions()
        .setConnectTimeout((int) Math.min(timeoutMs, config.outbound().connectTimeout().toMillis()))
        .setIdleTimeout((int) Math.max(1, timeoutMs)).setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
        .setUserAgent("MRAOS"), new PoolOptions().setHttp1MaxSize(config.outbound().maxInFlight()));
    auth = new SystemAuth(vertx, system.auth(), config.security().effectiveIssuer(),
        config.outbound().tokenRefreshBeforeExpiry(), clock);
    audit = new AuditLog(vertx, pool, config.audit(), config.node().name());
    Map<String, DeliveryEffect> effects = new HashMap<>();
    ServiceLoader.load(DeliveryEffect.class).forEach(effect -> {
      effect.configure(vertx, config);
      effects.put(effect.integrationType(), effect);
    });
    settlement = new Settlement(pool, clock, system, config.outbound(), DeadLetters.of(config), effects);
    // a call in flight when the node dies becomes due again after this
    lease = system.requestTimeout().multipliedBy(2).plus(config.outbound().claimLeaseMargin());
    breaker = CircuitBreaker.create("mraos-outbound-" + system.name(), vertx, new CircuitBreakerOptions()
            .setMaxFailures(config.outbound().breakerMaxFailures())
            .setResetTimeout(config.outbound().breakerResetTimeout().toMillis())
            .setTimeout(-1)
            // "in a row": a success resets the count; failures far apart still add up
            .setFailuresRollingWindow(Duration.ofDays(1).toMillis()))
        .openHandler(v -> {
          breakerOpenedAt = clock.instant();
          LOG.warn("{}: circuit breaker OPEN ({} failures in a row, or the half-open trial failed); nothing is sent for {}",
              system.name(), config.outbound().breakerMaxFailures(), config.outbound().breakerResetTimeout());
          report();
        })
        .halfOpenHandler(v -> {
          LOG.info("{}: circuit breaker HALF-OPEN, one call may try", system.name());
          report();
          pump();
        })
        .closeHandler(v -> {
          LOG.info("{}: circuit breaker CLOSED", system.name());
          report();
          OutboundQueue.back(pool, system.name(), clock.instant(), onTheWire).onComplete(back -> {
            if (back.succeeded() && back.result() > 0) {
              LOG.info("{}: answers again; {} call(s) waiting out a retry pause are due now", system.name(), back.result());
            }
            pump();
          });
        });
    meters = Meters.registry(config.metricsRegistryName());
    Tags tags = Tags.of(Meters.TAG_SYSTEM, system.name());
    meters.gauge(Meters.OUTBOUND_BREAKER_STATE, tags, breakerGauge);
    meters.gauge(Meters.OUTBOUND_QUEUE_DEPTH, tags, depthGauge);
    vertx.eventBus().consumer(Addresses.outboundWakeUp(system.name()), message -> pump());
    vertx.eventBus().<JsonObject>consumer(OutboundCall.address(system.name()), this::answerCall);
    pollTimer = vertx.setPeriodic(0, config.outbound().pollInterval().toMillis(), id -> {
      pump();
      report();
    });
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    NodeStatus.forget(vertx, part());
    vertx.cancelTimer(pollTimer);
    http.close();
    return audit.flush();
  }

  /** Takes as many due calls as there is room for on the wire and sends them. */
  private void pump() {
    if (stopped || !system.connected() || !singleton.held()) {
      return;
    }
    if (pumping) {
      again = true;
      return;
    }
    CircuitBreakerState state = breaker.state();
    if (state == CircuitBreakerState.OPEN) {
      settlement.hold();
      return;
    }
    int room = state == CircuitBreakerState.HALF_OPEN ? (onTheWire.isEmpty() ? 1 : 0)
        : config.outbound().maxInFlight() - onTheWire.size();
    if (room <= 0) {
      return;
    }
    pumping = true;
    again = false;
    OutboundQueue.claimDue(pool, system.name(), clock.instant(), lease, room).onComplete(ar -> {
      pumping = false;
      if (ar.failed()) {
        LOG.warn("{}: cannot read the outbound queue ({}); trying again in {}", system.name(), ar.cause().getMessage(),
            config.outbound().pollInterval());
        return;
      }
      ar.result().forEach(this::deliver);
      if (again || (ar.result().size() == room && state == CircuitBreakerState.CLOSED)) {
        pump();
      }
    });
  }

  private void deliver(OutboundMessage message) {
    onTheWire.add(message.messageId());
    int[] refreshRetries = {0};
    send(message, config.outbound().unauthorizedRetries(), refreshRetries)
        .compose(attempt -> settlement.settle(message, attempt, refreshRetries[0], breakerOpenedAt))
        .onComplete(ar -> {
          onTheWire.remove(message.messageId());
          if (ar.failed()) {
            // the outcome could not be recorded (database down): the lease makes the call due again, same message id
            LOG.warn("{}: outcome of {} not recorded ({}); it will be tried again", system.name(), message.messageId(),
                ar.cause().getMessage());
          }
          pump();
        });
  }

  /**
   * One call through the breaker; a 401 gets a fresh token and (within its budget) an immediate second try, counted in
   * {@code refreshRetries[0]}.
   */
  private Future<Attempt> send(OutboundMessage message, int refreshesLeft, int[] refreshRetries) {
    return breaker.<Attempt>execute(() -> call(message).compose(attempt ->
            attempt.errorClass() != null && attempt.errorClass().systemDown()
                ? Future.failedFuture(new SystemDown(attempt)) : Future.succeededFuture(attempt)))
        .recover(err -> {
          if (err instanceof SystemDown down) {
            return Future.succeededFuture(down.attempt);
          }
          if (err instanceof OpenCircuitException) {
            return Future.succeededFuture(Attempt.notSent());
          }
          return Future.failedFuture(err);
        })
        .compose(attempt -> {
          if (attempt.errorClass() == ErrorClass.UNAUTHORIZED && refreshesLeft > 0) {
            auth.invalidate();
            refreshRetries[0]++;
            return send(message, refreshesLeft - 1, refreshRetries);
          }
          return Future.succeededFuture(attempt);
        });
  }

  private Future<Attempt> call(OutboundMessage message) {
    long started = System.nanoTime();
    Instant at = clock.instant();
    return auth.header().compose(header -> {
      HttpRequest<Buffer> request = http.requestAbs(HttpMethod.valueOf(message.method()), system.baseUrl() + message.path())
          .timeout(system.requestTimeout().toMillis())
          .putHeader("Idempotency-Key", message.messageId())
          .putHeader("X-Message-ID", message.messageId());
      if (message.correlationId() != null) {
        request.putHeader("X-Correlation-ID", message.correlationId());
      }
      if (header != null) {
        request.putHeader(header.getKey(), header.getValue());
      }
      return message.payload() == null ? request.send() : request.sendJsonObject(message.payload());
    }).transform(ar -> {
      Attempt attempt = ar.succeeded() ? Attempt.answered(ar.result()) : Attempt.failed(ar.cause());
      long millis = (System.nanoTime() - started) / 1_000_000;
      String outcome = attempt.errorClass() == null ? "delivered" : attempt.errorClass().code();
      meters.counter(Meters.OUTBOUND_ATTEMPTS, Tags.of(Meters.TAG_SYSTEM, system.name(), Meters.TAG_OUTCOME, outcome)).increment();
      audit.record(new AuditEntry(at, message.integrationType(), AuditEntry.Direction.OUTBOUND, system.name(),
          message.payload(), attempt.body(), attempt.status() == 0 ? null : attempt.status(), millis, attempt.delivered(),
          attempt.error(), null, message.correlationId(), message.method(), message.path()));
      return Future.succeededFuture(attempt);
    });
  }

  /** A synchronous call (OutboundCall): sent like a queued one, answered to the caller, not queued or retried. */
  private void answerCall(io.vertx.core.eventbus.Message<JsonObject> request) {
    JsonObject r = request.body();
    if (!system.connected()) {
      request.fail(OutboundCall.SYSTEM_ERROR, system.name() + " has no base-url configured");
      return;
    }
    OutboundMessage message = new OutboundMessage(r.getString("message_id"), system.name(), r.getString("integration_type"),
        r.getString("method"), r.getString("path"), null, null, r.getString("correlation_id"), 0, new JsonObject(), null,
        clock.instant());
    boolean describe = request.headers().contains(OutboundCall.DESCRIBE_ATTEMPT);
    send(message, config.outbound().unauthorizedRetries(), new int[1]).onComplete(ar -> {
      if (describe && ar.succeeded()) {
        request.reply(OutboundCall.described(ar.result())); // the caller retries by error class itself
      } else if (ar.failed()) {
        request.fail(OutboundCall.SYSTEM_ERROR, ar.cause().getMessage());
      } else if (ar.result().shortCircuited()) {
        request.fail(OutboundCall.BREAKER_OPEN, "circuit breaker open");
      } else if (!ar.result().delivered()) {
        request.fail(OutboundCall.SYSTEM_ERROR, ar.result().error());
      } else {
        Object body = ar.result().body();
        request.reply(body instanceof JsonObject json ? json : new JsonObject().put("raw", String.valueOf(body)));
      }
    });
  }

  /** Breaker state and queue depth: a gauge each, and this path's part of the integration status. */
  private void report() {
    CircuitBreakerState state = breaker.state();
    breakerGauge.set(state == CircuitBreakerState.CLOSED ? 0 : state == CircuitBreakerState.HALF_OPEN ? 1 : 2);
    pool.preparedQuery(OutboundQueue.NEXT_DUE).execute(Tuple.of(system.name())).onSuccess(rows -> {
      long depth = rows.iterator().next().getLong("depth");
      depthGauge.set(depth);
      String queue = depth + " call(s) queued, " + onTheWire.size() + " in flight";
      JsonObject data = new JsonObject().put("breaker", state.name()).put("queued", depth).put("in_flight", onTheWire.size())
          .put("connected", system.connected());
      if (!system.connected()) {
        NodeStatus.report(vertx, part(), system.name(), NodeStatus.State.DOWN, "no base-url configured: " + queue
            + " wait until one is", data);
      } else if (state == CircuitBreakerState.OPEN) {
        NodeStatus.report(vertx, part(), system.name(), NodeStatus.State.DOWN, "circuit breaker OPEN: nothing is sent; "
            + queue, data);
      } else if (state == CircuitBreakerState.HALF_OPEN) {
        NodeStatus.report(vertx, part(), system.name(), NodeStatus.State.DEGRADED, "circuit breaker HALF-OPEN: one call"
            + " tries; " + queue, data);
      } else {
        NodeStatus.report(vertx, part(), system.name(), NodeStatus.State.UP, "circuit breaker closed; " + queue, data);
      }
    });
  }

  /** This path's part of its system's integration status. */
  private String part() {
    return "outbound-" + system.name().toLowerCase(java.util.Locale.ROOT);
  }

  /** Carries a system-down attempt through the breaker as a failure (so it counts) without losing it. */
  private static final class SystemDown extends RuntimeException {
    final Attempt attempt;

    SystemDown(Attempt attempt) {
      super(attempt.error(), null, false, false);
      this.attempt = attempt;
    }
  }
}
