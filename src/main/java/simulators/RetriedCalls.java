package simulators;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The simulated plant's patience with the node: it waits for the node to be ready, and a call that failed (node not
 * reachable, token refused) is made again after a pause, until it succeeds or the plant stops. Used on the simulation's
 * Vert.x context.
 */
final class RetriedCalls {

  private static final Logger LOG = LoggerFactory.getLogger(RetriedCalls.class);
  /** A call that failed is tried again after this many cycle times. */
  private static final int RETRY_CYCLES = 10;

  private final Vertx vertx;
  private final Duration cycleTime;
  private final BooleanSupplier stopped;

  RetriedCalls(Vertx vertx, Duration cycleTime, BooleanSupplier stopped) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.cycleTime = Objects.requireNonNull(cycleTime, "cycleTime");
    this.stopped = Objects.requireNonNull(stopped, "stopped");
  }

  /** Completes once the node says it is ready, asking every cycle time. */
  Future<Void> nodeReady(NodeApi api) {
    Promise<Void> ready = Promise.promise();
    pollReady(api, ready);
    return ready.future();
  }

  private void pollReady(NodeApi api, Promise<Void> ready) {
    if (stopped.getAsBoolean()) {
      ready.tryFail("the simulated plant was stopped");
      return;
    }
    api.ready().onComplete(ar -> {
      if (ar.succeeded() && ar.result()) {
        LOG.info("Simulated plant: the node is ready");
        ready.tryComplete();
      } else {
        vertx.setTimer(Math.max(1, cycleTime.toMillis()), id -> pollReady(api, ready));
      }
    });
  }

  /** The call, tried again after a pause until it succeeds (or the plant stops); the first failure is logged. */
  <T> Future<T> retried(String what, Supplier<Future<T>> call) {
    Promise<T> done = Promise.promise();
    attempt(what, call, done, 1);
    return done.future();
  }

  private <T> void attempt(String what, Supplier<Future<T>> call, Promise<T> done, int attempt) {
    if (stopped.getAsBoolean()) {
      done.tryFail("the simulated plant was stopped");
      return;
    }
    call.get().onComplete(ar -> {
      if (ar.succeeded()) {
        done.tryComplete(ar.result());
        return;
      }
      Duration pause = cycleTime.multipliedBy(RETRY_CYCLES);
      if (attempt == 1) {
        LOG.warn("Simulated plant: {} failed ({}); trying again every {}", what, ar.cause().getMessage(), pause);
      }
      vertx.setTimer(Math.max(1, pause.toMillis()), id -> attempt(what, call, done, attempt + 1));
    });
  }
}
