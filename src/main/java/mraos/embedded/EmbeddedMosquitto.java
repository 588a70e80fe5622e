package mraos.embedded;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Eclipse Mosquitto as the node's MQTT broker when the configuration names none: a process of its own that outlives the
 * node, as the embedded PostgreSQL does. A node killed with SIGKILL takes nothing the broker acknowledged with it: the
 * publishers stay connected, the lines' persistent sessions keep queueing, and the restarted node finds the broker
 * still running (by the pid file in its data folder) and uses it. A clean stop of the node stops the broker too
 * (SIGTERM: it writes its sessions and queued messages to disk, and loads them at its next start).
 *
 * <p>What is not covered: a crash of the broker itself or of the machine loses what arrived since its last save
 * ({@code autosave interval}).
 */
public final class EmbeddedMosquitto implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedMosquitto.class);
  private static final Duration START_WAIT = Duration.ofSeconds(15);
  private static final Duration STOP_WAIT = Duration.ofSeconds(30);
  private static final Path SETSID = Path.of("/usr/bin/setsid");

  /** How the broker runs: its settings, written to {@code mosquitto.conf} in its data folder. */
  public record Settings(Path binary, int port, Duration autosaveInterval, int maxInflight, long messageSizeLimit) {
  }

  private final ProcessHandle process;
  private final Path dir;
  private final int port;

  private EmbeddedMosquitto(ProcessHandle process, Path dir, int port) {
    this.process = process;
    this.dir = dir;
    this.port = port;
  }

  /** Whether Mosquitto's program is there to run. */
  public static boolean installed(Path binary) {
    return Files.isExecutable(binary);
  }

  /**
   * Uses the broker a previous run of this node left running with these same settings, or starts one.
   *
   * @param dir its data folder: configuration, sessions and queued messages, pid file and log
   */
  public static EmbeddedMosquitto start(Path dir, Settings settings) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    Path conf = dir.resolve("mosquitto.conf");
    String wanted = configuration(dir, settings);
    Optional<ProcessHandle> running = leftRunning(dir, conf);
    if (running.isPresent()) {
      boolean sameSettings = Files.exists(conf) && Files.readString(conf).equals(wanted);
      if (sameSettings && accepting(settings.port())) {
        LOG.info("Embedded MQTT broker (Mosquitto, pid {}) is still running from this node's last run: using it, with the "
            + "sessions and messages it kept, on 127.0.0.1:{}", running.get().pid(), settings.port());
        return new EmbeddedMosquitto(running.get(), dir, settings.port());
      }
      LOG.info("Embedded MQTT broker (Mosquitto, pid {}) left running with other settings: stopping it (it saves its "
          + "sessions) to start it with this configuration", running.get().pid());
      stop(running.get());
    }
    Files.writeString(conf, wanted);
    Process process = new ProcessBuilder(command(settings.binary(), conf))
        .redirectErrorStream(true)
        // a file, not a pipe to this JVM: the broker must not die of a broken pipe when the node is killed
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("mosquitto.log").toFile()))
        .start();
    Files.writeString(dir.resolve("mosquitto.pid"), Long.toString(process.pid()));
    Instant deadline = Instant.now().plus(START_WAIT);
    while (!accepting(settings.port())) {
      if (!process.isAlive() || Instant.now().isAfter(deadline)) {
        process.destroyForcibly();
        throw new IOException("The embedded MQTT broker (Mosquitto) did not start on 127.0.0.1:" + settings.port()
            + ". If the port is taken (by another broker, such as the system's own mosquitto service), set mqtt.url to "
            + "use that broker or mqtt.embedded-port to another port. Its log " + dir.resolve("mosquitto.log") + " ends: "
            + tail(dir.resolve("mosquitto.log")));
      }
      Thread.sleep(50);
    }
    LOG.info("Embedded MQTT broker (Mosquitto {}, pid {}) listening on 127.0.0.1:{}, sessions kept in {}; it outlives a "
        + "killed node", settings.binary(), process.pid(), settings.port(), dir.toAbsolutePath());
    return new EmbeddedMosquitto(process.toHandle(), dir, settings.port());
  }

  /**
   * Through {@code setsid} where it exists (util-linux; it execs in place, so the pid stays the broker's): in a session
   * of its own the broker does not get the Ctrl-C meant for the node, which stops it after its lines.
   */
  private static List<String> command(Path binary, Path conf) {
    List<String> command = new ArrayList<>();
    if (Files.isExecutable(SETSID)) {
      command.add(SETSID.toString());
    }
    command.addAll(List.of(binary.toString(), "-c", conf.toString()));
    return command;
  }

  static String configuration(Path dir, Settings settings) {
    return String.join("\n",
        "# Written by MRAOS at each start from conf/mraos.yaml (mqtt.embedded-*); edits here are overwritten.",
        "listener " + settings.port() + " 127.0.0.1",
        "allow_anonymous true",
        // started as root, Mosquitto would switch to the user 'mosquitto', who may not write this folder
        "user " + System.getProperty("user.name"),
        "persistence true",
        "persistence_location " + dir.toAbsolutePath() + "/",
        "autosave_interval " + Math.max(1, settings.autosaveInterval().toSeconds()),
        // a persistent session's queue is never cut: a message the broker acknowledged waits until its line takes it
        "max_queued_messages 0",
        "max_queued_bytes 0",
        "max_inflight_messages " + settings.maxInflight(),
        // larger messages are acknowledged and dropped by the broker; up to this size MRAOS sees them (and dead-letters
        // what is larger than it applies), so a publisher is never disconnected over a message's size
        "message_size_limit " + settings.messageSizeLimit(),
        "set_tcp_nodelay true",
        "log_dest stderr",
        "log_type error",
        "log_type warning",
        "log_type notice",
        "log_timestamp_format %Y-%m-%dT%H:%M:%S",
        "");
  }

  /** The broker this data folder's pid file names, if it is still running with this folder's configuration. */
  private static Optional<ProcessHandle> leftRunning(Path dir, Path conf) throws IOException {
    Path pidFile = dir.resolve("mosquitto.pid");
    if (!Files.exists(pidFile)) {
      return Optional.empty();
    }
    long pid;
    try {
      pid = Long.parseLong(Files.readString(pidFile).trim());
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
    String confPath = conf.toString();
    return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(p -> {
      ProcessHandle.Info info = p.info();
      boolean mosquitto = info.command().map(c -> c.endsWith("mosquitto")).orElse(false);
      boolean ours = info.arguments().map(args -> Arrays.asList(args).contains(confPath)).orElse(false);
      return mosquitto && ours;
    });
  }

  private static boolean accepting(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException notYet) {
      return false;
    }
  }

  private static void stop(ProcessHandle process) {
    process.destroy(); // SIGTERM: Mosquitto saves its sessions and queued messages, then exits
    try {
      process.onExit().get(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      LOG.warn("Embedded MQTT broker (pid {}) did not stop within {} s: killing it", process.pid(), STOP_WAIT.toSeconds());
      process.destroyForcibly();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String tail(Path log) {
    try {
      String text = Files.exists(log) ? Files.readString(log) : "";
      return text.length() > 2000 ? text.substring(text.length() - 2000) : text;
    } catch (IOException e) {
      return "(unreadable: " + e.getMessage() + ")";
    }
  }

  public String url() {
    return "mqtt://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  public long pid() {
    return process.pid();
  }

  /** Stops the broker (it saves its sessions first). */
  @Override
  public void close() {
    if (process.isAlive()) {
      stop(process);
    }
    try {
      Files.deleteIfExists(dir.resolve("mosquitto.pid"));
    } catch (IOException e) {
      LOG.debug("Could not remove {}: {}", dir.resolve("mosquitto.pid"), e.getMessage());
    }
  }
}
