package mraos.load.mqtt;

import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The MES-counts-over-MQTT load driver: {@code lines x machinesPerLine} machines, each on its own topic, sharing MQTT
 * connections ({@code machinesPerConnection}; 1: a connection each), publish count messages at QoS 1 at a fixed total
 * rate (or as fast as the broker acknowledges, {@code rate=max}): a warm-up, then the measured window, then a drain.
 *
 * <ul>
 *   <li>{@code mode=mraos}: the node's line actors consume. Before the run the driver gives each machine a work order of
 *   its own in the node's database; during it, it reads the commits ({@link Publishers}); after the drain, it counts
 *   per machine in {@code production_logs} and {@code work_orders}: loss (sent, never logged) and double counts
 *   (logged or counted more than once).</li>
 *   <li>{@code mode=ceiling}: the same publishing through the same broker to {@link CeilingSubscriber} (one plain QoS 1
 *   subscriber per line that acknowledges on arrival): the broker's own pass-through. Latency there is publish to
 *   arrival at the subscriber.</li>
 * </ul>
 *
 * Prints a {@code RESULT} line, writes the figures as JSON ({@code results=}) and a TSV line ({@code summary=}).
 */
public final class MqttLoadDriver {

  private MqttLoadDriver() {
  }

  public static void main(String[] args) throws Exception {
    DriverSettings s = DriverSettings.parse(args);
    Vertx vertx = Vertx.vertx();
    int exit = 1;
    try {
      exit = run(vertx, s);
    } finally {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
    System.exit(exit);
  }

  private static int run(Vertx vertx, DriverSettings s) throws Exception {
    log("Run " + s.runId() + " (" + s.label() + "): " + s.describe());
    List<Machine> machines = new ArrayList<>();
    Random random = new Random(42);
    for (int l = 1; l <= s.lines(); l++) {
      for (int m = 1; m <= s.machinesPerLine(); m++) {
        machines.add(new Machine(BenchPlant.lineId(l), BenchPlant.machineId(l, m),
            String.format(Locale.ROOT, "B%s-%02d-%03d", s.runId(), l, m), random.nextDouble()));
      }
    }
    boolean mraos = s.mode().equals("mraos");
    PgConnection db = null;
    Ceiling ceiling = null;
    if (mraos) {
      db = PgConnection.connect(vertx, PgConnectOptions.fromUri(s.database()).setUser(s.databaseUser())
          .setPassword(s.databasePassword())).await(30, TimeUnit.SECONDS);
      prepareWorkOrders(db, machines);
    } else {
      ceiling = new Ceiling(vertx, s);
      ceiling.ask(new JsonObject().put("reset", true));
    }

    // the connections (each with its machines) spread over the publishing verticles (each on its own event loop)
    List<List<Machine>> groups = PublishingConnection.group(machines, s.machinesPerConnection());
    List<Publishers> publishers = new ArrayList<>();
    for (int p = 0; p < s.publishers(); p++) {
      List<List<Machine>> share = new ArrayList<>();
      for (int i = p; i < groups.size(); i += s.publishers()) {
        share.add(groups.get(i));
      }
      if (share.isEmpty()) {
        continue;
      }
      Publishers verticle = new Publishers(s, share, "load-" + s.runId() + "-");
      vertx.deployVerticle(verticle).await(60, TimeUnit.SECONDS);
      publishers.add(verticle);
    }
    log(machines.size() + " machines connected");

    long t0 = System.nanoTime() + 1_000_000_000L;
    long windowStart = t0 + s.warmupSeconds() * 1_000_000_000L;
    long end = windowStart + s.durationSeconds() * 1_000_000_000L;
    long wallWindowStart = micros(Instant.now()) + (windowStart - System.nanoTime()) / 1000;
    long wallEnd = wallWindowStart + s.durationSeconds() * 1_000_000L;
    for (Publishers p : publishers) {
      p.context().runOnContext(v -> p.begin(t0, windowStart, end));
    }
    Cpu cpu = new Cpu(s.cpu());
    sleepUntil(windowStart);
    String loadBefore = loadAverage();
    cpu.start();
    long commitsBefore = mraos ? databaseCommits(db) : 0;
    log("Measured window starts (load average " + loadBefore + ")");
    while (System.nanoTime() < end) {
      Thread.sleep(Math.min(5_000, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
      log("progress " + totals(publishers).encode());
    }
    cpu.stop();
    long commitsInWindow = mraos ? databaseCommits(db) - commitsBefore : 0;
    String loadAfter = loadAverage();
    log("Measured window over (load average " + loadAfter + "); draining");

    long drainDeadline = System.nanoTime() + s.drainSeconds() * 1_000_000_000L;
    JsonObject totals;
    // the publishers' last ticks may still be running: the totals count once every one has stopped and the broker has
    // acknowledged (or refused) every publish
    while (!(totals = totals(publishers)).getBoolean("finished") || totals.getLong("inflight") > 0) {
      if (System.nanoTime() > drainDeadline) {
        break;
      }
      Thread.sleep(50);
    }
    JsonObject result = new JsonObject().put("run_id", s.runId()).put("label", s.label()).put("mode", s.mode())
        .put("settings", s.describe()).put("lines", s.lines()).put("machines", machines.size())
        .put("target_rate", Double.isInfinite(s.rate()) ? "max" : s.rate()).put("warmup_s", s.warmupSeconds())
        .put("duration_s", s.durationSeconds()).put("load_before", loadBefore).put("load_after", loadAfter)
        .put("cpu_seconds", cpu.seconds()).put("notes", s.notes());
    Histogram pubacks = new Histogram();
    publishers.forEach(p -> pubacks.add(p.pubacks));
    long sentInWindow = 0;
    for (Machine m : machines) {
      sentInWindow += countSentBetween(m, windowStart, end);
    }
    result.put("sent", totals.getLong("sent")).put("sent_in_window", sentInWindow)
        .put("publish_rate", round(sentInWindow / (double) s.durationSeconds()))
        .put("broker_puback_ms", pubacks.millis()).put("publish_failed", totals.getLong("failed"))
        .put("max_behind", publishers.stream().mapToLong(p -> p.maxBehind).max().orElse(0));

    if (mraos) {
      long committed;
      while ((committed = totals(publishers).getLong("committed")) < totals.getLong("sent") && System.nanoTime() < drainDeadline) {
        Thread.sleep(200);
      }
      result.put("drained", committed >= totals.getLong("sent"));
      Thread.sleep(3 * s.pollMillis() + 50L); // one more read by every publisher after the last commit
      log("Drained: " + committed + " of " + totals.getLong("sent") + " committed");
      Histogram commits = new Histogram();
      long inWindow = 0;
      long over = 0;
      long polls = 0;
      long[] perSecond = new long[Math.max(1, s.durationSeconds())];
      for (Publishers p : publishers) {
        commits.add(p.commits);
        inWindow += p.committedInWindow;
        over += p.overCommitted;
        polls += p.polls;
        for (int i = 0; i < perSecond.length; i++) {
          perSecond[i] += p.committedPerSecond[i];
        }
      }
      result.put("latency_ms", commits.millis()).put("latency_kind", "publish to commit seen by a read every " + s.pollMillis() + " ms")
          .put("done_in_window", inWindow).put("throughput", round(inWindow / (double) s.durationSeconds()))
          .put("per_second", seconds(perSecond)).put("over_committed_seen", over).put("polls", polls)
          .put("database_commits_in_window", commitsInWindow);
      result.put("accounting", accountFromDatabase(db, machines));
    } else {
      JsonObject report;
      long expected = totals.getLong("sent");
      do {
        report = ceiling.ask(new JsonObject().put("runPrefix", "B" + s.runId() + "-").put("windowStart", wallWindowStart)
            .put("windowEnd", wallEnd));
        long received = report.getJsonObject("orders").stream().mapToLong(e -> ((JsonArray) e.getValue()).getLong(0)).sum();
        if (received >= expected || System.nanoTime() > drainDeadline) {
          break;
        }
        Thread.sleep(500);
      } while (true);
      result.put("latency_ms", report.getJsonObject("latency")).put("latency_kind", "publish to arrival at the subscriber")
          .put("done_in_window", report.getLong("receivedInWindow"))
          .put("throughput", round(report.getLong("receivedInWindow") / (double) s.durationSeconds()))
          .put("per_second", report.getJsonArray("perSecond"));
      result.put("accounting", accountFromCeiling(report, machines));
    }
    for (Publishers p : publishers) {
      Promise<Void> done = Promise.promise();
      p.context().runOnContext(v -> p.disconnect().onComplete(done));
      done.future().await(30, TimeUnit.SECONDS);
    }
    if (ceiling != null) {
      if (s.stopCeiling()) {
        ceiling.ask(new JsonObject().put("stop", true));
        log("Ceiling subscriber asked to leave the broker and exit");
      }
      ceiling.close();
    }
    if (db != null) {
      db.close().await(10, TimeUnit.SECONDS);
    }
    report(s, result);
    JsonObject acc = result.getJsonObject("accounting");
    return acc.getLong("lost") == 0 && acc.getLong("doubles") == 0 ? 0 : 3;
  }

  /** Transactions committed in the node's database so far (all of them: the node's, and the driver's own reads). */
  private static long databaseCommits(PgConnection db) throws Exception {
    return db.query("SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()").execute()
        .await(10, TimeUnit.SECONDS).iterator().next().getLong(0);
  }

  /** One work order per machine, for this run only, far from its quantity (no completion during the run). */
  private static void prepareWorkOrders(PgConnection db, List<Machine> machines) throws Exception {
    long known = db.preparedQuery("SELECT count(*) FROM machines WHERE machine_id = ANY($1)")
        .execute(Tuple.of(machines.stream().map(m -> m.machineId).toArray(String[]::new)))
        .await(30, TimeUnit.SECONDS).iterator().next().getLong(0);
    if (known != machines.size()) {
      throw new IllegalStateException("The node knows " + known + " of the " + machines.size()
          + " benchmark machines: start it with the plant file BenchPlant writes (plant.model)");
    }
    db.preparedQuery("""
        INSERT INTO work_orders (work_order_id, erp_work_order_id, product_id, quantity_ordered, status, due_date,
            erp_event_at, machine_id, line_id)
        SELECT id, id, 'BENCH-PART', 1000000000, 'in_progress', now() + interval '1 day', now(), machine, line
          FROM unnest($1::text[], $2::text[], $3::text[]) AS t(id, machine, line)""")
        .execute(Tuple.of(machines.stream().map(m -> m.workOrderId).toArray(String[]::new),
            machines.stream().map(m -> m.machineId).toArray(String[]::new),
            machines.stream().map(m -> m.lineId).toArray(String[]::new)))
        .await(30, TimeUnit.SECONDS);
    log(machines.size() + " work orders created");
  }

  /**
   * Per machine, from the database after the drain: rows logged, distinct counts logged, quantity counted, against
   * what was sent. Lost = sent and never logged; doubles = rows or quantity beyond the distinct counts.
   */
  private static JsonObject accountFromDatabase(PgConnection db, List<Machine> machines) throws Exception {
    Map<String, long[]> byOrder = new HashMap<>();
    for (Row row : db.preparedQuery("""
            SELECT w.work_order_id, w.quantity_produced::bigint AS q, count(p.log_id) AS rows,
                   count(DISTINCT p.cumulative_units) AS distinct_counts, coalesce(max(p.cumulative_units), 0) AS top
              FROM work_orders w LEFT JOIN production_logs p ON p.work_order_id = w.work_order_id
             WHERE w.work_order_id = ANY($1) GROUP BY w.work_order_id, w.quantity_produced""")
        .execute(Tuple.of(machines.stream().map(m -> m.workOrderId).toArray(String[]::new))).await(60, TimeUnit.SECONDS)) {
      byOrder.put(row.getString("work_order_id"), new long[] {row.getLong("q"), row.getLong("rows"),
          row.getLong("distinct_counts"), row.getLong("top")});
    }
    JsonObject acc = new JsonObject().put("source", "production_logs and work_orders.quantity_produced");
    long lost = 0;
    long doubles = 0;
    long machinesLosing = 0;
    long machinesDoubling = 0;
    long counted = 0;
    long minSent = Long.MAX_VALUE;
    long maxSent = 0;
    JsonArray bad = new JsonArray();
    for (Machine m : machines) {
      long[] f = byOrder.getOrDefault(m.workOrderId, new long[4]);
      long l = m.sent - f[2];
      long d = Math.max(f[0], f[1]) - f[2];
      counted += f[0];
      minSent = Math.min(minSent, m.sent);
      maxSent = Math.max(maxSent, m.sent);
      if (l != 0 || d != 0 || f[3] > m.sent) {
        bad.add(new JsonObject().put("machine", m.machineId).put("sent", m.sent).put("quantity", f[0]).put("rows", f[1])
            .put("distinct", f[2]).put("top", f[3]));
      }
      lost += Math.max(0, l);
      doubles += Math.max(0, d);
      machinesLosing += l > 0 ? 1 : 0;
      machinesDoubling += d > 0 ? 1 : 0;
    }
    return acc.put("sent", machines.stream().mapToLong(m -> m.sent).sum()).put("counted", counted).put("lost", lost)
        .put("doubles", doubles).put("machines_with_loss", machinesLosing).put("machines_with_doubles", machinesDoubling)
        .put("sent_per_machine_min", minSent).put("sent_per_machine_max", maxSent)
        .put("machines_wrong", bad.size() > 20 ? new JsonArray(bad.getList().subList(0, 20)) : bad);
  }

  private static JsonObject accountFromCeiling(JsonObject report, List<Machine> machines) {
    JsonObject orders = report.getJsonObject("orders");
    long lost = 0;
    long machinesLosing = 0;
    long received = 0;
    for (Machine m : machines) {
      JsonArray f = orders.getJsonArray(m.workOrderId);
      long distinct = f == null ? 0 : f.getLong(0);
      received += distinct;
      lost += Math.max(0, m.sent - distinct);
      machinesLosing += m.sent > distinct ? 1 : 0;
    }
    return new JsonObject().put("source", "ceiling subscriber").put("sent", machines.stream().mapToLong(m -> m.sent).sum())
        .put("counted", received).put("lost", lost).put("doubles", report.getLong("duplicates"))
        .put("machines_with_loss", machinesLosing);
  }

  private static long countSentBetween(Machine m, long from, long to) {
    long n = 0;
    for (int c = 1; c <= m.sent; c++) {
      long at = m.sentAt(c);
      if (at >= from && at < to) {
        n++;
      }
    }
    return n;
  }

  private static JsonObject totals(List<Publishers> publishers) throws Exception {
    JsonObject all = new JsonObject().put("sent", 0L).put("acked", 0L).put("inflight", 0L).put("failed", 0L).put("committed", 0L)
        .put("finished", true);
    for (Publishers p : publishers) {
      Promise<JsonObject> state = Promise.promise();
      p.context().runOnContext(v -> state.complete(p.state()));
      JsonObject one = state.future().await(10, TimeUnit.SECONDS);
      for (String key : List.of("sent", "acked", "inflight", "failed", "committed")) {
        all.put(key, all.getLong(key) + one.getLong(key));
      }
      all.put("finished", all.getBoolean("finished") && one.getBoolean("finished"));
    }
    return all;
  }

  private static void report(DriverSettings s, JsonObject r) throws IOException {
    JsonObject lat = r.getJsonObject("latency_ms");
    JsonObject acc = r.getJsonObject("accounting");
    String line = String.format(Locale.ROOT,
        "RESULT %s mode=%s target=%s published=%.0f/s done=%.0f/s p50=%s p95=%s p99=%s p99.9=%s max=%s ms sent=%d counted=%d "
            + "lost=%d doubles=%d drained=%s load=%s->%s cpu=%s",
        s.label(), s.mode(), r.getValue("target_rate"), r.getDouble("publish_rate"), r.getDouble("throughput"), lat.getValue("p50"),
        lat.getValue("p95"), lat.getValue("p99"), lat.getValue("p999"), lat.getValue("max"), acc.getLong("sent"),
        acc.getLong("counted"), acc.getLong("lost"), acc.getLong("doubles"), r.getValue("drained", "-"), r.getString("load_before"), r.getString("load_after"),
        r.getJsonObject("cpu_seconds").encode());
    System.out.println(line);
    System.out.println(r.encodePrettily());
    if (!s.results().isEmpty()) {
      Files.writeString(Path.of(s.results()), r.encodePrettily());
    }
    if (!s.summary().isEmpty()) {
      Path summary = Path.of(s.summary());
      if (!Files.exists(summary)) {
        Files.writeString(summary, "time\tlabel\tmode\tmachines\ttarget\tpublished/s\tdone/s\tp50\tp95\tp99\tp99.9\tmax\tsent\tcounted"
            + "\tlost\tdoubles\tload_before\tload_after\tcpu_s\tsettings\n");
      }
      Files.writeString(summary, String.join("\t", Instant.now().toString(), s.label(), s.mode(), String.valueOf(r.getInteger("machines")),
          String.valueOf(r.getValue("target_rate")), String.valueOf(r.getDouble("publish_rate")), String.valueOf(r.getDouble("throughput")),
          String.valueOf(lat.getValue("p50")), String.valueOf(lat.getValue("p95")), String.valueOf(lat.getValue("p99")),
          String.valueOf(lat.getValue("p999")), String.valueOf(lat.getValue("max")), String.valueOf(acc.getLong("sent")),
          String.valueOf(acc.getLong("counted")), String.valueOf(acc.getLong("lost")), String.valueOf(acc.getLong("doubles")),
          r.getString("load_before"), r.getString("load_after"), r.getJsonObject("cpu_seconds").encode(), s.describe()) + "\n",
          StandardOpenOption.APPEND);
    }
  }

  /** Talks to the CeilingSubscriber over the broker: a request, its answer. */
  private static final class Ceiling {
    private final MqttClient client;
    private final Map<Integer, Promise<JsonObject>> waiting = new HashMap<>();
    private int next;

    Ceiling(Vertx vertx, DriverSettings s) throws Exception {
      URI uri = URI.create(s.broker());
      client = MqttClient.create(vertx, new MqttClientOptions().setClientId("load-control-" + s.runId()).setCleanSession(true));
      client.publishHandler(message -> {
        JsonObject answer = message.payload().toJsonObject();
        Promise<JsonObject> p;
        synchronized (waiting) {
          p = waiting.remove(answer.getInteger("request"));
        }
        if (p != null) {
          p.complete(answer);
        }
      });
      client.connect(uri.getPort() > 0 ? uri.getPort() : 1883, uri.getHost())
          .compose(ack -> client.subscribe(CeilingSubscriber.REPORT, MqttQoS.AT_LEAST_ONCE.value())).await(30, TimeUnit.SECONDS);
    }

    JsonObject ask(JsonObject request) throws Exception {
      Promise<JsonObject> answer = Promise.promise();
      int id;
      synchronized (waiting) {
        id = ++next;
        waiting.put(id, answer);
      }
      client.publish(CeilingSubscriber.REQUEST, request.put("request", id).toBuffer(), MqttQoS.AT_LEAST_ONCE, false, false);
      return answer.future().await(60, TimeUnit.SECONDS);
    }

    void close() throws Exception {
      client.disconnect().await(10, TimeUnit.SECONDS);
    }
  }

  /** CPU seconds (user + system) of named processes over the measured window, from /proc. */
  private static final class Cpu {
    private final Map<String, String> processes = new java.util.LinkedHashMap<>();
    private final Map<String, Long> before = new HashMap<>();
    private final JsonObject seconds = new JsonObject();
    private final long tick = 100; // USER_HZ on Linux

    Cpu(String spec) {
      for (String item : spec.split(",")) {
        if (item.contains(":")) {
          String pid = item.substring(item.indexOf(':') + 1);
          processes.put(item.substring(0, item.indexOf(':')), pid.equals("self") ? Long.toString(ProcessHandle.current().pid()) : pid);
        }
      }
    }

    void start() {
      processes.forEach((name, pid) -> before.put(name, ticks(pid)));
    }

    void stop() {
      processes.forEach((name, pid) -> seconds.put(name, round((ticks(pid) - before.get(name)) / (double) tick)));
    }

    JsonObject seconds() {
      return seconds;
    }

    /** "1234": that process; "1234+": with its children (PostgreSQL's backends). */
    private static long ticks(String spec) {
      boolean children = spec.endsWith("+");
      String pid = children ? spec.substring(0, spec.length() - 1) : spec;
      long total = ticksOf(Path.of("/proc", pid, "stat"));
      if (children) {
        try (var dirs = Files.list(Path.of("/proc"))) {
          for (Path dir : dirs.filter(d -> d.getFileName().toString().chars().allMatch(Character::isDigit)).toList()) {
            String stat = read(dir.resolve("stat"));
            if (stat != null && field(stat, 4).equals(pid)) {
              total += ticksOf(dir.resolve("stat"));
            }
          }
        } catch (IOException e) {
          return total;
        }
      }
      return total;
    }

    private static long ticksOf(Path stat) {
      String text = read(stat);
      return text == null ? 0 : Long.parseLong(field(text, 14)) + Long.parseLong(field(text, 15));
    }

    /** Field n (1-based) of /proc/pid/stat, counting after the command name in parentheses. */
    private static String field(String stat, int n) {
      String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return rest[n - 3];
    }

    private static String read(Path p) {
      try {
        return Files.readString(p);
      } catch (IOException e) {
        return null;
      }
    }
  }

  private static JsonArray seconds(long[] perSecond) {
    JsonArray a = new JsonArray();
    for (long n : perSecond) {
      a.add(n);
    }
    return a;
  }

  private static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + "/" + f[1] + "/" + f[2];
    } catch (IOException e) {
      return "?";
    }
  }

  private static void sleepUntil(long nanos) throws InterruptedException {
    long left;
    while ((left = nanos - System.nanoTime()) > 0) {
      Thread.sleep(Math.max(1, left / 1_000_000));
    }
  }

  static long micros(Instant t) {
    return t.getEpochSecond() * 1_000_000 + t.getNano() / 1_000;
  }

  private static double round(double v) {
    return Math.round(v * 10) / 10.0;
  }

  private static void log(String message) {
    System.err.println("[" + java.time.LocalTime.now().withNano(0) + "] " + message);
  }
}
