package mraos.load.mqtt;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Publishes for a share of the machines, on one event loop: each machine publishes its cumulative counts on its own
 * topic at its share of the rate (open model: when a message is due it is sent, whatever the previous ones became), at
 * most {@code window} unacknowledged (by the broker) per machine. Machines share connections
 * ({@code machinesPerConnection}, consecutive machines: a line's, in the benchmark plant), and what a connection's
 * machines have due in a tick goes out in one write ({@link PublishingConnection}).
 *
 * <p>Against MRAOS ({@code mode=mraos}) it also watches the commits, on the same event loop and its own PostgreSQL
 * connection: every {@code poll} ms it reads its machines' work orders' {@code quantity_produced}. Each machine has a
 * work order of its own and publishes one unit per message, in order on one connection, and a line applies its
 * messages in order, so a quantity of {@code q} means counts 1..q are committed. A count's publish-to-commit latency is
 * the time from just before its publish to the arrival of the first read that shows it: an upper bound, late by at
 * most the poll interval plus one read.
 */
final class Publishers extends VerticleBase {

  static final String PROGRESS = "SELECT work_order_id, quantity_produced::int AS q FROM work_orders WHERE work_order_id = ANY($1)";

  private final DriverSettings settings;
  private final List<Machine> machines;
  private final String clientPrefix;
  private final Map<String, Machine> byOrder = new HashMap<>();
  private final List<PublishingConnection> connections = new ArrayList<>();
  /** Held for the whole run: Vert.x closes a client, and its connections, once it is garbage-collected. */
  private NetClient client;
  private final List<List<Machine>> groups;
  final Histogram pubacks = new Histogram();
  /** Publish to commit (mraos mode), counts published in the measured window. */
  final Histogram commits = new Histogram();
  private PgConnection db;
  private long timer = -1;
  private long pollTimer = -1;
  private boolean polling;
  private long t0;
  private long windowStart;
  private long end;
  private double perNano;
  /** Largest shortfall seen (messages due but not sent because the window was full). */
  long maxBehind;
  /** Commits seen within the measured window, and per second of it. */
  long committedInWindow;
  long[] committedPerSecond;
  /** Counts the database shows beyond what was sent (would be double counts). */
  long overCommitted;
  long polls;
  boolean finished;

  /** @param groups the machines of each connection */
  Publishers(DriverSettings settings, List<List<Machine>> groups, String clientPrefix) {
    this.settings = settings;
    this.groups = groups;
    this.machines = groups.stream().flatMap(List::stream).toList();
    this.clientPrefix = clientPrefix;
    machines.forEach(m -> byOrder.put(m.workOrderId, m));
  }

  @Override
  public Future<?> start() {
    URI uri = URI.create(settings.broker());
    List<Future<?>> connected = new ArrayList<>();
    client = vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true));
    for (List<Machine> group : groups) {
      connected.add(PublishingConnection.connect(client, uri.getHost(), uri.getPort() > 0 ? uri.getPort() : 1883,
          clientPrefix + group.get(0).machineId, pubacks).onSuccess(c -> {
            connections.add(c);
            group.forEach(m -> m.connection = c);
          }));
    }
    if (settings.mode().equals("mraos")) {
      // its read of the commits is prepared once: parsed and planned at every poll, it cost the node's PostgreSQL
      // about a tenth of a core at 5 ms polls
      PgConnectOptions options = PgConnectOptions.fromUri(settings.database()).setUser(settings.databaseUser())
          .setPassword(settings.databasePassword()).setCachePreparedStatements(true)
          .addProperty("plan_cache_mode", "force_generic_plan");
      connected.add(PgConnection.connect(vertx, options).onSuccess(c -> db = c));
    }
    return Future.all(connected);
  }

  /**
   * Publishes from {@code t0} to {@code end} (System.nanoTime); latencies and commits count from {@code windowStart}.
   * Call on this verticle's context.
   */
  void begin(long t0, long windowStart, long end) {
    this.t0 = t0;
    this.windowStart = windowStart;
    this.end = end;
    this.perNano = settings.rate() / settings.machines() / 1e9;
    this.committedPerSecond = new long[Math.max(1, settings.durationSeconds())];
    timer = vertx.setPeriodic(settings.tickMillis(), id -> tick());
    if (db != null) {
      pollTimer = vertx.setPeriodic(settings.pollMillis(), id -> poll());
    }
  }

  private void tick() {
    long now = System.nanoTime();
    if (now < t0) {
      return;
    }
    long until = Math.min(now, end);
    String timestamp = Instant.now().toString(); // the tick's: a machine's counts differ by their cumulative number
    for (List<Machine> group : groups) {
      for (Machine m : group) {
        long due = Double.isInfinite(perNano) ? Long.MAX_VALUE : (long) ((until - t0) * perNano + m.phase);
        while (m.sent < due && m.inflight < settings.window()) {
          publish(m, timestamp);
        }
        if (due != Long.MAX_VALUE) {
          maxBehind = Math.max(maxBehind, due - m.sent);
        }
      }
      group.get(0).connection.flush();
    }
    if (now >= end) {
      vertx.cancelTimer(timer);
      finished = true;
    }
  }

  private void publish(Machine m, String timestamp) {
    int count = ++m.sent;
    m.inflight++;
    long sentAt = System.nanoTime();
    m.sending(count, sentAt);
    if (!m.connection.publish(m, count, sentAt, CountPayload.bytes(m.machineId, m.workOrderId, timestamp, 1, count))) {
      m.publishFailed();
    }
  }

  private void poll() {
    if (polling) {
      return;
    }
    polling = true;
    db.preparedQuery(PROGRESS).execute(Tuple.of(byOrder.keySet().toArray(String[]::new))).onComplete(ar -> {
      polling = false;
      if (ar.failed()) {
        return; // read again at the next tick
      }
      polls++;
      long now = System.nanoTime();
      for (Row row : ar.result()) {
        Machine m = byOrder.get(row.getString("work_order_id"));
        int q = row.getInteger("q");
        if (q <= m.committed) {
          continue;
        }
        for (int c = m.committed + 1; c <= q; c++) {
          if (c > m.sent) {
            overCommitted++;
            continue;
          }
          long sentAt = m.sentAt(c);
          if (sentAt >= windowStart && sentAt < end) {
            commits.record((now - sentAt) / 1000);
          }
        }
        if (now >= windowStart && now < end) {
          committedInWindow += q - m.committed;
          committedPerSecond[(int) Math.min(committedPerSecond.length - 1, (now - windowStart) / 1_000_000_000L)] += q - m.committed;
        }
        m.committed = q;
      }
    });
  }

  io.vertx.core.Context context() {
    return context;
  }

  JsonObject state() {
    long sent = 0;
    long acked = 0;
    long inflight = 0;
    long failed = 0;
    long committed = 0;
    for (Machine m : machines) {
      sent += m.sent;
      acked += m.acked;
      inflight += m.inflight;
      failed += m.failed;
      committed += m.committed;
    }
    return new JsonObject().put("sent", sent).put("acked", acked).put("inflight", inflight).put("failed", failed)
        .put("committed", committed).put("finished", finished);
  }

  Future<Void> disconnect() {
    if (pollTimer >= 0) {
      vertx.cancelTimer(pollTimer);
    }
    List<Future<?>> all = new ArrayList<>();
    for (PublishingConnection c : connections) {
      all.add(c.close());
    }
    all.add(Future.join(List.copyOf(all)).eventually(() -> client.close()));
    if (db != null) {
      all.add(db.close());
    }
    return Future.join(all).mapEmpty();
  }
}
