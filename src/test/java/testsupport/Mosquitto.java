package testsupport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * Eclipse Mosquitto, the broker plants commonly run, as a child process on a loopback port with its sessions persisted
 * to disk, for tests that restart the broker. (The embedded Moquette drops part of what is published in the first
 * moments after its own restart, so a restart test against it would measure Moquette, not MRAOS.) Debian:
 * {@code apt-get install mosquitto}; {@code .ci/run} installs it.
 */
public final class Mosquitto implements AutoCloseable {

  private static final Path BINARY = Path.of(System.getenv().getOrDefault("MOSQUITTO", "/usr/sbin/mosquitto"));

  private final Path dir;
  private final int port;
  private Process process;

  private Mosquitto(Path dir, int port) {
    this.dir = dir;
    this.port = port;
  }

  /** Starts a broker keeping its sessions in {@code dir}; {@link #restart} starts it again on the same port and data. */
  public static Mosquitto start(Path dir, int port) throws IOException, InterruptedException {
    if (!Files.isExecutable(BINARY)) {
      throw new IllegalStateException("This test needs Eclipse Mosquitto at " + BINARY
          + " (Debian: apt-get install mosquitto; or set MOSQUITTO to its path). .ci/run installs it.");
    }
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("mosquitto.conf"), String.join("\n",
        "listener " + port + " 127.0.0.1",
        "allow_anonymous true",
        // run as root, Mosquitto would drop to user 'mosquitto', who may not write the session store here
        "user " + System.getProperty("user.name"),
        "persistence true",
        "persistence_location " + dir.toAbsolutePath() + "/",
        "autosave_interval 1",
        "max_inflight_messages 1000",
        "max_queued_messages 100000",
        "log_dest stderr",
        "log_type error",
        "log_type warning",
        ""));
    Mosquitto broker = new Mosquitto(dir, port);
    broker.launch();
    return broker;
  }

  private void launch() throws IOException, InterruptedException {
    process = new ProcessBuilder(BINARY.toString(), "-c", dir.resolve("mosquitto.conf").toString())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("mosquitto.log").toFile()))
        .start();
    Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
    while (!accepting()) {
      if (!process.isAlive() || Instant.now().isAfter(deadline)) {
        throw new IllegalStateException("Mosquitto did not start on port " + port + "; see " + dir.resolve("mosquitto.log")
            + ": " + Files.readString(dir.resolve("mosquitto.log")));
      }
      Thread.sleep(50);
    }
  }

  private boolean accepting() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException notYet) {
      return false;
    }
  }

  /** Stops the broker as an operator would (SIGTERM: it saves its sessions to disk) and waits for it to exit. */
  public void stop() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    }
  }

  /** Starts the broker again, on the same port with the sessions it saved. */
  public void restart() throws IOException, InterruptedException {
    stop();
    launch();
  }

  public String url() {
    return "mqtt://127.0.0.1:" + port;
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }
}
