package mraos.cluster;

import io.vertx.pgclient.PgConnectOptions;
import mraos.config.MraosConfig;
import mraos.db.Database;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Nodes that share a database must share a cluster. Each node's singleton connection holds the shared member lock
 * ({@link LockSession}) while the node lives, so the holders of that lock are the live nodes on this database. An
 * unclustered node that finds any refuses to start: it would run its share of the lines, and a status the other node
 * sends over its own (unclustered) event bus to a line that runs here would be lost without a word.
 */
public final class SharedDatabase {

  /** The live nodes: the sessions holding the member lock, by the name each gave its connection. */
  static final String LIVE_NODES = """
      SELECT a.application_name FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid
       WHERE l.locktype = 'advisory' AND l.classid::bigint = ? AND l.objid::bigint = ? AND l.objsubid = 1 AND l.granted
       ORDER BY a.backend_start""";
  static final String LOCK_CONNECTION_PREFIX = "mraos-locks ";

  private SharedDatabase() {
  }

  /**
   * Throws, saying what to set, if this node is not clustered, {@code cluster.require-cluster-when-shared} is on and
   * other nodes live on its database. Blocking (JDBC): runs once, before Vert.x is built. Two unclustered nodes
   * starting in the same instant may both pass; the second to start after either is up is refused.
   */
  public static void refuseUnclusteredBesidePeers(MraosConfig config) throws SQLException {
    if (config.cluster().enabled() || !config.cluster().requireClusterWhenShared()) {
      return;
    }
    List<String> live = liveNodes(config);
    if (!live.isEmpty()) {
      throw new IllegalStateException("Node " + config.node().name() + " is not clustered, but " + live.size()
          + " live MRAOS node(s) share its database " + config.database().url() + ": " + String.join(", ", live)
          + ". Nodes that share a database must share a cluster (a status sent to a line that runs on another node"
          + " would be lost). Start every node with cluster.enabled: true (MRAOS_CLUSTER_ENABLED=true), cluster.members"
          + " (MRAOS_CLUSTER_MEMBERS) listing the nodes' hosts and cluster.host (MRAOS_CLUSTER_HOST) this node's address;"
          + " or stop the other nodes first. Separate unclustered nodes on one database on purpose:"
          + " cluster.require-cluster-when-shared: false.");
    }
  }

  /** The names of the nodes whose singleton connection is open on this database now. */
  static List<String> liveNodes(MraosConfig config) throws SQLException {
    PgConnectOptions options = Database.connectOptions(config.database());
    String url = "jdbc:postgresql://" + options.getHost() + ":" + options.getPort() + "/" + options.getDatabase();
    long member = LockSession.lockKey(LockSession.MEMBER);
    List<String> names = new ArrayList<>();
    try (Connection connection = DriverManager.getConnection(url, options.getUser(), options.getPassword());
         PreparedStatement query = connection.prepareStatement(LIVE_NODES)) {
      query.setLong(1, member >>> 32);
      query.setLong(2, member & 0xFFFFFFFFL);
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          String name = rows.getString(1);
          names.add(name != null && name.startsWith(LOCK_CONNECTION_PREFIX) ? name.substring(LOCK_CONNECTION_PREFIX.length())
              : "(a session named '" + name + "')");
        }
      }
    }
    return names;
  }
}
