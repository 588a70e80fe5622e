package verticles.mes;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryContext;
import io.vertx.core.json.JsonObject;
import mraos.events.Addresses;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * What the OPC UA endpoint sends to the line actors: the machine-status messages of some lines, seen by an outbound
 * interceptor on the event bus (a consumer of our own would compete with the line's actor for each point-to-point
 * message and see only some of them).
 */
final class StatusInbox implements AutoCloseable {

  private final LinkedBlockingQueue<JsonObject> received = new LinkedBlockingQueue<>();
  private final Vertx vertx;
  private final Handler<DeliveryContext<Object>> interceptor;

  StatusInbox(Vertx vertx, String... lineIds) {
    this.vertx = vertx;
    Map<String, String> lineByAddress = new HashMap<>();
    for (String line : lineIds) {
      lineByAddress.put(Addresses.lineMachineStatus(line), line);
    }
    interceptor = context -> {
      String line = lineByAddress.get(context.message().address());
      if (line != null && context.body() instanceof JsonObject body) {
        received.add(body.copy().put("_line", line));
      }
      context.next();
    };
    vertx.eventBus().addOutboundInterceptor(interceptor);
  }

  /** Forgets what arrived so far. */
  void clear() {
    received.clear();
  }

  /** The first message (from now on) that matches; the ones before it are dropped. */
  JsonObject await(Predicate<JsonObject> wanted, Duration within) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    List<JsonObject> skipped = new ArrayList<>();
    while (true) {
      long left = deadline - System.nanoTime();
      JsonObject next = left <= 0 ? null : received.poll(left, TimeUnit.NANOSECONDS);
      if (next == null) {
        throw new AssertionError("No matching machine-status message within " + within + "; got " + skipped);
      }
      if (wanted.test(next)) {
        return next;
      }
      skipped.add(next);
    }
  }

  /** Messages that arrive within {@code window}. */
  List<JsonObject> collect(Duration window) throws InterruptedException {
    List<JsonObject> all = new ArrayList<>();
    long deadline = System.nanoTime() + window.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      JsonObject next = left <= 0 ? null : received.poll(left, TimeUnit.NANOSECONDS);
      if (next == null) {
        return all;
      }
      all.add(next);
    }
  }

  @Override
  public void close() {
    vertx.eventBus().removeOutboundInterceptor(interceptor);
  }
}
