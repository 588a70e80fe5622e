package mraos.cluster;

import io.vertx.core.Vertx;
import mraos.health.NodeStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import testsupport.OwnDatabase;
import testsupport.TcpProxy;
import testsupport.TestNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A singleton never runs on two nodes at once. The first node reaches its own PostgreSQL through a relay the test can
 * cut or freeze; a second node reaches it directly. Two things that happened to the cluster's lines are played here:
 * PostgreSQL restarts while a second node joins (the first keeps no line it cannot prove it holds), and the first
 * node's network silently dies (it stops its singletons within its lease, and PostgreSQL frees their locks after it).
 * Throughout, a watcher looks many times a millisecond at which node runs each line actor (each reports itself from
 * its start to its stop, and a stopping line leaves the broker before it stops).
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SingletonFencingTest {

  static final String PREFIX = "fencing";
  static final Set<String> LINES = Set.of("line-line1", "line-line2", "line-line3");
  static final Set<String> SINGLETONS = Set.of("failures", "hr", "line-line1", "line-line2", "line-line3", "outbound-erp",
      "outbound-hr", "outbound-inventory", "outbound-mes", "scheduler");
  static final Duration LEASE = Duration.ofSeconds(1);

  static OwnDatabase database;
  static Vertx vertx;
  static TcpProxy relay;

  @BeforeAll
  static void start() throws Exception {
    database = OwnDatabase.start("fencing");
    vertx = Vertx.vertx();
    relay = TcpProxy.start(vertx, "127.0.0.1", database.port);
  }

  @AfterAll
  static void stop() throws Exception {
    relay.close();
    vertx.close().await();
    database.close();
  }

  @Test
  @Order(1)
  void aDatabaseRestartWhileASecondNodeJoinsNeverLeavesALineOnBothNodes() throws Exception {
    try (TestNode first = TestNode.start(through(relay.port())); Watcher watcher = new Watcher()) {
      await("the first node runs every line").atMost(Duration.ofSeconds(20)).until(() -> lines(first).equals(LINES));
      watcher.watch(first);

      relay.cut(); // the first node loses its connections, and cannot reach PostgreSQL again until the relay is mended
      database.restart();
      // how soon is a matter of its checks (every 250 ms here) on a busy machine; what must hold is that no line runs on
      // both nodes at any moment (the watcher), and the second node can only take them once the first let go
      await("the first node stops its lines").atMost(Duration.ofSeconds(10)).until(() -> lines(first).isEmpty());

      try (TestNode second = TestNode.start(through(database.port))) {
        watcher.watch(second);
        await("the second node runs every line").atMost(Duration.ofSeconds(20)).until(() -> lines(second).equals(LINES));
        relay.restore();
        await("the lines are shared again").atMost(Duration.ofSeconds(20))
            .until(() -> lines(first).size() + lines(second).size() == LINES.size() && !lines(first).isEmpty());
        await("the first node is ready again").atMost(Duration.ofSeconds(20))
            .until(() -> first.api.get("/health/ready", null).status() == 200);
      }
      assertThat(watcher.overlaps()).as("moments a line ran on both nodes").isEmpty();
    }
  }

  @Test
  @Order(2)
  void aNodeWhoseNetworkSilentlyDiesStopsItsSingletonsWithinItsLeaseAndAnotherNodeTakesThemAfterIt() throws Exception {
    relay.restore();
    try (TestNode first = TestNode.start(through(relay.port())); Watcher watcher = new Watcher()) {
      await("the first node runs everything").atMost(Duration.ofSeconds(20)).until(() -> singletons(first).equals(SINGLETONS));
      try (TestNode second = TestNode.start(through(database.port))) {
        watcher.watch(first);
        watcher.watch(second);
        await("the second node takes its share").atMost(Duration.ofSeconds(20)).until(() -> lines(second).size() == 1);

        relay.freeze();
        long frozen = System.nanoTime();
        await("the first node stops everything").atMost(Duration.ofSeconds(10)).until(() -> singletons(first).isEmpty()
            && lines(first).isEmpty());
        Duration noticed = Duration.ofNanos(System.nanoTime() - frozen);
        await("the second node runs everything").atMost(Duration.ofSeconds(20)).until(() -> singletons(second).equals(SINGLETONS));
        Duration takenOver = Duration.ofNanos(System.nanoTime() - frozen);

        // the first stops within its lease and a check or two; PostgreSQL frees the locks after twice the lease
        assertThat(noticed).as("time until the first node stopped its singletons").isLessThan(LEASE.plusMillis(1_500));
        assertThat(takenOver).as("time until the second node ran them").isGreaterThanOrEqualTo(LEASE.multipliedBy(2));
      } finally {
        relay.restore();
      }
      assertThat(watcher.overlaps()).as("moments a line ran on both nodes").isEmpty();
    }
  }

  private static Map<String, Object> through(int port) {
    return Map.of("database.url", "postgresql://127.0.0.1:" + port + "/mraos",
        "mqtt.client-id-prefix", PREFIX,
        "cluster.singleton-check-interval", "250ms",
        "cluster.singleton-lease", LEASE.toMillis() + "ms");
  }

  /** The line actors running on the node: each reports itself from its start to its stop. */
  private static Set<String> lines(TestNode node) {
    return NodeStatus.parts(node.node.vertx()).keySet().stream().filter(LINES::contains)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static Set<String> singletons(TestNode node) {
    return node.singletonsHere();
  }

  /** Looks at the nodes' line actors many times a millisecond and notes every moment one ran on two nodes. */
  static final class Watcher implements AutoCloseable {
    private final List<TestNode> nodes = new CopyOnWriteArrayList<>();
    private final List<String> overlaps = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    Watcher() {
      thread = new Thread(() -> {
        while (running) {
          Map<String, Integer> seen = new java.util.HashMap<>();
          for (TestNode node : nodes) {
            NodeStatus.parts(node.node.vertx()).keySet().stream().filter(LINES::contains)
                .forEach(line -> seen.merge(line, 1, Integer::sum));
          }
          seen.forEach((line, count) -> {
            if (count > 1 && overlaps.size() < 100) {
              overlaps.add(line + " at " + java.time.Instant.now());
            }
          });
          Thread.onSpinWait();
        }
      }, "singleton-watcher");
      thread.setDaemon(true);
      thread.start();
    }

    void watch(TestNode node) {
      nodes.add(node);
    }

    List<String> overlaps() {
      return new ArrayList<>(overlaps);
    }

    @Override
    public void close() throws InterruptedException {
      running = false;
      thread.join(5_000);
    }
  }
}
