package chaos;

import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import simulators.MesMqttPublisher;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static simulators.MesMqttPublisher.count;
import static simulators.MesMqttPublisher.countTopic;

/**
 * The MES's machines counting over MQTT (QoS 1), with a ledger per machine of every unit made: one count message per
 * unit, its {@code cumulative_units} the unit's number, so each unit is a count of its own that MRAOS must apply exactly
 * once. Like a machine's controller, it keeps what the broker has not acknowledged: while the broker is away, units are
 * still made and wait; once it is back, everything unacknowledged is sent again (same message, so a count the broker
 * took but whose acknowledgement was lost arrives twice, and must still count once).
 */
final class CountLedger {

  private static final long TICK_MS = 10;
  /** A broker that refused a connection is tried again this much later. */
  private static final long RECONNECT_PAUSE_NS = TimeUnit.MILLISECONDS.toNanos(200);

  /** One machine's ledger: units made (1..made), and those waiting for the broker's acknowledgement. Event loop only. */
  private static final class Machine {
    final String id;
    final String workOrder;
    final AtomicInteger made = new AtomicInteger();
    final AtomicInteger acknowledged = new AtomicInteger();
    /** Unit → (message, the connection it was last sent on; 0: not sent yet). */
    final Map<Integer, Pending> waiting = new TreeMap<>();

    Machine(String id, String workOrder) {
      this.id = id;
      this.workOrder = workOrder;
    }
  }

  private record Pending(JsonObject message, int connection) {
  }

  private final Context context;
  private final String url;
  private final List<Machine> machines = new ArrayList<>();
  private final int perTick;
  private MesMqttPublisher publisher;
  private int connection;
  private boolean connecting;
  private int next;
  private long timer = -1;
  private long lastAttempt = System.nanoTime() - RECONNECT_PAUSE_NS;
  private final AtomicInteger reconnections = new AtomicInteger();

  /** Counts for these machines' work orders (machine → order) at about {@code perSecond} in all. */
  CountLedger(Vertx vertx, String url, Map<String, String> workOrders, int perSecond) {
    this.context = vertx.getOrCreateContext();
    this.url = url;
    workOrders.forEach((machine, order) -> machines.add(new Machine(machine, order)));
    this.perTick = Math.max(1, (int) (perSecond * TICK_MS / 1000));
  }

  /** Starts making units (connecting when it has to); making units already, it goes on as it was. */
  void start() {
    onLoop(() -> {
      if (timer == -1) {
        timer = context.owner().setPeriodic(TICK_MS, id -> tick());
      }
    });
  }

  /** Stops making units; waits until the broker acknowledged every one made, and tells how many were made. */
  int stop(Duration within) throws Exception {
    onLoop(() -> {
      context.owner().cancelTimer(timer);
      timer = -1;
    });
    long deadline = System.nanoTime() + within.toNanos();
    while (waiting() > 0) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(waiting() + " counts made were never acknowledged by the broker within " + within);
      }
      Thread.sleep(100);
    }
    return made();
  }

  int made() {
    return machines.stream().mapToInt(m -> m.made.get()).sum();
  }

  int acknowledged() {
    return machines.stream().mapToInt(m -> m.acknowledged.get()).sum();
  }

  private int waiting() {
    return made() - acknowledged();
  }

  /** Units made per machine: the ledger MRAOS must match. */
  Map<String, Integer> ledger() {
    Map<String, Integer> ledger = new LinkedHashMap<>();
    machines.forEach(m -> ledger.put(m.id, m.made.get()));
    return ledger;
  }

  Map<String, String> workOrders() {
    Map<String, String> orders = new LinkedHashMap<>();
    machines.forEach(m -> orders.put(m.id, m.workOrder));
    return orders;
  }

  /** Times the driver had to connect again (the broker went away). */
  int reconnections() {
    return reconnections.get();
  }

  private void tick() {
    for (int i = 0; i < perTick; i++) {
      Machine machine = machines.get(next++ % machines.size());
      int unit = machine.made.incrementAndGet();
      machine.waiting.put(unit, new Pending(count(machine.id, machine.workOrder, Instant.now(), 1, unit), 0));
    }
    if (publisher != null && publisher.connected()) {
      send();
    } else {
      connect();
    }
  }

  /** Sends what was not sent on this connection yet: new units, and those a lost connection never acknowledged. */
  private void send() {
    for (Machine machine : machines) {
      for (Map.Entry<Integer, Pending> entry : machine.waiting.entrySet()) {
        if (entry.getValue().connection() == connection) {
          continue;
        }
        int unit = entry.getKey();
        JsonObject message = entry.getValue().message();
        entry.setValue(new Pending(message, connection));
        publisher.publish(countTopic(ChaosRig.lineOf(machine.id), machine.id), message).onSuccess(id -> {
          if (machine.waiting.remove(unit) != null) {
            machine.acknowledged.incrementAndGet();
          }
        });
      }
    }
  }

  private void connect() {
    long now = System.nanoTime();
    if (connecting || now - lastAttempt < RECONNECT_PAUSE_NS) {
      return;
    }
    connecting = true;
    lastAttempt = now;
    if (publisher != null) {
      reconnections.incrementAndGet();
      publisher.disconnect().otherwiseEmpty();
    }
    MesMqttPublisher.connect(context.owner(), url, "chaos-mes-" + connection).onComplete(connected -> {
      connecting = false;
      if (connected.succeeded()) {
        publisher = connected.result();
        connection++;
        send();
      }
    });
  }

  /** Runs a task on the driver's event loop and waits for it (the driver's state is the loop's alone). */
  private void onLoop(Runnable task) {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> {
      task.run();
      done.complete();
    });
    try {
      done.future().await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
