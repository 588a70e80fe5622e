package mraos.embedded;

import mraos.config.MqttConfig;
import mraos.config.MraosConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Starts the embedded stand-ins for whatever the configuration leaves empty (PostgreSQL, Kafka, the MQTT broker, the OAuth issuer) and
 * gives back the configuration pointing at them. Closing stops them, last started first.
 */
public final class EmbeddedServices implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedServices.class);

  private final Deque<AutoCloseable> started = new ArrayDeque<>();
  private MraosConfig effective;
  private EmbeddedIssuer issuer;

  private EmbeddedServices() {
  }

  public static EmbeddedServices startMissing(MraosConfig config) throws Exception {
    EmbeddedServices services = new EmbeddedServices();
    try {
      services.start(config);
      return services;
    } catch (Exception e) {
      services.close();
      throw e;
    }
  }

  private void start(MraosConfig config) throws Exception {
    Map<String, Object> changes = new LinkedHashMap<>();
    if (config.database().embedded() || config.kafka().embedded() || config.mqtt().embedded()) {
      started.push(DataFolderLock.take(config.node().dataDir(), config.http().port()));
    }
    if (config.database().embedded()) {
      EmbeddedDatabase db = EmbeddedDatabase.start(config.node().dataDir().resolve("postgres"),
          config.database().embeddedPort(), config.database().user(), config.database().password(), false,
          config.database().embeddedFsync());
      started.push(db);
      changes.put("database.url", db.url());
    }
    if (config.kafka().embedded()) {
      EmbeddedKafka kafka = EmbeddedKafka.start(config.node().dataDir().resolve("kafka"), config.kafka().embeddedPort(),
          config.kafka().embeddedControllerPort());
      started.push(kafka);
      changes.put("kafka.bootstrap-servers", kafka.bootstrapServers());
    }
    if (config.mqtt().embedded()) {
      changes.put("mqtt.url", startMqttBroker(config.mqtt(), config.node().dataDir().resolve("mqtt")));
    }
    if (config.security().embeddedIssuerWanted()) {
      issuer = EmbeddedIssuer.start(config.security().embeddedIssuer(), config.security().audience());
      started.push(issuer);
      changes.put("security.issuer", issuer.issuerUrl());
    }
    effective = changes.isEmpty() ? config : config.with(changes);
  }

  private String startMqttBroker(MqttConfig mqtt, Path dir) throws Exception {
    if (EmbeddedMosquitto.installed(mqtt.embeddedMosquitto())) {
      EmbeddedMosquitto broker = EmbeddedMosquitto.start(dir, new EmbeddedMosquitto.Settings(mqtt.embeddedMosquitto(),
          mqtt.embeddedPort(), mqtt.embeddedAutosaveInterval(), mqtt.embeddedMaxInflight(), mqtt.maxPacketSize()));
      started.push(broker);
      return broker.url();
    }
    LOG.warn("Eclipse Mosquitto is not installed at {} (mqtt.embedded-mosquitto): the embedded MQTT broker is Moquette, "
        + "inside this JVM. It dies with the node, and what it acknowledged but had not delivered is then lost. For a "
        + "plant: apt-get install mosquitto, or set mqtt.url to the plant's broker.", mqtt.embeddedMosquitto());
    EmbeddedMqttBroker broker = EmbeddedMqttBroker.start(dir, mqtt.embeddedPort(), mqtt.maxPacketSize());
    started.push(broker);
    return broker.url();
  }

  /** The configuration with the embedded services' addresses filled in. */
  public MraosConfig effectiveConfig() {
    return effective;
  }

  public Optional<EmbeddedIssuer> issuer() {
    return Optional.ofNullable(issuer);
  }

  @Override
  public void close() {
    while (!started.isEmpty()) {
      AutoCloseable service = started.pop();
      try {
        service.close();
      } catch (Exception e) {
        LOG.warn("Stopping {} failed: {}", service.getClass().getSimpleName(), e.getMessage());
      }
    }
  }
}
