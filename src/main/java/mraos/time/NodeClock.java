package mraos.time;

import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Shareable;

import java.time.Clock;

/**
 * The clock a node's verticles read (schedules, staleness, timestamps). The system clock unless the node was started
 * with another: tests start nodes with a clock they move, so "23:00 in the plant" needs no waiting.
 */
public final class NodeClock {

  private static final String MAP = "mraos.node.clock";

  private record Holder(Clock clock) implements Shareable {
  }

  private NodeClock() {
  }

  public static void install(Vertx vertx, Clock clock) {
    vertx.sharedData().<String, Holder>getLocalMap(MAP).put("clock", new Holder(clock));
  }

  public static Clock of(Vertx vertx) {
    Holder holder = vertx.sharedData().<String, Holder>getLocalMap(MAP).get("clock");
    return holder == null ? Clock.systemUTC() : holder.clock();
  }
}
