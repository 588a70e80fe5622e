package chaos;

import testsupport.Api;
import testsupport.Db;
import testsupport.NodeProcess;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The exact check each scenario ends with, against the plant's own records: every unit of the ledger counted once
 * ({@code production_logs} rows and {@code work_orders.quantity_produced}), every committed event on Kafka, nothing
 * left unacknowledged in a line, and no line ever read by two nodes at once (the broker's own log).
 */
final class PlantCheck {

  /** Mosquitto's words when a client connects with an id another connection still holds. */
  static final Pattern TAKEN_OVER = Pattern.compile("Client (\\S+) already connected, closing old connection");
  private static final Pattern HELD = Pattern.compile("^mraos_lines_buffer\\{[^}]*line=\"([^\"]+)\"[^}]*} ([0-9.Ee+-]+)$",
      Pattern.MULTILINE);

  /** What the database holds against the ledger, summed over the machines. */
  record Counted(long made, long applied, long lost, long doubled) {
  }

  private PlantCheck() {
  }

  /** How the database stands against the ledger now (a snapshot; {@link #exactlyOnce} waits for it to settle). */
  static Counted counted(Db db, Map<String, Integer> ledger, Map<String, String> workOrders) {
    long made = 0, applied = 0, lost = 0, doubled = 0;
    for (Map.Entry<String, Integer> machine : ledger.entrySet()) {
      String order = workOrders.get(machine.getKey());
      Map<String, Object> row = db.rows("""
          SELECT count(*) AS rows, count(DISTINCT cumulative_units) AS units,
                 count(*) FILTER (WHERE cumulative_units > ?) AS beyond,
                 (SELECT quantity_produced FROM work_orders WHERE work_order_id = ?) AS produced
            FROM production_logs WHERE work_order_id = ?""", machine.getValue(), order, order).get(0);
      long rows = ((Number) row.get("rows")).longValue();
      long units = ((Number) row.get("units")).longValue();
      long produced = ((Number) row.get("produced")).longValue();
      assertThat(((Number) row.get("beyond")).longValue()).as("units of %s never made", machine.getKey()).isZero();
      assertThat(produced).as("quantity_produced of %s against its rows", order).isEqualTo(rows);
      made += machine.getValue();
      applied += rows;
      lost += machine.getValue() - units;
      doubled += rows - units;
    }
    return new Counted(made, applied, lost, doubled);
  }

  /** Waits until every unit of the ledger is applied, lets redeliveries settle, and checks none was applied twice. */
  static Counted exactlyOnce(Db db, CountLedger ledger, Duration within) throws InterruptedException {
    Map<String, Integer> made = ledger.ledger();
    await("every unit made is counted").atMost(within).pollInterval(Duration.ofMillis(500))
        .until(() -> counted(db, made, ledger.workOrders()).lost() == 0);
    Thread.sleep(2_000); // redeliveries (a line's held messages, a session's queue) settle; none may count twice
    Counted counted = counted(db, made, ledger.workOrders());
    assertThat(counted.lost()).as("units lost").isZero();
    assertThat(counted.doubled()).as("units counted twice").isZero();
    return counted;
  }

  /** Every event committed reached Kafka, and the outbox is empty. */
  static void everyEventOnKafka(EventWitness events, Duration within) {
    await("the outbox relayed").atMost(within).pollInterval(Duration.ofMillis(500))
        .untilAsserted(() -> assertThat(events.inOutbox()).isZero());
    await("every committed event on Kafka").atMost(within).pollInterval(Duration.ofMillis(500))
        .untilAsserted(() -> assertThat(events.missingOnKafka()).isEmpty());
  }

  /** No line holds a message it has not acknowledged, on any live node. */
  static void nothingHeld(Collection<NodeProcess> nodes, Duration within) {
    await("no line holds an unacknowledged message").atMost(within).pollInterval(Duration.ofMillis(500))
        .untilAsserted(() -> assertThat(held(nodes)).as("messages held, by node and line").allMatch(h -> h.endsWith("=0")));
  }

  /** Messages held by each line on each live node ({@code node/line=n}), from the nodes' own metrics. */
  static List<String> held(Collection<NodeProcess> nodes) {
    List<String> held = new ArrayList<>();
    for (NodeProcess node : nodes) {
      if (!node.alive()) {
        continue;
      }
      Api.Response metrics = node.api.get("/metrics", null);
      Matcher m = HELD.matcher(metrics.body());
      while (m.find()) {
        held.add(node.name + "/" + m.group(1) + "=" + (long) Double.parseDouble(m.group(2)));
      }
    }
    return held;
  }

  /** Largest number of messages any line holds right now. */
  static long mostHeld(Collection<NodeProcess> nodes) {
    return held(nodes).stream().mapToLong(h -> Long.parseLong(h.substring(h.indexOf('=') + 1))).max().orElse(0);
  }

  /**
   * The broker's log is a witness only if it names a take-over: two clients connect with one id, and the log must say
   * so (or {@link #takenOver} could never find anything).
   */
  static void brokerNamesTakeOvers(io.vertx.core.Vertx vertx, int port, Path brokerLog) throws IOException {
    io.vertx.mqtt.MqttClientOptions options = new io.vertx.mqtt.MqttClientOptions().setClientId("chaos-probe-twice");
    io.vertx.mqtt.MqttClient first = io.vertx.mqtt.MqttClient.create(vertx, options);
    io.vertx.mqtt.MqttClient second = io.vertx.mqtt.MqttClient.create(vertx, options);
    first.connect(port, "127.0.0.1").await();
    second.connect(port, "127.0.0.1").await();
    second.disconnect().await();
    await("the broker logs the take-over").atMost(Duration.ofSeconds(5))
        .until(() -> takenOver(brokerLog, "chaos-probe-twice").size() == 1);
  }

  /** Client ids the broker saw connect while another connection held them (lines: two nodes reading one line). */
  static List<String> takenOver(Path brokerLog, String prefix) throws IOException {
    List<String> ids = new ArrayList<>();
    Matcher m = TAKEN_OVER.matcher(Files.readString(brokerLog));
    while (m.find()) {
      if (m.group(1).startsWith(prefix)) {
        ids.add(m.group(1));
      }
    }
    return ids;
  }
}
