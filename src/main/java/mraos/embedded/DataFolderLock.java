package mraos.embedded;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * One node per data folder: the embedded services keep their data there, and a second node on the same folder would
 * fail deep inside one of them ("could not lock data/postgres/epg-lock"). The lock file {@code node.lock} names the
 * node holding it (pid, HTTP port, since when), so the refusal can say who and what to do. The operating system
 * releases the lock when that process ends, however it ends.
 */
public final class DataFolderLock implements AutoCloseable {

  static final String FILE = "node.lock";

  private final FileChannel channel;
  private final FileLock lock;

  private DataFolderLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /** Takes the folder for this process, or fails with who holds it and what to do. */
  public static DataFolderLock take(Path dataDir, int httpPort) throws IOException {
    Files.createDirectories(dataDir);
    Path file = dataDir.resolve(FILE);
    FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
    if (lock == null) {
      String holder = Files.readString(file, StandardCharsets.UTF_8).trim();
      channel.close();
      throw new IOException("The data folder " + dataDir.toAbsolutePath() + " is in use by another MRAOS node ("
          + (holder.isEmpty() ? "see " + file : holder) + "). Stop that node first (Ctrl-C in its terminal), or give "
          + "this one a folder and ports of its own, e.g. MRAOS_NODE_DATA_DIR=data-2 MRAOS_HTTP_PORT=8081 with the "
          + "embedded ports changed too (docs/operations.md, \"Several nodes on one machine\").");
    }
    channel.truncate(0);
    channel.write(ByteBuffer.wrap(("pid " + ProcessHandle.current().pid() + ", HTTP port " + httpPort + ", since "
        + Instant.now() + "\n").getBytes(StandardCharsets.UTF_8)), 0);
    channel.force(false);
    return new DataFolderLock(channel, lock);
  }

  @Override
  public void close() throws IOException {
    lock.release();
    channel.close();
  }
}
