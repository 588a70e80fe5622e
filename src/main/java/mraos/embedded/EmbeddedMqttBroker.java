package mraos.embedded;

import io.moquette.broker.Server;
import io.moquette.broker.config.MemoryConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * The fallback embedded MQTT broker (Moquette, in this JVM) where Eclipse Mosquitto is not installed. Persistent
 * sessions are kept on disk for a clean restart, but it dies with the node: when the node is killed, what it had
 * acknowledged and not yet delivered is lost, so {@link EmbeddedMosquitto} is the default.
 */
public final class EmbeddedMqttBroker implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedMqttBroker.class);

  private final Server server;
  private final int port;

  private EmbeddedMqttBroker(Server server, int port) {
    this.server = server;
    this.port = port;
  }

  public static EmbeddedMqttBroker start(Path dataDir, int port, int maxMessageSize) throws IOException {
    Files.createDirectories(dataDir);
    Properties props = new Properties();
    props.setProperty("host", "127.0.0.1");
    props.setProperty("port", String.valueOf(port));
    props.setProperty("websocket_port", "disabled");
    props.setProperty("allow_anonymous", "true");
    props.setProperty("persistence_enabled", "true");
    props.setProperty("data_path", dataDir.toAbsolutePath().toString());
    props.setProperty("telemetry_enabled", "false");
    props.setProperty("netty.mqtt.message_size", String.valueOf(maxMessageSize));
    props.setProperty("buffer_flush_millis", "0"); // write each packet out at once: acknowledgements are on the hot path
    Server server = new Server();
    server.startServer(new MemoryConfig(props));
    LOG.info("Embedded MQTT broker listening on 127.0.0.1:{}, data in {}", port, dataDir.toAbsolutePath());
    return new EmbeddedMqttBroker(server, port);
  }

  public String url() {
    return "mqtt://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  @Override
  public void close() {
    server.stopServer();
  }
}
