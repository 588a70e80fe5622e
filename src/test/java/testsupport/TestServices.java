package testsupport;

import mraos.config.ConfigLoader;
import mraos.config.MraosConfig;
import mraos.embedded.EmbeddedDatabase;
import mraos.embedded.EmbeddedIssuer;
import mraos.embedded.EmbeddedKafka;
import mraos.embedded.EmbeddedMosquitto;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The real services every test shares, started once per test JVM: PostgreSQL (zonky), a Kafka broker (KRaft), the MES's
 * MQTT broker (Mosquitto, as a node runs it by default) and the OAuth 2.0 issuer, on free loopback ports. Test classes start MRAOS nodes against them with {@link #nodeConfig}.
 */
public final class TestServices {

  private static TestServices instance;
  private static final AtomicInteger NODES = new AtomicInteger();

  public final Path root;
  public final EmbeddedDatabase database;
  public final EmbeddedKafka kafka;
  public final EmbeddedIssuer issuer;
  public final EmbeddedMosquitto mqtt;
  private final MraosConfig base;

  private TestServices() throws Exception {
    root = Files.createTempDirectory("mraos-test-");
    MraosConfig defaults = MraosConfig.from(ConfigLoader.defaults());
    // a throw-away database: no fsync, so commits cost no disk flush (the node's default is durable)
    database = EmbeddedDatabase.start(root.resolve("postgres"), 0, defaults.database().user(), defaults.database().password(),
        true, false);
    kafka = startKafka(root.resolve("kafka"));
    mqtt = EmbeddedMosquitto.start(root.resolve("mqtt"), new EmbeddedMosquitto.Settings(defaults.mqtt().embeddedMosquitto(),
        Ports.free(), defaults.mqtt().embeddedAutosaveInterval(), defaults.mqtt().embeddedMaxInflight(), defaults.mqtt().maxPacketSize()));
    MraosConfig withIssuerPort = defaults.with(Map.of("security.embedded-issuer.port", Ports.free()));
    issuer = EmbeddedIssuer.start(withIssuerPort.security().embeddedIssuer(), defaults.security().audience());
    base = withIssuerPort.with(Map.ofEntries(
        Map.entry("database.url", database.url()),
        Map.entry("kafka.bootstrap-servers", kafka.bootstrapServers()),
        Map.entry("security.issuer", issuer.issuerUrl()),
        Map.entry("mqtt.url", mqtt.url()),
        Map.entry("node.data-dir", root.resolve("node").toString()),
        Map.entry("http.instances", 2),
        // tests send far more than a real ERP would; RateLimitTest sets its own limit
        Map.entry("security.rate-limit.requests-per-minute", 1_000_000),
        Map.entry("kafka.outbox.poll-interval", "200ms"),
        Map.entry("kafka.outbox.retry-backoff", "300ms"),
        // a node that takes over a singleton from one that vanished waits out the lease: keep it short here
        Map.entry("cluster.singleton-lease", "1s"),
        Map.entry("cluster.singleton-check-interval", "250ms"),
        // the tests' unclustered nodes share this database on purpose (one test class after another, sometimes two at
        // once); the tests of the refusal turn it back on
        Map.entry("cluster.require-cluster-when-shared", false),
        // clustered tests join only nodes of this test JVM, not those of another test run on the same machine
        Map.entry("cluster.name", "mraos-test-" + ProcessHandle.current().pid()),
        // schedules run only where a test asks for them (by its own clock), never by the wall clock of a shared database
        Map.entry("scheduler.jobs.erp-consumption-batch", "off"),
        Map.entry("scheduler.jobs.erp-material-master-pull", "off"),
        Map.entry("scheduler.jobs.erp-reconciliation", "off"),
        Map.entry("scheduler.jobs.hr-employee-sync", "off"),
        Map.entry("scheduler.jobs.hr-schedule-sync", "off"),
        Map.entry("scheduler.jobs.hr-hours-report", "off"),
        Map.entry("scheduler.jobs.inventory-stock-pull", "off"),
        // the CDC replica runs only in the tests that feed it (each on a topic and consumer group of its own)
        Map.entry("inventory.cdc.enabled", false)));
    Runtime.getRuntime().addShutdownHook(new Thread(this::stop, "test-services-stop"));
  }

  /** Another process may take a free port before the broker binds it: try again on other ports. */
  public static EmbeddedKafka startKafka(Path dir) throws Exception {
    for (int attempt = 1; ; attempt++) {
      try {
        return EmbeddedKafka.start(dir, Ports.free(), Ports.free());
      } catch (RuntimeException e) {
        if (attempt == 3) {
          throw e;
        }
        try (var paths = Files.walk(dir)) {
          paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    }
  }

  public static synchronized TestServices get() {
    if (instance == null) {
      try {
        instance = new TestServices();
      } catch (Exception e) {
        throw new IllegalStateException("Could not start the test services", e);
      }
    }
    return instance;
  }

  /** Configuration of a node using the shared services, on its own free HTTP port, with these keys changed. */
  public MraosConfig nodeConfig(Map<String, Object> overrides) {
    Map<String, Object> changes = new HashMap<>();
    changes.put("http.port", Ports.free());
    changes.put("node.name", "test-node-" + NODES.incrementAndGet());
    changes.putAll(overrides);
    return base.with(changes);
  }

  public MraosConfig nodeConfig() {
    return nodeConfig(Map.of());
  }

  private void stop() {
    try {
      issuer.close();
      mqtt.close();
      kafka.close();
      database.close();
      try (var paths = Files.walk(root)) {
        paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    } catch (Exception ignored) {
      // the JVM is ending
    }
  }
}
