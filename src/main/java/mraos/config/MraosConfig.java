package mraos.config;

import io.vertx.core.json.JsonObject;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
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
    Path plantModel,
    HttpConfig http,
    DatabaseConfig database,
    KafkaConfig kafka,
    SecurityConfig security,
    AuditConfig audit,
    ClusterConfig cluster,
    ErpConfig erp,
    ExternalSystem mes,
    String mesWorkOrderStartPath,
    OpcUaConfig opcua,
    ExternalSystem hr,
    ExternalSystem inventory,
    OutboundConfig outbound,
    SchedulerConfig scheduler,
    MqttConfig mqtt,
    LinesConfig lines,
    SimulationConfig simulation,
    JsonObject json) {

  public static MraosConfig from(JsonObject json) {
    Settings root = Settings.of(json);
    return new MraosConfig(
        NodeConfig.from(root.section("node")),
        ZoneId.of(root.section("plant").string("time-zone")),
        Path.of(root.section("plant").string("model")),
        HttpConfig.from(root.section("http")),
        DatabaseConfig.from(root.section("database")),
        KafkaConfig.from(root.section("kafka")),
        SecurityConfig.from(root.section("security")),
        AuditConfig.from(root.section("audit")),
        ClusterConfig.from(root.section("cluster")),
        ErpConfig.from(root.section("erp")),
        ExternalSystem.from("MES", root.section("mes")),
        root.section("mes").section("paths").string("work-order-start"),
        OpcUaConfig.from(root.section("mes").section("opcua")),
        ExternalSystem.from("HR", root.section("hr")),
        ExternalSystem.from("INVENTORY", root.section("inventory")),
        OutboundConfig.from(root.section("outbound")),
        SchedulerConfig.from(root.section("scheduler")),
        MqttConfig.from(root.section("mqtt")),
        LinesConfig.from(root.section("lines")),
        SimulationConfig.from(root.section("simulation")),
        json);
  }

  /** An external system by name: ERP, MES, HR or INVENTORY. */
  public ExternalSystem system(String name) {
    return switch (name) {
      case "ERP" -> erp.system();
      case "MES" -> mes;
      case "HR" -> hr;
      case "INVENTORY" -> inventory;
      default -> throw new IllegalArgumentException("Unknown external system " + name);
    };
  }

  /** The external systems, by the names MRAOS knows them by (outbound paths, audit rows, dead letters). */
  public static final String ERP = "ERP";
  public static final String MES = "MES";
  public static final String HR = "HR";
  public static final String INVENTORY = "INVENTORY";
  public static final java.util.List<String> EXTERNAL_SYSTEMS = java.util.List.of(ERP, MES, HR, INVENTORY);

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

  public record HttpConfig(String host, int port, int instances, int maxBodyBytes, int maxInFlight) {
    static HttpConfig from(Settings s) {
      int instances = s.integer("instances", 0, 256);
      return new HttpConfig(s.string("host"), s.integer("port", 0, 65535),
          instances == 0 ? Runtime.getRuntime().availableProcessors() : instances,
          s.integer("max-body-bytes", 1024, 256 * 1024 * 1024), s.integer("max-in-flight", 0, 1_000_000));
    }
  }

  public record DatabaseConfig(String url, String user, String password, int poolSize, int batchPoolSize, int embeddedPort,
                               boolean embeddedFsync) {
    static DatabaseConfig from(Settings s) {
      return new DatabaseConfig(s.string("url").trim(), s.string("user"), s.string("password"),
          s.integer("pool-size", 1, 1000), s.integer("batch-pool-size", 1, 1000), s.integer("embedded-port", 0, 65535),
          s.bool("embedded-fsync"));
    }

    public boolean embedded() {
      return url.isEmpty();
    }

    @Override
    public String toString() {
      return "DatabaseConfig[url=" + url + ", user=" + user + ", poolSize=" + poolSize + ", batchPoolSize=" + batchPoolSize + "]";
    }
  }

  public record KafkaConfig(String bootstrapServers, int embeddedPort, int embeddedControllerPort,
                            String workOrdersTopic, String resourceStatusTopic, String integrationFailuresTopic,
                            int outboxBatchSize, int outboxPollIntervalMs, int outboxRetryBackoffMs, int outboxCoalesceMs,
                            int lingerMs, int deliveryTimeoutMs, int healthCheckIntervalMs) {
    static KafkaConfig from(Settings s) {
      Settings topics = s.section("topics");
      Settings outbox = s.section("outbox");
      Settings producer = s.section("producer");
      return new KafkaConfig(s.string("bootstrap-servers").trim(),
          s.integer("embedded-port", 0, 65535), s.integer("embedded-controller-port", 0, 65535),
          topics.string("work-orders"), topics.string("resource-status"), topics.string("integration-failures"),
          outbox.integer("batch-size", 1, 100_000), outbox.integer("poll-interval-ms", 10, 3_600_000),
          outbox.integer("retry-backoff-ms", 10, 3_600_000), outbox.integer("coalesce-ms", 0, 10_000),
          producer.integer("linger-ms", 0, 60_000), producer.integer("delivery-timeout-ms", 1_000, 3_600_000),
          s.integer("health-check-interval-ms", 100, 3_600_000));
    }

    public boolean embedded() {
      return bootstrapServers.isEmpty();
    }
  }

  public record SecurityConfig(String issuer, String audience, List<String> clientIdClaims, int leewaySeconds,
                               Set<String> knownClients, Set<String> erpAllowedClients, String erpRequiredScope,
                               Set<String> supervisorClients, Set<String> integrationAdminClients,
                               int requestsPerMinute, int discoveryRetryMs, EmbeddedIssuerConfig embeddedIssuer) {
    static SecurityConfig from(Settings s) {
      Settings erp = s.section("erp");
      return new SecurityConfig(s.string("issuer").trim(), s.string("audience"), s.strings("client-id-claims"),
          s.integer("leeway-seconds", 0, 3600), Set.copyOf(s.strings("known-clients")),
          Set.copyOf(erp.strings("allowed-clients")), erp.string("required-scope").trim(),
          Set.copyOf(s.strings("supervisor-clients")), Set.copyOf(s.strings("integration-admin-clients")),
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

  public record ClusterConfig(boolean enabled, Path configFile, List<String> members, String host,
                              Duration singletonCheckInterval, Duration singletonLease) {
    static ClusterConfig from(Settings s) {
      Duration interval = s.duration("singleton-check-interval");
      Duration lease = s.duration("singleton-lease");
      if (lease.compareTo(interval.multipliedBy(2)) < 0) {
        throw new IllegalArgumentException("cluster.singleton-lease (" + lease + ") must be at least twice"
            + " cluster.singleton-check-interval (" + interval + "): each check renews the lease");
      }
      return new ClusterConfig(s.bool("enabled"), Path.of(s.string("config")), s.strings("members"), s.string("host"),
          interval, lease);
    }
  }

  /** How MRAOS reaches one external system: where, how long it waits, how it authenticates. */
  public record ExternalSystem(String name, String baseUrl, Duration requestTimeout, Auth auth) {
    static ExternalSystem from(String name, Settings s) {
      String base = s.string("base-url").trim();
      return new ExternalSystem(name, base.endsWith("/") ? base.substring(0, base.length() - 1) : base,
          s.duration("request-timeout"), Auth.from(s.section("auth")));
    }

    public boolean connected() {
      return !baseUrl.isEmpty();
    }
  }

  /** oauth2 (client credentials), basic, api-key or none; secrets read from the value or its -file. */
  public record Auth(String type, String tokenUrl, String clientId, String clientSecret, String scope, String username,
                     String password, String header, String key) {
    static Auth from(Settings s) {
      String type = s.string("type");
      return switch (type) {
        case "oauth2" -> new Auth(type, s.string("token-url").trim(), s.string("client-id"), s.secret("client-secret"),
            s.string("scope"), "", "", "", "");
        case "basic" -> new Auth(type, "", "", "", "", s.string("username"), s.secret("password"), "", "");
        case "api-key" -> new Auth(type, "", "", "", "", "", "", s.string("header"), s.secret("key"));
        case "none" -> new Auth(type, "", "", "", "", "", "", "", "");
        default -> throw new IllegalArgumentException("Unknown auth type '" + type + "' (oauth2, basic, api-key or none)");
      };
    }

    @Override
    public String toString() {
      return "Auth[" + type + (clientId.isEmpty() ? "" : ", client " + clientId) + (username.isEmpty() ? "" : ", user " + username)
          + "]"; // never the secrets
    }
  }

  public record ErpConfig(ExternalSystem system, String completionReportPath, String consumptionReportPath,
                          String materialsPath, String workOrdersPath, int pageSize, String consumptionDropDir,
                          String consumptionFileFormat, IntakeConfig intake) {
    static ErpConfig from(Settings s) {
      Settings paths = s.section("paths");
      Settings batch = s.section("consumption-batch");
      String format = batch.string("format");
      if (!format.equals("json") && !format.equals("csv")) {
        throw new IllegalArgumentException("Configuration erp.consumption-batch.format must be json or csv");
      }
      return new ErpConfig(ExternalSystem.from("ERP", s), paths.string("completion-report"), paths.string("consumption-report"),
          paths.string("materials"), paths.string("work-orders"), s.integer("page-size", 1, 10_000),
          batch.string("drop-dir").trim(), format, IntakeConfig.from(s.section("intake")));
    }
  }

  /**
   * How ERP's new work orders are stored: up to {@code batchSize} orders per statement, at most
   * {@code statementsInFlight} statements at once per node (orders arriving meanwhile gather for the next).
   */
  public record IntakeConfig(int batchSize, int statementsInFlight) {
    /** Each order in a statement of its own, as soon as it comes. */
    public static final IntakeConfig ONE_AT_A_TIME = new IntakeConfig(1, Integer.MAX_VALUE);

    static IntakeConfig from(Settings s) {
      return new IntakeConfig(s.integer("batch-size", 1, 1_000), s.integer("statements-in-flight", 1, 1_000));
    }
  }

  /** The MES's MQTT broker and the lines' sessions on it. */
  public record MqttConfig(String url, String username, String password, String clientIdPrefix, List<Duration> reconnectDelays,
                           Duration keepAlive, int embeddedPort) {
    static MqttConfig from(Settings s) {
      List<Duration> delays = s.durations("reconnect-delays");
      if (delays.isEmpty()) {
        throw new IllegalArgumentException("Configuration mqtt.reconnect-delays needs at least one delay");
      }
      return new MqttConfig(s.string("url").trim(), s.string("username"), s.secret("password"), s.string("client-id-prefix"),
          delays, s.duration("keep-alive"), s.integer("embedded-port", 0, 65535));
    }

    public boolean embedded() {
      return url.isEmpty();
    }

    @Override
    public String toString() {
      return "MqttConfig[" + url + (username.isEmpty() ? "" : ", user " + username) + "]";
    }
  }

  /** {@code progressInterval} zero: a progress event per work order with every batch. */
  public record LinesConfig(Duration batchWindow, int batchSize, int bufferLimit, Duration retryDelay, Duration maxMessageAge,
                            Duration progressInterval, int countStatementsInFlight, Duration drainTimeout) {
    static LinesConfig from(Settings s) {
      return new LinesConfig(s.duration("batch-window"), s.integer("batch-size", 1, 100_000),
          s.integer("buffer-limit", 1, 1_000_000), s.duration("retry-delay"), s.duration("max-message-age"),
          s.duration("progress-interval"), s.integer("count-statements-in-flight", 1, 64), s.duration("drain-timeout"));
    }
  }

  /**
   * The MES's OPC UA endpoints and how MRAOS subscribes to them. {@code certificateDir} empty means
   * {@code <node.data-dir>/opcua}; see {@link #certificateDir(NodeConfig)}.
   */
  public record OpcUaConfig(Duration publishingInterval, Duration keepAlive, Duration samplingInterval,
                            Duration requestTimeout, Duration reconnectMin, Duration reconnectMax, Duration rediscoverAfter,
                            String namespaceUri, String certificateDir, String keystorePassword,
                            Map<String, OpcUaEndpoint> endpoints) {
    static OpcUaConfig from(Settings s) {
      Map<String, OpcUaEndpoint> endpoints = new LinkedHashMap<>();
      Settings section = s.section("endpoints");
      for (String name : section.json().fieldNames()) {
        Settings e = section.section(name);
        String mode = e.string("security-mode");
        if (!mode.equals("None") && !mode.equals("SignAndEncrypt")) {
          throw new IllegalArgumentException("Configuration mes.opcua.endpoints." + name + ".security-mode must be None or SignAndEncrypt");
        }
        endpoints.put(name, new OpcUaEndpoint(name, e.string("url").trim(), mode, e.string("username"), e.secret("password"),
            e.strings("machines")));
      }
      Duration reconnectMin = positive(s, "reconnect-backoff-min");
      Duration reconnectMax = positive(s, "reconnect-backoff-max");
      if (reconnectMax.compareTo(reconnectMin) < 0) {
        throw new IllegalArgumentException("Configuration mes.opcua.reconnect-backoff-max must not be shorter than reconnect-backoff-min");
      }
      return new OpcUaConfig(positive(s, "publishing-interval"), positive(s, "keep-alive"), positive(s, "sampling-interval"),
          positive(s, "request-timeout"), reconnectMin, reconnectMax, positive(s, "rediscover-after"), s.string("namespace-uri"),
          s.string("certificate-dir").trim(), s.secret("keystore-password"), Map.copyOf(endpoints));
    }

    private static Duration positive(Settings s, String key) {
      Duration d = s.duration(key);
      if (d.isZero() || d.isNegative()) {
        throw new IllegalArgumentException("Configuration mes.opcua." + key + " must be longer than 0");
      }
      return d;
    }

    /** Where the endpoints' client certificates and pinned server certificates live. */
    public Path certificateDir(NodeConfig node) {
      return certificateDir.isEmpty() ? node.dataDir().resolve("opcua") : Path.of(certificateDir);
    }

    @Override
    public String toString() {
      return "OpcUaConfig[publishingInterval=" + publishingInterval + ", keepAlive=" + keepAlive + ", namespaceUri="
          + namespaceUri + ", endpoints=" + endpoints.values() + "]"; // never the keystore password
    }
  }

  public record OpcUaEndpoint(String name, String url, String securityMode, String username, String password,
                              List<String> machines) {
    public boolean connected() {
      return !url.isEmpty();
    }

    public boolean signAndEncrypt() {
      return securityMode.equals("SignAndEncrypt");
    }

    @Override
    public String toString() {
      return "OpcUaEndpoint[" + name + ", " + url + ", " + securityMode + (username.isEmpty() ? "" : ", user " + username) + "]";
    }
  }

  /** How often the scheduler looks at the clock, and each job's schedule as written ("daily at 23:00"). */
  public record SchedulerConfig(Duration tick, Map<String, String> jobs) {
    static SchedulerConfig from(Settings s) {
      Map<String, String> jobs = new LinkedHashMap<>();
      Settings section = s.section("jobs");
      section.json().fieldNames().forEach(name -> jobs.put(name, section.string(name)));
      return new SchedulerConfig(s.duration("tick"), Map.copyOf(jobs));
    }
  }

  /** The retry schedule by error class (spec §7.1), the breakers and the queue. */
  public record OutboundConfig(int unauthorizedRetries, Duration rateLimitedInitial, Duration rateLimitedMax,
                               int rateLimitedRetries, List<Duration> notFound, List<Duration> serverError,
                               List<Duration> timeout, List<Duration> networkError, int breakerMaxFailures,
                               Duration breakerResetTimeout, Duration tokenRefreshBeforeExpiry, int maxInFlight,
                               Duration pollInterval) {
    static OutboundConfig from(Settings s) {
      Settings retry = s.section("retry");
      return new OutboundConfig(retry.integer("unauthorized-retries", 0, 10), retry.duration("rate-limited-initial"),
          retry.duration("rate-limited-max"), retry.integer("rate-limited-retries", 0, 100), retry.durations("not-found"),
          retry.durations("server-error"), retry.durations("timeout"), retry.durations("network-error"),
          s.integer("breaker-max-failures", 1, 1000), s.duration("breaker-reset-timeout"),
          s.duration("token-refresh-before-expiry"), s.integer("max-in-flight", 1, 1000), s.duration("poll-interval"));
    }
  }

  /**
   * The simulated plant {@code --simulate} starts beside the node: its stand-ins' ports, which OPC UA endpoint points at
   * it, which machines run and how fast, how often they inspect and break down, and the clients it gets tokens as.
   * Rates are "one in N" so that they stay whole numbers.
   */
  public record SimulationConfig(int erpPort, int mesPort, int opcuaPort, String opcuaEndpoint, List<String> machines,
                                 Duration cycleTime, int workOrderQuantityMin, int workOrderQuantityMax, int inspectionEvery,
                                 int defectOneIn, int breakdownOneIn, Duration repairTimeMin, Duration repairTimeMax,
                                 Duration summaryInterval, int recordingsKept, long seed, String erpClientId,
                                 String erpClientSecret, String supervisorClientId, String supervisorClientSecret) {
    static SimulationConfig from(Settings s) {
      Duration cycleTime = s.duration("cycle-time");
      if (cycleTime.isZero() || cycleTime.isNegative()) {
        throw new IllegalArgumentException("Configuration simulation.cycle-time must be longer than 0");
      }
      int quantityMin = s.integer("work-order-quantity-min", 1, 1_000_000);
      int quantityMax = s.integer("work-order-quantity-max", 1, 1_000_000);
      if (quantityMax < quantityMin) {
        throw new IllegalArgumentException("Configuration simulation.work-order-quantity-max must not be below work-order-quantity-min");
      }
      Duration repairMin = s.duration("repair-time-min");
      Duration repairMax = s.duration("repair-time-max");
      if (repairMax.compareTo(repairMin) < 0) {
        throw new IllegalArgumentException("Configuration simulation.repair-time-max must not be shorter than repair-time-min");
      }
      return new SimulationConfig(s.integer("erp-port", 0, 65535), s.integer("mes-port", 0, 65535),
          s.integer("opcua-port", 0, 65535), s.string("opcua-endpoint").trim(), s.strings("machines"), cycleTime,
          quantityMin, quantityMax, s.integer("inspection-every", 1, 1_000_000), s.integer("defect-one-in", 1, 1_000_000),
          s.integer("breakdown-one-in", 1, 100_000_000), repairMin, repairMax, s.duration("summary-interval"),
          s.integer("recordings-kept", 1, 1_000_000), s.integer("seed", Integer.MIN_VALUE, Integer.MAX_VALUE),
          s.string("erp-client-id"), s.string("erp-client-secret"), s.string("supervisor-client-id"),
          s.string("supervisor-client-secret"));
    }

    @Override
    public String toString() {
      return "SimulationConfig[erp :" + erpPort + ", mes :" + mesPort + ", opcua :" + opcuaPort + ", cycle " + cycleTime
          + ", machines " + (machines.isEmpty() ? "all" : machines) + "]"; // never the secrets
    }
  }
}
