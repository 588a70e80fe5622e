package mraos.embedded;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A second node on a data folder another node uses is refused before any embedded service starts, with who holds it
 * and what to do (before: "could not lock data/postgres/epg-lock", from deep inside the embedded PostgreSQL).
 */
class DataFolderLockTest {

  @Test
  void aSecondProcessIsToldWhichNodeHoldsTheFolderAndWhatToDo() throws Exception {
    Path dir = Files.createTempDirectory("mraos-data-lock-");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    // the first node: another JVM holding the folder
    Process holder = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
        "mraos.embedded.DataFolderLockTest$Hold", dir.toString())).redirectErrorStream(true).start();
    try {
      String first = new String(holder.getInputStream().readNBytes("locked\n".length()));
      assertThat(first).isEqualTo("locked\n");

      assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> DataFolderLock.take(dir, 8081)))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("is in use by another MRAOS node (pid " + holder.pid() + ", HTTP port 8080")
          .hasMessageContaining("Stop that node first")
          .hasMessageContaining("MRAOS_NODE_DATA_DIR");
    } finally {
      holder.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    // the holder ended (however it ended): the folder is free again
    try (DataFolderLock lock = DataFolderLock.take(dir, 8081)) {
      assertThat(Files.readString(dir.resolve(DataFolderLock.FILE))).contains("pid " + ProcessHandle.current().pid());
    }
  }

  /** Holds the folder's lock as a node would, until killed. */
  public static final class Hold {
    public static void main(String[] args) throws Exception {
      DataFolderLock.take(Path.of(args[0]), 8080);
      System.out.print("locked\n");
      System.out.flush();
      Thread.sleep(Long.MAX_VALUE);
    }
  }
}
