package mraos.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.core.HazelcastInstance;
import io.vertx.core.internal.VertxInternal;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import testsupport.TestNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A clustered node runs Hazelcast as cluster.* says, over the shipped cluster/hazelcast.xml: on cluster.host's address
 * alone (whatever interface the file names), with cluster.members as its TCP-IP members, multicast off, backups for
 * the maps the nodes share, a failure detector of seconds, and without Vert.x HA (nothing uses it).
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class HazelcastSettingsTest {

  static final List<String> MEMBERS = List.of("127.0.0.1");
  static TestNode node;
  static HazelcastInstance hazelcast;

  @BeforeAll
  static void start() throws Exception {
    // the shipped file, but naming an interface this machine does not have: only cluster.host can make it start
    Path file = Files.createTempFile("hazelcast-", ".xml");
    Files.writeString(file, Files.readString(Path.of("cluster/hazelcast.xml"))
        .replace("<interface>127.0.0.1</interface>", "<interface>198.51.100.77</interface>"));
    node = TestNode.start(Map.of("cluster.enabled", true, "cluster.config", file.toString(),
        "cluster.host", "127.0.0.1", "cluster.members", MEMBERS));
    hazelcast = ((HazelcastClusterManager) ((VertxInternal) node.node.vertx()).clusterManager()).getHazelcastInstance();
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  @Test
  void hazelcastBindsToClusterHostAloneAndJoinsTheConfiguredMembers() throws Exception {
    var address = hazelcast.getCluster().getLocalMember().getAddress();
    assertThat(address.getHost()).isEqualTo("127.0.0.1");
    Config config = hazelcast.getConfig();
    assertThat(config.getNetworkConfig().getInterfaces().getInterfaces()).containsExactly("127.0.0.1");
    assertThat(config.getNetworkConfig().getJoin().getTcpIpConfig().getMembers()).containsExactlyElementsOf(MEMBERS);
    assertThat(config.getNetworkConfig().getJoin().getMulticastConfig().isEnabled()).isFalse();
    assertThat(config.getNetworkConfig().getJoin().getAutoDetectionConfig().isEnabled()).isFalse();
    // listening on 127.0.0.1 only, not on every interface (Hazelcast's default)
    assertThat(listeners(address.getPort())).containsExactly("0100007F");
  }

  @Test
  void sharedMapsHaveBackupsAndADeadMemberIsNoticedInSeconds() {
    Config config = hazelcast.getConfig();
    for (String map : List.of("mraos.rate-limit.seconds", "mraos.status.nodes", "__vertx.nodeInfo")) {
      assertThat(config.getMapConfigOrNull(map)).as(map + " declared in the file").isNotNull();
      assertThat(config.getMapConfigOrNull(map).getBackupCount()).as(map).isEqualTo(1);
    }
    assertThat(config.getMultiMapConfig("__vertx.subs").getBackupCount()).isEqualTo(1);
    assertThat(Integer.parseInt(config.getProperty("hazelcast.max.no.heartbeat.seconds"))).isBetween(2, 10);
    assertThat(Integer.parseInt(config.getProperty("hazelcast.heartbeat.interval.seconds"))).isEqualTo(1);
  }

  @Test
  void vertxHaIsOff() {
    assertThat(node.node.vertx().isClustered()).isTrue();
    assertThat(hazelcast.getDistributedObjects()).noneMatch(o -> o.getName().equals("__vertx.haInfo"));
    assertThat(hazelcast.getConfig().getMapConfigOrNull("__vertx.haInfo")).as("no map config for an unused HA").isNull();
  }

  /**
   * The local addresses (hex, as /proc/net/tcp writes them: 0100007F is 127.0.0.1, 00000000 any) of the sockets
   * listening on this TCP port.
   */
  static List<String> listeners(int port) throws Exception {
    String hexPort = String.format(Locale.ROOT, "%04X", port);
    try (Stream<String> lines = Stream.concat(Files.lines(Path.of("/proc/net/tcp")).skip(1),
        Files.lines(Path.of("/proc/net/tcp6")).skip(1))) {
      return lines.map(String::trim).map(l -> l.split("\\s+"))
          .filter(f -> f[1].endsWith(":" + hexPort) && f[3].equals("0A")) // 0A: LISTEN
          .map(f -> f[1].substring(0, f[1].indexOf(':')))
          .map(a -> a.startsWith("0000000000000000FFFF0000") ? a.substring(24) : a) // IPv4 on an IPv6 socket
          .toList();
    }
  }
}
