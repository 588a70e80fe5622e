package mraos;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import mraos.config.MraosConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import simulators.Access;
import simulators.MesMqttPublisher;
import simulators.SystemSimulator;
import testsupport.Db;
import testsupport.NodeProcess;
import testsupport.Plant;
import testsupport.PlantNode;
import testsupport.Ports;
import testsupport.TestServices;
import testsupport.Tokens;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static simulators.MesMqttPublisher.count;
import static simulators.MesMqttPublisher.countTopic;

/**
 * A node on its embedded default MQTT broker is killed (SIGKILL, mid-stream) and started again on the same data folder
 * and ports, while a publisher keeps sending one unit per QoS 1 count with a ledger of what the broker acknowledged. The
 * broker is a process of its own that outlives the node: nothing it acknowledged is lost, nothing is applied twice,
 * the restarted node's lines and any new client connect at once, and everything sent after the restart is applied too.
 * (Before, the broker ran inside the node and died with it: acknowledged counts were lost, and sessions with them.)
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class KilledNodeTest {

  static final String LINE = "line1";
  static final String MACHINE = "M-101";
  static final long TICK_MS = 5;
  /** Counts per tick (5: ~1,000 counts/s) and seconds of publishing before the kill and after the restart: a longer
   * run for docs/operations.md is {@code mvn test -Dtest=KilledNodeTest -Dkilled-node.before-kill=12 ...}. */
  static final int PER_TICK = Integer.getInteger("killed-node.per-tick", 5);
  static final int BEFORE_KILL_S = Integer.getInteger("killed-node.before-kill", 3);
  static final int AFTER_RESTART_S = Integer.getInteger("killed-node.after-restart", 1);

  static Vertx vertx;
  static SystemSimulator mesHttp;
  static MraosConfig config;
  static Path brokerDir;
  static NodeProcess node;
  static Db db;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    mesHttp = SystemSimulator.start(vertx, "MES", 0, Access.basic("mraos", "mes-secret")).await();
    mesHttp.router().post("/api/v1/work-orders/start").handler(ctx -> ctx.json(new JsonObject().put("status", "success")
        .put("mes_job_id", "JOB-KILL").put("message", "started")));
    Path dataDir = Files.createTempDirectory("mraos-killed-node-");
    brokerDir = dataDir.resolve("mqtt");
    config = TestServices.get().nodeConfig(Map.of(
        "mqtt.url", "",
        "mqtt.embedded-port", Ports.free(),
        "node.data-dir", dataDir.toString(),
        "mes.base-url", mesHttp.baseUrl(),
        "mes.auth.password", "mes-secret",
        "outbound.poll-interval", "100ms"));
    db = new Db(config.database().url(), config.database().user(), config.database().password());
    PlantNode.setAsideLeftoverCalls();
    node = NodeProcess.start(config);
  }

  @AfterAll
  static void stop() throws Exception {
    if (node != null) {
      node.stop(); // a clean stop stops the embedded broker too
    }
    brokerPid().flatMap(ProcessHandle::of).ifPresent(ProcessHandle::destroyForcibly);
    if (vertx != null) {
      vertx.close().await();
    }
  }

  @Test
  void nothingTheBrokerAcknowledgedIsLostOrDoubledWhenTheNodeIsKilled() throws Exception {
    String workOrder = runningWorkOrder();
    String brokerUrl = "mqtt://127.0.0.1:" + config.mqtt().embeddedPort();
    Ledger ledger = new Ledger(vertx.getOrCreateContext(), brokerUrl, workOrder);
    ledger.start().await(10, TimeUnit.SECONDS);
    long broker = brokerPid().orElseThrow();
    MqttClientOptions persistent = new MqttClientOptions().setClientId("persistent-watcher").setCleanSession(false);
    MqttClient watcher = MqttClient.create(vertx, persistent);
    watcher.connect(config.mqtt().embeddedPort(), "127.0.0.1").await(5, TimeUnit.SECONDS);
    watcher.subscribe("mes/production/line9/#", 1).await(5, TimeUnit.SECONDS);
    watcher.disconnect().await();

    Thread.sleep(BEFORE_KILL_S * 1000L);
    await("counts applied before the kill").atMost(Duration.ofSeconds(20)).until(() -> produced(workOrder) > 0);
    node.kill();
    assertThat(ProcessHandle.of(broker).map(ProcessHandle::isAlive)).as("the broker outlives the killed node").contains(true);
    Thread.sleep(1_000); // the publisher goes on: the broker acknowledges and queues for the line's session

    node = NodeProcess.start(config);
    ledger.sentBeforeRestart = ledger.sent.get();
    assertThat(brokerPid()).as("the restarted node uses the broker it left running").contains(broker);
    // at once: before, a line could stay away for minutes (the broker had lost its session); 30 s leaves room for a
    // loaded machine
    await("every line up at once").atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      JsonObject lines = node.status.now().getJsonObject("lines");
      assertThat(lines.fieldNames()).contains("line1", "line2", "line3");
      lines.forEach(l -> assertThat(((JsonObject) l.getValue()).getString("status")).as(l.getKey()).isEqualTo("up"));
    });
    Instant before = Instant.now();
    MqttClient fresh = MqttClient.create(vertx, new MqttClientOptions().setClientId("new-after-kill-" + System.nanoTime()));
    fresh.connect(config.mqtt().embeddedPort(), "127.0.0.1").await(5, TimeUnit.SECONDS);
    assertThat(Duration.between(before, Instant.now())).as("a new client's CONNACK").isLessThan(Duration.ofSeconds(2));
    fresh.disconnect().await();
    MqttClient back = MqttClient.create(vertx, persistent);
    assertThat(back.connect(config.mqtt().embeddedPort(), "127.0.0.1").await(5, TimeUnit.SECONDS).isSessionPresent())
        .as("a persistent session from before the kill").isTrue();
    back.disconnect().await();

    Thread.sleep(AFTER_RESTART_S * 1000L);
    int sent = ledger.stop().await(60, TimeUnit.SECONDS);
    int sentBeforeRestart = ledger.sentBeforeRestart;

    assertThat(ledger.acknowledged).as("every count sent was acknowledged by the broker").hasSize(sent);
    await("every acknowledged count applied").atMost(Duration.ofSeconds(120)).until(() -> produced(workOrder) >= sent);
    Thread.sleep(1_000); // redeliveries settle; none counted twice
    List<Integer> applied = db.rows("SELECT cumulative_units FROM production_logs WHERE work_order_id = ?", workOrder)
        .stream().map(r -> (Integer) r.get("cumulative_units")).toList();
    Set<Integer> lost = new TreeSet<>(ledger.acknowledged);
    lost.removeAll(applied);
    assertThat(lost).as("acknowledged, then lost").isEmpty();
    assertThat(applied).as("applied twice").doesNotHaveDuplicates().hasSize(sent);
    assertThat(produced(workOrder)).isEqualTo(sent);
    System.out.printf("KilledNodeTest ledger: %d counts sent (%d before the restart was ready), %d acknowledged by the broker,"
        + " %d applied, %d acknowledged then lost, %d applied twice%n", sent, sentBeforeRestart, ledger.acknowledged.size(),
        applied.size(), lost.size(), applied.size() - new TreeSet<>(applied).size());
  }

  /** Publishes one unit per count, {@link #PER_TICK} every {@link #TICK_MS} ms, and notes what the broker acknowledged. */
  static final class Ledger {
    final Set<Integer> acknowledged = new ConcurrentSkipListSet<>();
    private final Context context;
    private final String url;
    private final String workOrder;
    private final AtomicInteger sent = new AtomicInteger();
    volatile int sentBeforeRestart;
    private final List<Future<Integer>> pending = new ArrayList<>();
    private MesMqttPublisher publisher;
    private long timer;

    Ledger(Context context, String url, String workOrder) {
      this.context = context;
      this.url = url;
      this.workOrder = workOrder;
    }

    Future<Void> start() {
      Promise<Void> started = Promise.promise();
      context.runOnContext(v -> MesMqttPublisher.connect(context.owner(), url, "mes-ledger").onSuccess(p -> {
        publisher = p;
        timer = context.owner().setPeriodic(TICK_MS, id -> tick());
        started.complete();
      }).onFailure(started::fail));
      return started.future();
    }

    private void tick() {
      for (int i = 0; i < PER_TICK; i++) {
        int unit = sent.incrementAndGet();
        Future<Integer> ack = publisher.publish(countTopic(LINE, MACHINE),
            count(MACHINE, workOrder, Instant.now(), 1, unit)).onSuccess(id -> acknowledged.add(unit));
        pending.add(ack);
      }
    }

    /** Stops sending; completes with how many were sent, once the broker acknowledged them all. */
    Future<Integer> stop() {
      Promise<Integer> done = Promise.promise();
      context.runOnContext(v -> {
        context.owner().cancelTimer(timer);
        if (!publisher.connected()) {
          done.fail(new AssertionError("The publisher lost its connection to the broker (it died with the node): "
              + (sent.get() - acknowledged.size()) + " counts sent were never acknowledged"));
          return;
        }
        Future.all(new ArrayList<>(pending)).onComplete(ar -> publisher.disconnect().onComplete(d -> done.complete(sent.get())));
      });
      return done.future();
    }
  }

  private static String runningWorkOrder() {
    Tokens tokens = new Tokens(TestServices.get().issuer);
    String id = Plant.startedOrder(node.api, tokens::of, MACHINE, 1_000_000);
    await("in progress").atMost(Duration.ofSeconds(20))
        .until(() -> "in_progress".equals(db.value("SELECT status FROM work_orders WHERE work_order_id = ?", id)));
    return id;
  }

  private static long produced(String workOrder) {
    return ((java.math.BigDecimal) db.value("SELECT quantity_produced FROM work_orders WHERE work_order_id = ?",
        workOrder)).longValue();
  }

  private static java.util.Optional<Long> brokerPid() {
    try {
      Path file = brokerDir.resolve("mosquitto.pid");
      return Files.exists(file) ? java.util.Optional.of(Long.parseLong(Files.readString(file).trim())) : java.util.Optional.empty();
    } catch (Exception e) {
      return java.util.Optional.empty();
    }
  }
}
