package mraos.cluster;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import testsupport.TestNode;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What must run once in the cluster (each system's outbound path, the scheduler, the failures' figures) runs on
 * exactly one of the nodes sharing a database, and moves to another node when that one stops.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ClusterSingletonsTest {

  static final String[] SINGLETONS = {"failures", "outbound-erp", "outbound-hr", "outbound-inventory", "outbound-mes", "scheduler"};
  static final Map<String, Object> FAST = Map.of("cluster.singleton-check-interval", "200ms");

  static TestNode first;
  static TestNode second;

  @BeforeAll
  static void start() {
    first = TestNode.start(FAST);
    await().atMost(Duration.ofSeconds(20)).until(() -> runsHere(first).split(", ").length == SINGLETONS.length);
    second = TestNode.start(FAST);
  }

  @AfterAll
  static void stop() {
    second.close();
  }

  @Test
  void eachSingletonRunsOnOneNodeAndMovesWhenThatNodeStops() throws Exception {
    Thread.sleep(1_000); // several claim rounds of the second node
    assertThat(runsHere(first)).isEqualTo(String.join(", ", SINGLETONS));
    assertThat(runsHere(second)).isEqualTo("none on this node");

    first.close();

    await("taken over").atMost(Duration.ofSeconds(20)).until(() -> runsHere(second).equals(String.join(", ", SINGLETONS)));
  }

  private static String runsHere(TestNode node) {
    JsonObject ready = node.api.get("/health/ready", null).json();
    for (Object c : ready.getJsonArray("checks", new JsonArray())) {
      JsonObject check = (JsonObject) c;
      if ("components".equals(check.getString("id"))) {
        JsonObject singletons = check.getJsonObject("data", new JsonObject()).getJsonObject("singletons");
        return singletons == null ? "" : singletons.getString("detail");
      }
    }
    return "";
  }
}
