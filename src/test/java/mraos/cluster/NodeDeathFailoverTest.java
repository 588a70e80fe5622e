package mraos.cluster;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import simulators.MesMqttPublisher;
import testsupport.NodeProcess;
import testsupport.Plant;
import testsupport.TestNode;
import testsupport.TestServices;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static simulators.MesMqttPublisher.count;
import static simulators.MesMqttPublisher.countTopic;

/**
 * A node of a Hazelcast cluster dies (SIGKILL: no clean stop, no hand-over): the other node takes over what the dead
 * one ran (its lines, and singletons such as outbound paths) within moments, picks up the line's MQTT session with the
 * counts that waited in it and those the dead node had taken but not acknowledged, and applies each exactly once.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class NodeDeathFailoverTest {

  static final Map<String, Object> CLUSTERED = Map.of(
      "cluster.enabled", true,
      "cluster.singleton-check-interval", "200ms");
  static final Set<String> SINGLETONS = Set.of("failures", "hr", "line-line1", "line-line2", "line-line3", "outbound-erp",
      "outbound-hr", "outbound-inventory", "outbound-mes", "scheduler");

  static NodeProcess doomed;
  static TestNode survivor;
  static Vertx vertx;
  static MesMqttPublisher mes;

  @BeforeAll
  static void start() throws Exception {
    TestServices services = TestServices.get();
    doomed = NodeProcess.start(services.nodeConfig(CLUSTERED));
    await("the first node runs everything").atMost(Duration.ofSeconds(30)).until(() -> doomed.singletonsHere().equals(SINGLETONS));
    survivor = TestNode.start(CLUSTERED);
    await("lines shared").atMost(Duration.ofSeconds(30)).until(() -> lines(survivor.singletonsHere()) == 1 && lines(doomed.singletonsHere()) == 2);
    vertx = Vertx.vertx();
    mes = MesMqttPublisher.connect(vertx, services.mqtt.url(), "mes-failover-test").await();
  }

  @AfterAll
  static void stop() {
    if (mes != null) {
      mes.disconnect().otherwiseEmpty().await();
    }
    if (vertx != null) {
      vertx.close().await();
    }
    if (survivor != null) {
      survivor.close();
    }
    if (doomed != null) {
      doomed.close();
    }
  }

  @Test
  void aKilledNodesLinesMoveToTheSurvivorAndEveryCountIsAppliedExactlyOnce() throws Exception {
    String line = doomed.singletonsHere().stream().filter(s -> s.startsWith("line-")).findFirst().orElseThrow().substring("line-".length());
    String machine = "M-" + line.substring("line".length()) + "01";
    String workOrder = workOrder(machine);

    int cumulative = publish(line, machine, workOrder, 0, 100);
    await("counted by the node that runs " + line).atMost(Duration.ofSeconds(20)).until(() -> produced(workOrder) == 100);

    doomed.kill();
    // the broker keeps these for the line's session until a node runs the line again
    int expected = publish(line, machine, workOrder, cumulative, 200);

    await("the survivor runs everything").atMost(Duration.ofSeconds(30)).until(() -> survivor.singletonsHere().equals(SINGLETONS));
    await("every count applied").atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(produced(workOrder)).isEqualTo(expected));
    Thread.sleep(1_000); // redeliveries settle; none counted twice
    assertThat(produced(workOrder)).isEqualTo(expected);
    assertThat(survivor.db.count("SELECT count(*) FROM production_logs WHERE work_order_id = ?", workOrder)).isEqualTo(expected);
    assertThat(survivor.api.get("/health/ready", null).status()).isEqualTo(200);
    // the cluster's view: every line runs (on the survivor; a line whose fresh MQTT session the broker dropped is up
    // again once it has reconnected), and the dead node has dropped out of it
    await("every line is up on the survivor").atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      JsonObject lines = survivor.status.now().getJsonObject("lines");
      assertThat(lines.fieldNames()).containsExactlyInAnyOrder("line1", "line2", "line3");
      lines.forEach(l -> assertThat(((JsonObject) l.getValue()).getString("status")).as(l.getKey()).isEqualTo("up"));
    });
    await("the dead node's report expires").atMost(Duration.ofSeconds(10))
        .until(() -> !survivor.status.now().getJsonObject("nodes").containsKey(doomed.name));
  }

  /** A work order a supervisor started on the machine. */
  private static String workOrder(String machine) {
    return Plant.startedOrder(survivor.api, survivor::token, machine, 100_000);
  }

  private static int publish(String line, String machine, String workOrder, int cumulative, int n) throws Exception {
    List<Future<Integer>> acks = new ArrayList<>();
    Instant now = Instant.now();
    for (int i = 1; i <= n; i++) {
      acks.add(mes.publish(countTopic(line, machine), count(machine, workOrder, now.plusMillis(i), 1, cumulative + i)));
    }
    Future.all(acks).await(30, TimeUnit.SECONDS);
    return cumulative + n;
  }

  private static long produced(String workOrder) {
    return ((BigDecimal) survivor.db.value("SELECT quantity_produced FROM work_orders WHERE work_order_id = ?", workOrder)).longValue();
  }

  private static long lines(Set<String> singletons) {
    return singletons.stream().filter(s -> s.startsWith("line-")).count();
  }

}
