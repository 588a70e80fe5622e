package simulators;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.Objects;

/**
 * A request's way into a simulated system, before its routes see it, in the order {@link SystemSimulator} describes:
 * recorded, faulted, then let in or refused. Control routes ({@link SystemSimulator#CONTROL}) pass untouched.
 */
final class Reception implements Handler<RoutingContext> {

  private static final Logger LOG = LoggerFactory.getLogger(Reception.class);

  private final Vertx vertx;
  private final String system;
  private final Clock clock;
  private final Recordings recordings;
  private final FaultScript faults;
  private final AccessCheck access;

  Reception(Vertx vertx, String system, Clock clock, Recordings recordings, FaultScript faults, AccessCheck access) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.system = Objects.requireNonNull(system, "system");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.recordings = Objects.requireNonNull(recordings, "recordings");
    this.faults = Objects.requireNonNull(faults, "faults");
    this.access = Objects.requireNonNull(access, "access");
  }

  @Override
  public void handle(RoutingContext ctx) {
    String path = ctx.request().path();
    if (path.startsWith(SystemSimulator.CONTROL)) {
      ctx.next();
      return;
    }
    recordings.add(ReceivedRequest.of(ctx, clock.instant()));
    Fault fault = faults.next(path);
    if (fault == null) {
      admit(ctx);
    } else if (fault instanceof Fault.Respond answer) {
      LOG.debug("{} simulator answers {} {} with scripted {}", system, ctx.request().method(), path, answer.status());
      Answers.send(ctx.response(), answer, system);
    } else if (fault instanceof Fault.Delay delay) {
      vertx.setTimer(Math.max(1, delay.delay().toMillis()), timer -> admit(ctx));
    } else {
      LOG.debug("{} simulator drops the connection of {} {}", system, ctx.request().method(), path);
      ctx.request().connection().close();
    }
  }

  /** After a delay this runs even if the caller gave up: a slow system still does the work, only the answer is lost. */
  private void admit(RoutingContext ctx) {
    Fault.Respond refusal = access.refusal(ctx.request());
    if (refusal != null) {
      Answers.send(ctx.response(), refusal, system);
    } else {
      ctx.next();
    }
  }
}
