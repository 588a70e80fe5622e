package mraos.embedded;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A single-node Kafka broker (KRaft, broker and controller in one) inside this JVM, for nodes without a Kafka cluster. */
public final class EmbeddedKafka implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

  private final KafkaRaftServer server;
  private final int port;

  private EmbeddedKafka(KafkaRaftServer server, int port) {
    this.server = server;
    this.port = port;
  }

  /** Formats {@code dataDir} the first time (kept afterwards, so topics and offsets survive a restart) and starts. */
  public static EmbeddedKafka start(Path dataDir, int port, int controllerPort) throws Exception {
    Files.createDirectories(dataDir);
    String logDir = dataDir.toAbsolutePath().toString();
    Map<String, Object> props = new HashMap<>();
    props.put("process.roles", "broker,controller");
    props.put("node.id", "1");
    props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
    props.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
    props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
    props.put("controller.listener.names", "CONTROLLER");
    props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    props.put("inter.broker.listener.name", "PLAINTEXT");
    props.put("log.dirs", logDir);
    props.put("num.partitions", "4");
    props.put("auto.create.topics.enable", "true");
    props.put("offsets.topic.replication.factor", "1");
    props.put("offsets.topic.num.partitions", "4");
    props.put("transaction.state.log.replication.factor", "1");
    props.put("transaction.state.log.min.isr", "1");
    props.put("share.coordinator.state.topic.replication.factor", "1");
    props.put("share.coordinator.state.topic.min.isr", "1");
    props.put("group.initial.rebalance.delay.ms", "0");
    KafkaConfig config = new KafkaConfig(props);

    if (!Files.exists(dataDir.resolve("meta.properties"))) {
      format(logDir);
    }
    KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
    try {
      server.startup();
    } catch (RuntimeException e) {
      server.shutdown(); // a half-started broker (e.g. its port was taken) must not linger
      throw e;
    }
    LOG.info("Embedded Kafka broker listening on 127.0.0.1:{}, data in {}", port, logDir);
    return new EmbeddedKafka(server, port);
  }

  /** First start only: later starts find the storage (and its cluster id) as they left it. */
  private static void format(String logDir) throws Exception {
    ByteArrayOutputStream formatterOutput = new ByteArrayOutputStream();
    new Formatter()
        .setPrintStream(new PrintStream(formatterOutput, true, StandardCharsets.UTF_8))
        .setClusterId(Uuid.randomUuid().toString())
        .setNodeId(1)
        .setControllerListenerName("CONTROLLER")
        .setMetadataLogDirectory(logDir)
        .setDirectories(List.of(logDir))
        .setReleaseVersion(MetadataVersion.latestProduction())
        .run();
    LOG.debug("Kafka storage: {}", formatterOutput.toString(StandardCharsets.UTF_8).trim());
  }

  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  @Override
  public void close() {
    // the broker's shutdown closes its controller channel twice and warns about it; the node's own Kafka clients are
    // closed by now, so nothing else of that logger's is lost
    org.slf4j.Logger networkClient = LoggerFactory.getLogger("org.apache.kafka.clients.NetworkClient");
    if (networkClient instanceof ch.qos.logback.classic.Logger logback) {
      logback.setLevel(ch.qos.logback.classic.Level.ERROR);
    }
    server.shutdown();
    server.awaitShutdown();
  }
}
