package mraos.embedded;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server (zonky's packaged binaries) for a node that has no database configured, with the role
 * and database MRAOS would find on a real server. Data persists in its directory across restarts unless asked otherwise.
 */
public final class EmbeddedDatabase implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDatabase.class);
  public static final String DATABASE = "mraos";

  private final EmbeddedPostgres postgres;

  private EmbeddedDatabase(EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  /** A durable server (fsync and synchronous commits on): see {@link #start(Path, int, String, String, boolean, boolean)}. */
  public static EmbeddedDatabase start(Path dataDir, int port, String user, String password, boolean fresh) throws IOException {
    return start(dataDir, port, user, password, fresh, true);
  }

  /**
   * @param dataDir   where the cluster lives
   * @param port      0 for any free port
   * @param fresh     start from an empty directory (tests); the data is kept when the server stops either way
   * @param durable   fsync, synchronous_commit and full_page_writes on (a commit survives a crash of the machine), as
   *                  a system of record needs; off (zonky's defaults) only where losing the data does not matter, such
   *                  as tests: commits then cost no disk flush
   */
  public static EmbeddedDatabase start(Path dataDir, int port, String user, String password, boolean fresh, boolean durable)
      throws IOException {
    if (fresh) {
      deleteRecursively(dataDir);
    }
    Files.createDirectories(dataDir);
    EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
        .setDataDirectory(dataDir)
        .setCleanDataDirectory(false)
        // the node stops it, after its own parts (a hook of zonky's own would stop it while they still write)
        .setRegisterShutdownHook(false)
        .setPGStartupWait(Duration.ofSeconds(60))
        .setServerConfig("listen_addresses", "127.0.0.1")
        .setServerConfig("max_connections", "200")
        // zonky runs with fsync and synchronous commits off, fine for its tests but not for a plant's system of record:
        // set all three explicitly (the command line wins over postgresql.conf)
        .setServerConfig("fsync", durable ? "on" : "off")
        .setServerConfig("synchronous_commit", durable ? "on" : "off")
        .setServerConfig("full_page_writes", durable ? "on" : "off")
        // the outbox is a queue table (see V4__outbox_vacuum.sql): autovacuum looks at it every 10 s, not every minute
        .setServerConfig("autovacuum_naptime", "10s");
    if (port > 0) {
      builder.setPort(port);
    }
    EmbeddedPostgres postgres = builder.start();
    try {
      ensureRoleAndDatabase(postgres, user, password);
    } catch (SQLException e) {
      postgres.close();
      throw new IOException("Embedded PostgreSQL started but the " + DATABASE + " database could not be prepared", e);
    }
    LOG.info("Embedded PostgreSQL listening on 127.0.0.1:{}, data in {}, {}", postgres.getPort(), dataDir.toAbsolutePath(),
        durable ? "durable (fsync on)" : "NOT durable (fsync off: a crash of the machine can lose or corrupt data)");
    return new EmbeddedDatabase(postgres);
  }

  private static void ensureRoleAndDatabase(EmbeddedPostgres postgres, String user, String password) throws SQLException {
    try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
      if (!exists(c, "SELECT 1 FROM pg_roles WHERE rolname = ?", user)) {
        st.execute("CREATE ROLE \"" + user.replace("\"", "") + "\" LOGIN PASSWORD '" + password.replace("'", "''") + "'");
      }
      if (!exists(c, "SELECT 1 FROM pg_database WHERE datname = ?", DATABASE)) {
        st.execute("CREATE DATABASE " + DATABASE + " OWNER \"" + user.replace("\"", "") + "\"");
      }
    }
  }

  private static boolean exists(Connection c, String sql, String name) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  public int port() {
    return postgres.getPort();
  }

  /** The URL MRAOS's configuration takes ({@code database.url}). */
  public String url() {
    return "postgresql://127.0.0.1:" + port() + "/" + DATABASE;
  }

  @Override
  public void close() throws IOException {
    postgres.close();
  }
}
