package testsupport;

import io.vertx.core.json.JsonObject;
import mraos.config.MraosConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * An MRAOS node in a JVM of its own ({@code mraos.node.Main --config <file>} on the tests' classpath), so a test can kill it
 * the way a node dies in the plant: {@link #kill} is SIGKILL, with no clean stop and no hand-over. Its output goes to
 * {@code target/node-process-<name>.log}.
 */
public final class NodeProcess implements AutoCloseable {

  private final Process process;
  public final Api api;
  public final Path log;
  public final String name;
  /** Its integration status, as a supervisor reads it. */
  public final Status status;

  private NodeProcess(Process process, int httpPort, Path log, String name) {
    this.process = process;
    this.api = new Api(httpPort);
    this.log = log;
    this.name = name;
    Tokens tokens = new Tokens(TestServices.get().issuer);
    this.status = new Status(api, () -> tokens.of("supervisor"));
  }

  /** The singletons it runs, as it last shared them. */
  public java.util.Set<String> singletonsHere() {
    return status.singletonsOf(name);
  }

  /** Starts a node with this configuration (e.g. {@code TestServices.nodeConfig(...)}) and waits until it is ready. */
  public static NodeProcess start(MraosConfig config) throws IOException {
    Path dir = Files.createDirectories(Path.of("target"));
    Path file = dir.resolve("node-process-" + config.node().name() + ".json");
    JsonObject json = config.json();
    Files.writeString(file, json.encodePrettily());
    Path log = dir.resolve("node-process-" + config.node().name() + ".log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    // in a process group of its own (setsid), so interrupt() can do what Ctrl-C in a terminal does
    Process process = new ProcessBuilder(List.of("/usr/bin/setsid", java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
        "mraos.node.Main", "--config", file.toString()))
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
    NodeProcess node = new NodeProcess(process, config.http().port(), log, config.node().name());
    try {
      await("node process ready").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
          .until(() -> {
            if (!process.isAlive()) {
              throw new AssertionError("The node process ended; see " + log);
            }
            try {
              return node.api.get("/health/ready", null).status() == 200;
            } catch (IllegalStateException notListeningYet) {
              return false;
            }
          });
    } catch (RuntimeException e) {
      node.close();
      throw e;
    }
    return node;
  }

  /** Kills it with SIGKILL and waits until the process is gone. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** Stops it as an operator would (SIGTERM: the node stops cleanly, and with it its embedded services). */
  public void stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }

  /**
   * Signals its whole process group, as Ctrl-C in its terminal (SIGINT) or a service manager's stop (SIGTERM) does: the
   * node and whatever it started there. SIGTERM, because a test run in the background (a CI job) inherits SIGINT
   * ignored, and the JVM then keeps ignoring it; the JVM stops the same way on either.
   */
  public void interrupt() throws IOException, InterruptedException {
    new ProcessBuilder("kill", "-TERM", "--", "-" + process.pid()).inheritIO().start().waitFor();
  }

  /** Waits up to that many seconds for the process to end. */
  public boolean exitedWithin(int seconds) throws InterruptedException {
    return process.waitFor(seconds, TimeUnit.SECONDS);
  }

  public boolean alive() {
    return process.isAlive();
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
    }
  }
}
