package testsupport;

import mraos.embedded.EmbeddedDatabase;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A PostgreSQL of a test class's own (the shared one must never go down), in a directory of its own, on a port that
 * stays the same across {@link #stop} and {@link #restart}, as a database server's does; {@link #close} removes it.
 */
public final class OwnDatabase implements AutoCloseable {

  public final Path dir;
  public final int port;
  private EmbeddedDatabase database;

  private OwnDatabase(Path dir, int port) throws IOException {
    this.dir = dir;
    this.port = port;
    this.database = EmbeddedDatabase.start(dir.resolve("postgres"), port, "mraos", "mraos", true);
  }

  /** A fresh database in a new directory named after {@code purpose}, on a free port. */
  public static OwnDatabase start(String purpose) throws IOException {
    return new OwnDatabase(Files.createTempDirectory("mraos-" + purpose + "-"), Ports.free());
  }

  public String url() {
    return "postgresql://127.0.0.1:" + port + "/" + EmbeddedDatabase.DATABASE;
  }

  /** PostgreSQL goes away (its data stays). */
  public void stop() {
    if (database != null) {
      try {
        database.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } finally {
        database = null;
      }
    }
  }

  /** PostgreSQL comes back on the same port with its data; stops it first if it runs. */
  public void restart() throws IOException {
    stop();
    database = EmbeddedDatabase.start(dir.resolve("postgres"), port, "mraos", "mraos", false);
  }

  @Override
  public void close() {
    stop();
    delete(dir);
  }

  /** Removes a directory and everything in it. */
  public static void delete(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
