package verticles.gateway;

import io.vertx.core.internal.VertxInternal;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import testsupport.Api.Response;
import testsupport.Plant;
import testsupport.RateWindow;
import testsupport.TestNode;
import verticles.erp.ErpRoutes;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rate limit is counted cluster-wide (conf/mraos.yaml: "Counted cluster-wide"): two nodes with
 * {@code cluster.enabled: true} join one Hazelcast cluster through the shipped cluster/hazelcast.xml, and a client's
 * requests to either node count against one limit of 5 per minute. Client ids are unique per run, so counters of
 * other test JVMs on this machine that might join the same cluster (same cluster name and ports) cannot interfere.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ClusterRateLimitTest {

  static final String PATH = ErpRoutes.WORK_ORDERS;
  static final int LIMIT = 5;
  static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  static final String SEQUENTIAL = "cl-seq-" + RUN;
  static final String BYSTANDER = "cl-other-" + RUN;
  /** Fresh clients for concurrent bursts: each burst starts its client's window (where a race would let too many in). */
  static final List<String> BURSTS = List.of(1, 2, 3, 4, 5).stream().map(i -> "cl-burst" + i + "-" + RUN).toList();
  static TestNode a;
  static TestNode b;

  @BeforeAll
  static void start() {
    Map<String, Object> clustered = Map.of(
        "cluster.enabled", true,
        "security.rate-limit.requests-per-minute", LIMIT,
        "security.erp.allowed-clients", "erp-connector," + SEQUENTIAL + "," + BYSTANDER + "," + String.join(",", BURSTS));
    a = TestNode.start(clustered);
    b = TestNode.start(clustered);
  }

  @AfterAll
  static void stop() {
    if (b != null) {
      b.close();
    }
    if (a != null) {
      a.close();
    }
  }

  static String token(String clientId) {
    return a.tokens.signed(Map.of("client_id", clientId, "azp", clientId, "sub", clientId), Duration.ofMinutes(10));
  }

  static Response post(TestNode node, String token) {
    return node.api.postJson(PATH, token, Plant.workOrderEvent("work_order.created", Plant.unique("WO-CL")));
  }

  static HazelcastClusterManager clusterManager(TestNode node) {
    return (HazelcastClusterManager) ((VertxInternal) node.node.vertx()).clusterManager();
  }

  static void assertAllowed(Response response, int remaining) {
    assertThat(response.status()).as(response.toString()).isEqualTo(200);
    assertThat(response.header("X-RateLimit-Remaining")).as("X-RateLimit-Remaining").contains(String.valueOf(remaining));
  }

  static void assertLimited(Response response) {
    assertThat(response.status()).as(response.toString()).isEqualTo(429);
    assertThat(response.json().getString("error_code")).isEqualTo("INT-002");
    // until the oldest counted second is a minute old: up to 61 s when it began just before the request
    assertThat(Integer.parseInt(response.header("Retry-After").orElseThrow())).isBetween(1, 61);
  }

  @Test
  void bothNodesAreMembersOfOneCluster() {
    assertThat(a.node.vertx().isClustered()).isTrue();
    assertThat(b.node.vertx().isClustered()).isTrue();
    String idA = clusterManager(a).getNodeId();
    String idB = clusterManager(b).getNodeId();
    assertThat(idA).isNotEqualTo(idB);
    assertThat(clusterManager(a).getNodes()).contains(idA, idB);
    assertThat(clusterManager(b).getNodes()).contains(idA, idB);
  }

  @Test
  void requestsToBothNodesCountAgainstOneLimit() {
    String token = token(SEQUENTIAL);
    String bystander = token(BYSTANDER);
    RateWindow.awaitRoom(Duration.ofSeconds(15));

    assertAllowed(post(a, token), 4);
    assertAllowed(post(a, token), 3);
    assertAllowed(post(a, token), 2);
    assertAllowed(post(b, token), 1);
    assertAllowed(post(b, token), 0);
    assertLimited(post(b, token));
    assertLimited(post(a, token));

    // another client is counted on its own, on either node
    assertAllowed(post(b, bystander), 4);
    assertAllowed(post(a, bystander), 3);
  }

  @Test
  void concurrentRequestsToBothNodesCannotGetPastTheLimit() throws Exception {
    RateWindow.awaitRoom(Duration.ofSeconds(40));

    List<String> bursts = new ArrayList<>();
    for (String client : BURSTS) {
      List<Response> through = burst(token(client), 15).stream().filter(r -> r.status() != 429).toList();
      assertThat(through).allSatisfy(r -> assertThat(r.status()).as(r.toString()).isEqualTo(200));
      bursts.add(through.size() + " let through, told X-RateLimit-Remaining "
          + through.stream().map(r -> r.header("X-RateLimit-Remaining").orElse("-")).toList());
    }

    assertThat(bursts).as("bursts of 30 requests (15 to each node, released together) with a limit of %d", LIMIT)
        .allSatisfy(burst -> assertThat(burst).startsWith(LIMIT + " let through"));
  }

  /** {@code perNode} requests to each node, all released together. */
  static List<Response> burst(String token, int perNode) throws Exception {
    CyclicBarrier go = new CyclicBarrier(2 * perNode);
    List<Callable<Response>> calls = new ArrayList<>();
    for (int i = 0; i < perNode; i++) {
      calls.add(() -> {
        go.await(30, TimeUnit.SECONDS);
        return post(a, token);
      });
      calls.add(() -> {
        go.await(30, TimeUnit.SECONDS);
        return post(b, token);
      });
    }
    return concurrently(calls);
  }

  static <T> List<T> concurrently(List<Callable<T>> calls) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(calls.size());
    try {
      List<T> results = new ArrayList<>();
      for (Future<T> future : pool.invokeAll(calls, 60, TimeUnit.SECONDS)) {
        results.add(future.get());
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }
}
