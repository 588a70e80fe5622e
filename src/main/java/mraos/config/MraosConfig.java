package mraos.config;

import io.vertx.core.json.JsonObject;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A node's whole configuration, parsed and validated once. Verticles receive {@link #json()} as their deployment
 * config (so HA can redeploy them on another node) and parse it again with {@link #from(JsonObject)}.
 */
public record MraosConfig(
    NodeConfig node,
    ZoneId plantTimeZone,
    HttpConfig http,
    DatabaseConfig database,
    KafkaConfig kafka,
    SecurityConfig security,
    AuditConfig audit,
    ClusterConfig cluster,
    JsonObject json) {

  public static MraosConfig from(JsonObject json) {
    Settings root = Settings.of(json);
    return new MraosConfig(
        NodeConfig.from(root.section("node")),
        ZoneId.of(root.section("plant").string("time-zone")),
        HttpConfig.from(root.section("http")),
        DatabaseConfig.from(root.section("database")),
        KafkaConfig.from(root.section("kafka")),
        SecurityConfig.from(root.section("security")),
        AuditConfig.from(root.section("audit")),
        ClusterConfig.from(root.section("cluster")),
        json);
  }

  /** Name of this node's Micrometer registry (several nodes may share a JVM in tests). */
  public String metricsRegistryName() {
    return "mraos-" + node.name();
  }

  /** A copy of this configuration with some keys changed (dotted paths), validated again. */
  public MraosConfig with(Map<String, Object> changes) {
    JsonObject copy = json.copy();
    changes.forEach((path, value) -> {
      String[] parts = path.split("\\.");
      JsonObject target = copy;
      for (int i = 0; i < parts.length - 1; i++) {
        target = target.getJsonObject(parts[i]);
        if (target == null) {
          throw new IllegalArgumentException("Unknown configuration section in " + path);
        }
      }
      target.put(parts[parts.length - 1], value);
    });
    return from(copy);
  }

  public record NodeConfig(String name, Path dataDir) {
    static NodeConfig from(Settings s) {
      String name = s.string("name");
      if (name.isBlank()) {
        name = hostName() + "-" + ManagementFactory.getRuntimeMXBean().getPid();
      }
      return new NodeConfig(name, Path.of(s.string("data-dir")));
    }

    private static String hostName() {
      try {
        return InetAddress.getLocalHost().getHostName();
      } catch (Exception e) {
        return "mraos";
      }
    }
  }

  public record HttpConfig(String host, int port, int instances, int maxBodyBytes) {
    static HttpConfig from(Settings s) {
      int instances = s.integer("instances", 0, 256);
      return new HttpConfig(s.string("host"), s.integer("port", 0, 65535),
          instances == 0 ? Runtime.getRuntime().availableProcessors() : instances,
          s.integer("max-body-bytes", 1024, 256 * 1024 * 1024));
    }
  }

  public record DatabaseConfig(String url, String user, String password, int poolSize, int embeddedPort) {
    static DatabaseConfig from(Settings s) {
      return new DatabaseConfig(s.string("url").trim(), s.string("user"), s.string("password"),
          s.integer("pool-size", 1, 1000), s.integer("embedded-port", 0, 65535));
    }

    public boolean embedded() {
      return url.isEmpty();
    }

    @Override
    public String toString() {
      return "DatabaseConfig[url=" + url + ", user=" + user + ", poolSize=" + poolSize + "]";
    }
  }

  public record KafkaConfig(String bootstrapServers, int embeddedPort, int embeddedControllerPort,
                            String workOrdersTopic, String integrationFailuresTopic,
                            int outboxBatchSize, int outboxPollIntervalMs, int outboxRetryBackoffMs,
                            int lingerMs, int deliveryTimeoutMs, int healthCheckIntervalMs) {
    static KafkaConfig from(Settings s) {
      Settings topics = s.section("topics");
      Settings outbox = s.section("outbox");
      Settings producer = s.section("producer");
      return new KafkaConfig(s.string("bootstrap-servers").trim(),
          s.integer("embedded-port", 0, 65535), s.integer("embedded-controller-port", 0, 65535),
          topics.string("work-orders"), topics.string("integration-failures"),
          outbox.integer("batch-size", 1, 100_000), outbox.integer("poll-interval-ms", 10, 3_600_000),
          outbox.integer("retry-backoff-ms", 10, 3_600_000),
          producer.integer("linger-ms", 0, 60_000), producer.integer("delivery-timeout-ms", 1_000, 3_600_000),
          s.integer("health-check-interval-ms", 100, 3_600_000));
    }

    public boolean embedded() {
      return bootstrapServers.isEmpty();
    }
  }

  public record SecurityConfig(String issuer, String audience, List<String> clientIdClaims, int leewaySeconds,
                               Set<String> knownClients, Set<String> erpAllowedClients, String erpRequiredScope,
                               int requestsPerMinute, int discoveryRetryMs, EmbeddedIssuerConfig embeddedIssuer) {
    static SecurityConfig from(Settings s) {
      Settings erp = s.section("erp");
      return new SecurityConfig(s.string("issuer").trim(), s.string("audience"), s.strings("client-id-claims"),
          s.integer("leeway-seconds", 0, 3600), Set.copyOf(s.strings("known-clients")),
          Set.copyOf(erp.strings("allowed-clients")), erp.string("required-scope").trim(),
          s.section("rate-limit").integer("requests-per-minute", 1, 10_000_000),
          s.integer("discovery-retry-ms", 100, 3_600_000),
          EmbeddedIssuerConfig.from(s.section("embedded-issuer")));
    }

    public boolean embeddedIssuerWanted() {
      return issuer.isEmpty();
    }

    /** The issuer tokens must come from: the configured one, else the embedded one. */
    public String effectiveIssuer() {
      return issuer.isEmpty() ? embeddedIssuer.issuerUrl() : issuer;
    }
  }

  public record EmbeddedIssuerConfig(int port, String issuerId, int tokenLifetimeSeconds, Map<String, DevClient> clients) {
    static EmbeddedIssuerConfig from(Settings s) {
      Map<String, DevClient> clients = new LinkedHashMap<>();
      Settings section = s.section("clients");
      for (String id : section.json().fieldNames()) {
        Settings client = section.section(id);
        clients.put(id, new DevClient(id, client.string("secret"), Set.copyOf(client.strings("scopes"))));
      }
      return new EmbeddedIssuerConfig(s.integer("port", 0, 65535), s.string("issuer-id"),
          s.integer("token-lifetime-seconds", 10, 86_400), Map.copyOf(clients));
    }

    public String issuerUrl() {
      return "http://localhost:" + port + "/" + issuerId;
    }
  }

  public record DevClient(String id, String secret, Set<String> scopes) {
    @Override
    public String toString() {
      return "DevClient[" + id + ", scopes=" + scopes + "]";
    }
  }

  public record AuditConfig(int batchSize, int flushIntervalMs, int maxPayloadChars) {
    static AuditConfig from(Settings s) {
      return new AuditConfig(s.integer("batch-size", 1, 10_000), s.integer("flush-interval-ms", 1, 60_000),
          s.integer("max-payload-chars", 256, 10_000_000));
    }
  }

  public record ClusterConfig(boolean enabled, Path configFile, List<String> members, String host) {
    static ClusterConfig from(Settings s) {
      return new ClusterConfig(s.bool("enabled"), Path.of(s.string("config")), s.strings("members"), s.string("host"));
    }
  }
}
