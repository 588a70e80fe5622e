package verticles.mes;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import mraos.Addresses;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** What a line's actor would receive from the OPC UA endpoint: the machine-status messages of some lines. */
final class StatusInbox implements AutoCloseable {

  private final LinkedBlockingQueue<JsonObject> received = new LinkedBlockingQueue<>();
  private final List<MessageConsumer<JsonObject>> consumers = new ArrayList<>();

  StatusInbox(Vertx vertx, String... lineIds) throws Exception {
    for (String line : lineIds) {
      MessageConsumer<JsonObject> consumer = vertx.eventBus().consumer(Addresses.lineMachineStatus(line),
          message -> received.add(message.body().copy().put("_line", line)));
      consumer.completion().await(10, TimeUnit.SECONDS);
      consumers.add(consumer);
    }
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
  public void close() throws Exception {
    for (MessageConsumer<JsonObject> consumer : consumers) {
      consumer.unregister().await(10, TimeUnit.SECONDS);
    }
  }
}
