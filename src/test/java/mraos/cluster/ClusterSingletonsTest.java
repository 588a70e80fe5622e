package mraos.cluster;

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
 * What must run once in the cluster (each system's outbound path, the scheduler, the failures' figures, each line's
 * actor) runs on exactly one of the nodes sharing a database, and moves to another node when that one stops; the
 * lines are spread, so a node that joins takes its share.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ClusterSingletonsTest {

  static final String[] SINGLETONS = {"failures", "hr", "line-line1", "line-line2", "line-line3", "outbound-erp", "outbound-hr",
      "outbound-inventory", "outbound-mes", "scheduler"};
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
  void eachSingletonRunsOnOneNodeTheLinesAreSharedAndAllMoveWhenANodeStops() {
    // two nodes, three lines: the first keeps two (its share), hands one over; everything else stays where it was
    await("lines shared").atMost(Duration.ofSeconds(20)).until(() -> lines(runsHere(second)) == 1 && lines(runsHere(first)) == 2);
    java.util.Set<String> both = new java.util.TreeSet<>();
    both.addAll(java.util.List.of(runsHere(first).split(", ")));
    both.addAll(java.util.List.of(runsHere(second).split(", ")));
    assertThat(both).containsExactly(SINGLETONS);
    assertThat(runsHere(second)).startsWith("line-");

    first.close();

    await("taken over").atMost(Duration.ofSeconds(20)).until(() -> runsHere(second).equals(String.join(", ", SINGLETONS)));
  }

  private static long lines(String singletons) {
    return java.util.Arrays.stream(singletons.split(", ")).filter(s -> s.startsWith("line-")).count();
  }

  private static String runsHere(TestNode node) {
    return String.join(", ", node.singletonsHere());
  }
}
