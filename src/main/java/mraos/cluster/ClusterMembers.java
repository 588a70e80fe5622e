package mraos.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.config.Config;
import com.hazelcast.config.FileSystemXmlConfig;
import com.hazelcast.config.NetworkConfig;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import mraos.config.ClusterConfig;

import java.io.FileNotFoundException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The Hazelcast members of this node's cluster: the configuration a node joins with (the file, then {@code cluster.*}
 * over it), and who is in the cluster now, with each member's MRAOS node name and since when it is there.
 */
public final class ClusterMembers {

  static final String NODE = "mraos.node";
  static final String SINCE = "mraos.since";
  private static final String LOCAL = "mraos.cluster.members";

  private ClusterMembers() {
  }

  /**
   * The file's configuration with {@code cluster.name}, {@code cluster.members} and {@code cluster.host} put over it:
   * Hazelcast binds to that host's address alone and announces it (the file's interface is only the default), and the
   * member carries its node name and start for {@link #of}.
   */
  public static Config hazelcast(ClusterConfig cluster, String node, Instant since) throws FileNotFoundException {
    Config config = new FileSystemXmlConfig(cluster.configFile().toFile());
    if (!cluster.name().isEmpty()) {
      config.setClusterName(cluster.name());
    }
    NetworkConfig network = config.getNetworkConfig();
    if (!cluster.members().isEmpty()) {
      network.getJoin().getTcpIpConfig().setMembers(cluster.members());
    }
    String address = address(cluster.host());
    network.getInterfaces().setEnabled(true).setInterfaces(List.of(address));
    network.setPublicAddress(address);
    // bind to that address alone, not to every interface (Hazelcast's default)
    config.setProperty("hazelcast.socket.bind.any", "false");
    config.getMemberAttributeConfig().setAttribute(NODE, node).setAttribute(SINCE, since.toString());
    return config;
  }

  /** Hazelcast's interface setting takes an IP address: a host name is resolved once, at start. */
  static String address(String host) {
    try {
      return InetAddress.getByName(host).getHostAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("cluster.host '" + host + "' does not resolve to an address", e);
    }
  }

  /** Remembers when this node started, for an unclustered node's own entry in {@link #of}. */
  public static void started(Vertx vertx, String node, Instant since) {
    vertx.sharedData().<String, JsonObject>getLocalMap(LOCAL).put("self", new JsonObject().put("node", node)
        .put("since", since.toString()));
  }

  /**
   * The members now, oldest first: {@code node}, {@code address} (Hazelcast's host:port; null unclustered),
   * {@code since} and {@code this_node}. An unclustered node is alone.
   */
  public static List<JsonObject> of(Vertx vertx) {
    List<JsonObject> members = new ArrayList<>();
    if (vertx instanceof VertxInternal internal && internal.clusterManager() instanceof HazelcastClusterManager manager) {
      for (Member member : manager.getHazelcastInstance().getCluster().getMembers()) {
        members.add(new JsonObject().put("node", member.getAttribute(NODE))
            .put("address", member.getAddress().getHost() + ":" + member.getAddress().getPort())
            .put("since", member.getAttribute(SINCE)).put("this_node", member.localMember()));
      }
      return members;
    }
    JsonObject self = vertx.sharedData().<String, JsonObject>getLocalMap(LOCAL).get("self");
    if (self != null) {
      members.add(self.copy().put("address", null).put("this_node", true));
    }
    return members;
  }
}
