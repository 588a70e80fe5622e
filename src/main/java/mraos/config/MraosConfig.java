package mraos.config;

import io.vertx.core.json.JsonObject;

import java.nio.file.Path;
import java.time.ZoneId;
import java.util.Map;

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
    FailuresConfig failures,
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
        FailuresConfig.from(root.section("failures")),
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
}
