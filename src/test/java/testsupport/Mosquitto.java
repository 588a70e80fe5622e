package testsupport;

import mraos.config.ConfigLoader;
import mraos.config.MqttConfig;
import mraos.config.MraosConfig;
import mraos.embedded.EmbeddedMosquitto;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A Mosquitto broker of a test's own, run exactly as a node runs its embedded one ({@link EmbeddedMosquitto}, the
 * default settings), for tests that stop and restart the broker. Debian: {@code apt-get install mosquitto};
 * {@code .ci/run} installs it.
 */
public final class Mosquitto implements AutoCloseable {

  private final Path dir;
  private final EmbeddedMosquitto.Settings settings;
  private EmbeddedMosquitto broker;

  private Mosquitto(Path dir, EmbeddedMosquitto.Settings settings) {
    this.dir = dir;
    this.settings = settings;
  }

  /** Starts a broker keeping its sessions in {@code dir}; {@link #restart} starts it again on the same port and data. */
  public static Mosquitto start(Path dir, int port) throws IOException, InterruptedException {
    MqttConfig defaults = MraosConfig.from(ConfigLoader.defaults()).mqtt();
    if (!EmbeddedMosquitto.installed(defaults.embeddedMosquitto())) {
      throw new IllegalStateException("This test needs Eclipse Mosquitto at " + defaults.embeddedMosquitto()
          + " (Debian: apt-get install mosquitto). .ci/run installs it.");
    }
    Mosquitto mosquitto = new Mosquitto(dir, new EmbeddedMosquitto.Settings(defaults.embeddedMosquitto(), port,
        defaults.embeddedAutosaveInterval(), defaults.embeddedMaxInflight(), defaults.maxPacketSize()));
    mosquitto.broker = EmbeddedMosquitto.start(dir, mosquitto.settings);
    return mosquitto;
  }

  /** Stops the broker as an operator would (SIGTERM: it saves its sessions to disk) and waits for it to exit. */
  public void stop() {
    if (broker != null) {
      broker.close();
      broker = null;
    }
  }

  /** Starts the broker again, on the same port with the sessions it saved. */
  public void restart() throws IOException, InterruptedException {
    stop();
    broker = EmbeddedMosquitto.start(dir, settings);
  }

  public int port() {
    return settings.port();
  }

  public String url() {
    return "mqtt://127.0.0.1:" + settings.port();
  }

  @Override
  public void close() {
    stop();
  }
}
