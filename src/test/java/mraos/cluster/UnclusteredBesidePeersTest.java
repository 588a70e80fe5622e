package mraos.cluster;

import mraos.node.Node;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import testsupport.OwnDatabase;
import testsupport.TestNode;
import testsupport.TestServices;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Nodes that share a database must share a cluster: an unclustered node that finds a live node on its database (a
 * holder of the member lock) refuses to start, saying what to set; once that node has gone, it starts. On a database
 * of its own, so that no other test's node counts as a peer.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class UnclusteredBesidePeersTest {

  static OwnDatabase database;

  @BeforeAll
  static void start() throws Exception {
    database = OwnDatabase.start("shared-cluster");
  }

  @AfterAll
  static void stop() {
    if (database != null) {
      database.close();
    }
  }

  static Map<String, Object> onOwnDatabase(String name) {
    return Map.of("database.url", database.url(), "node.name", name, "cluster.require-cluster-when-shared", true);
  }

  @Test
  void anUnclusteredNodeBesideALiveOneIsRefusedAndStartsOnceItHasGone() throws Exception {
    try (TestNode peer = TestNode.start(onOwnDatabase("peer-node"))) {
      await("the peer holds its singletons").atMost(Duration.ofSeconds(30)).until(() -> !peer.singletonsHere().isEmpty());

      assertThatThrownBy(() -> Node.start(TestServices.get().nodeConfig(onOwnDatabase("late-node")))
          .close())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("Node late-node is not clustered")
          .hasMessageContaining("peer-node")
          .hasMessageContaining("cluster.enabled: true")
          .hasMessageContaining("MRAOS_CLUSTER_ENABLED=true")
          .hasMessageContaining("MRAOS_CLUSTER_MEMBERS");
    }
    // the peer stopped: its lock connection closed, so nobody holds the member lock now
    try (TestNode late = TestNode.start(onOwnDatabase("late-node"))) {
      await("the late node runs the singletons").atMost(Duration.ofSeconds(30))
          .until(() -> late.singletonsHere().contains("scheduler"));
    }
  }
}
