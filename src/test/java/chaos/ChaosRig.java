package chaos;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import mraos.config.ConfigLoader;
import mraos.config.MraosConfig;
import mraos.embedded.EmbeddedKafka;
import simulators.Access;
import simulators.ErpSimulator;
import simulators.MesOpcUaServer;
import simulators.SystemSimulator;
import testsupport.Db;
import testsupport.Mosquitto;
import testsupport.NodeProcess;
import testsupport.OwnDatabase;
import testsupport.Ports;
import testsupport.TcpProxy;
import testsupport.TestServices;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The plant the chaos suite breaks, every part real and of its own: PostgreSQL, a Kafka broker (KRaft), Mosquitto
 * (persistence on, as a node runs it by default) as the MES's broker, the MES's OPC UA server and HTTP side, an ERP
 * stand-in, and three MRAOS nodes, each a JVM of its own ({@link NodeProcess}) in one Hazelcast cluster. Each node reaches
 * PostgreSQL through a relay of its own ({@link TcpProxy}), so one node can be cut off from it while the others are not.
 * Nodes run with the shipped defaults ({@code conf/mraos.yaml}) except where a setting below says why.
 *
 * <p>The plant: {@link #LINES} lines of {@link #MACHINES_PER_LINE} machines ({@code M-101}, {@code M-102}, ...).
 */
final class ChaosRig implements AutoCloseable {

  static final int LINES = 6;
  static final int MACHINES_PER_LINE = 3;
  static final List<String> NODES = List.of("chaos-1", "chaos-2", "chaos-3");
  static final String MES_PASSWORD = "mes-secret";

  final Path dir;
  final Vertx vertx = Vertx.vertx();
  final OwnDatabase database;
  final Db db;
  final Mosquitto broker;
  final Path brokerLog;
  final MesOpcUaServer opcua;
  final ErpSimulator erp;
  final SystemSimulator mesHttp;
  final Map<String, TcpProxy> databaseLinks = new LinkedHashMap<>();
  final Map<String, MraosConfig> configs = new LinkedHashMap<>();
  final Map<String, NodeProcess> nodes = new LinkedHashMap<>();
  private final Path kafkaDir;
  private final int kafkaPort = Ports.free();
  private final int kafkaControllerPort = Ports.free();
  private volatile EmbeddedKafka kafka;

  ChaosRig(Map<String, Object> settings) throws Exception {
    database = OwnDatabase.start("chaos");
    dir = database.dir;
    db = new Db(database.url(), "mraos", "mraos");
    kafkaDir = dir.resolve("kafka");
    kafka = EmbeddedKafka.start(kafkaDir, kafkaPort, kafkaControllerPort);
    broker = Mosquitto.start(dir.resolve("mqtt"), Ports.free());
    brokerLog = dir.resolve("mqtt").resolve("mosquitto.log");
    opcua = MesOpcUaServer.start(0, machines(), MesOpcUaServer.Options.of(defaults().opcua().namespaceUri()));
    erp = ErpSimulator.start(vertx, 0).await();
    mesHttp = SystemSimulator.start(vertx, "MES", 0, Access.basic("mraos", MES_PASSWORD)).await();
    mesHttp.router().post("/api/v1/work-orders/start").handler(ctx -> ctx.json(new JsonObject().put("status", "success")
        .put("mes_job_id", "JOB-" + System.nanoTime()).put("message", "started")));
    Path plant = writePlant(dir.resolve("plant.yaml"));
    for (String node : NODES) {
      TcpProxy link = TcpProxy.start(vertx, "127.0.0.1", database.port);
      databaseLinks.put(node, link);
      configs.put(node, nodeConfig(node, link, plant, settings));
    }
  }

  /** Every machine of the plant. */
  static List<String> machines() {
    List<String> machines = new ArrayList<>();
    for (int line = 1; line <= LINES; line++) {
      for (int m = 1; m <= MACHINES_PER_LINE; m++) {
        machines.add(machine(line, m));
      }
    }
    return machines;
  }

  static String machine(int line, int m) {
    return "M-" + line + String.format("%02d", m);
  }

  static String lineOf(String machine) {
    return "line" + machine.substring(2, machine.length() - 2);
  }

  private static MraosConfig defaults() {
    return MraosConfig.from(ConfigLoader.defaults());
  }

  private MraosConfig nodeConfig(String node, TcpProxy link, Path plant, Map<String, Object> settings) throws IOException {
    MraosConfig shipped = defaults();
    Map<String, Object> changes = new HashMap<>();
    changes.put("node.name", node);
    changes.put("node.data-dir", Files.createDirectories(dir.resolve(node)).toString());
    changes.put("plant.model", plant.toString());
    changes.put("database.url", "postgresql://127.0.0.1:" + link.port() + "/mraos");
    changes.put("kafka.bootstrap-servers", bootstrapServers());
    changes.put("mqtt.url", broker.url());
    changes.put("mes.base-url", mesHttp.baseUrl());
    changes.put("mes.auth.password", MES_PASSWORD);
    changes.put("mes.opcua.endpoints.mes-main.url", opcua.url());
    changes.put("erp.base-url", erp.baseUrl());
    changes.put("cluster.enabled", true);
    // the shipped timing of the cluster, not the shorter one TestServices gives the other tests' nodes
    changes.put("cluster.singleton-lease", shipped.cluster().singletonLease().toMillis() + "ms");
    changes.put("cluster.singleton-check-interval", shipped.cluster().singletonCheckInterval().toMillis() + "ms");
    changes.put("cluster.require-cluster-when-shared", true);
    // three JVMs and every service on one small machine: one gateway instance each
    changes.put("http.instances", 1);
    changes.putAll(settings);
    return TestServices.get().nodeConfig(changes);
  }

  /** The plant model: {@link #LINES} lines of {@link #MACHINES_PER_LINE} machines. */
  private static Path writePlant(Path file) throws IOException {
    StringBuilder yaml = new StringBuilder("lines:\n");
    for (int line = 1; line <= LINES; line++) {
      yaml.append("  - id: line").append(line).append("\n    name: Line ").append(line).append("\n    machines:\n");
      for (int m = 1; m <= MACHINES_PER_LINE; m++) {
        yaml.append("      - {id: ").append(machine(line, m)).append(", name: Machine ").append(machine(line, m))
            .append(", type: press}\n");
      }
    }
    return Files.writeString(file, yaml.toString());
  }

  String bootstrapServers() {
    return "127.0.0.1:" + kafkaPort;
  }

  /** Starts the three nodes one after the other (each ready before the next). */
  void startNodes() throws IOException {
    for (String node : NODES) {
      start(node);
    }
  }

  NodeProcess start(String node) throws IOException {
    NodeProcess process = NodeProcess.start(configs.get(node));
    nodes.put(node, process);
    return process;
  }

  NodeProcess node(String name) {
    return nodes.get(name);
  }

  /** Any node that is up, for reading the cluster's picture. */
  NodeProcess anyLive() {
    return nodes.values().stream().filter(NodeProcess::alive).findFirst().orElseThrow();
  }

  /** Lines of the nodes' logs (every run of each node, appended) that contain this text. */
  long logLines(String text) throws IOException {
    long lines = 0;
    for (NodeProcess node : nodes.values()) {
      try (var log = Files.lines(node.log, java.nio.charset.StandardCharsets.ISO_8859_1)) {
        lines += log.filter(line -> line.contains(text)).count();
      }
    }
    return lines;
  }

  void stopKafka() {
    kafka.close();
    kafka = null;
  }

  void startKafka() throws Exception {
    kafka = EmbeddedKafka.start(kafkaDir, kafkaPort, kafkaControllerPort);
  }

  @Override
  public void close() {
    nodes.values().forEach(NodeProcess::close);
    databaseLinks.values().forEach(TcpProxy::close);
    try {
      opcua.close();
    } catch (Exception ignored) {
      // the suite is over
    }
    broker.close();
    if (kafka != null) {
      kafka.close();
    }
    vertx.close().await();
    database.close();
  }
}
