package mraos.config;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** conf/mraos.yaml's defaults, a file of overrides, then MRAOS_* environment variables. */
class ConfigLoaderTest {

  @Test
  void defaultsAreTheDocumentedOnes() {
    MraosConfig config = MraosConfig.from(ConfigLoader.load(null, Map.of()));

    assertThat(config.http().port()).isEqualTo(8080);
    assertThat(config.database().embedded()).isTrue();
    assertThat(config.kafka().embedded()).isTrue();
    assertThat(config.security().effectiveIssuer()).isEqualTo("http://localhost:8180/mraos");
    assertThat(config.security().requestsPerMinute()).isEqualTo(100);
    assertThat(config.security().erpAllowedClients()).containsExactly("erp-connector");
    assertThat(config.security().embeddedIssuer().clients()).containsOnlyKeys(
        "erp-connector", "mes-connector", "hr-connector", "inventory-connector", "supervisor", "mraos");
    assertThat(config.http().instances()).isEqualTo(Runtime.getRuntime().availableProcessors());
  }

  /** Times that were constants in the code are settings now, their defaults the values the code had. */
  @Test
  void theTimesThatWereConstantsKeepTheirValues() {
    MraosConfig config = MraosConfig.from(ConfigLoader.defaults());

    assertThat(config.node().deployTimeout()).isEqualTo(Duration.ofSeconds(120));
    assertThat(config.node().stopTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.http().overCapacityRetryAfter()).isEqualTo(Duration.ofSeconds(1));
    assertThat(config.http().unavailableRetryAfter()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.http().healthCheckTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(config.kafka().healthCheckTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.security().discoveryTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.security().keyRefreshMinInterval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.lines().deadLetterRetryTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.outbound().claimLeaseMargin()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.outbound().connectTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.failures().figuresInterval()).isEqualTo(Duration.ofSeconds(15));
  }

  @Test
  void environmentVariablesOverrideAnyKeyWithItsType() {
    MraosConfig config = MraosConfig.from(ConfigLoader.load(null, Map.of(
        "MRAOS_HTTP_PORT", "9090",
        "MRAOS_DATABASE_POOL_SIZE", "4",
        "MRAOS_CLUSTER_ENABLED", "true",
        "MRAOS_SECURITY_ERP_ALLOWED_CLIENTS", "erp-connector, erp-batch",
        "MRAOS_SECURITY_EMBEDDED_ISSUER_CLIENTS_ERP_CONNECTOR_SECRET", "s3cret",
        "MRAOS_DATABASE_URL", "postgresql://db.plant.local:5432/mraos")));

    assertThat(config.http().port()).isEqualTo(9090);
    assertThat(config.database().poolSize()).isEqualTo(4);
    assertThat(config.cluster().enabled()).isTrue();
    assertThat(config.security().erpAllowedClients()).containsExactlyInAnyOrder("erp-connector", "erp-batch");
    assertThat(config.security().embeddedIssuer().clients().get("erp-connector").secret()).isEqualTo("s3cret");
    assertThat(config.database().embedded()).isFalse();
  }

  @Test
  void aValueOfTheWrongTypeNamesTheVariable() {
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("MRAOS_HTTP_PORT", "eighty")))
        .hasMessageContaining("MRAOS_HTTP_PORT").hasMessageContaining("http.port");
    assertThatThrownBy(() -> MraosConfig.from(ConfigLoader.load(null, Map.of("MRAOS_HTTP_PORT", "70000"))))
        .hasMessageContaining("http.port");
  }

  @Test
  void everyTimeIsADurationWithoutItsUnitInItsName() {
    List<String> unitNames = new ArrayList<>();
    keys(ConfigLoader.defaults(), "", unitNames);

    assertThat(unitNames).as("keys named after a unit of time (write 250ms, 30s, 5m instead)").isEmpty();
    MraosConfig config = MraosConfig.from(ConfigLoader.load(null, Map.of("MRAOS_KAFKA_OUTBOX_COALESCE", "100",
        "MRAOS_AUDIT_FLUSH_INTERVAL", "2s")));
    assertThat(config.kafka().outboxCoalesce()).as("a bare number is milliseconds").isEqualTo(Duration.ofMillis(100));
    assertThat(config.audit().flushInterval()).isEqualTo(Duration.ofSeconds(2));
    assertThatThrownBy(() -> MraosConfig.from(ConfigLoader.load(null, Map.of("MRAOS_KAFKA_OUTBOX_COALESCE", "1m"))))
        .hasMessage("Configuration kafka.outbox.coalesce=1m must lie between 0ms and 10s");
  }

  private static void keys(JsonObject section, String path, List<String> unitNames) {
    for (String key : section.fieldNames()) {
      String keyPath = path.isEmpty() ? key : path + "." + key;
      if (section.getValue(key) instanceof JsonObject child) {
        keys(child, keyPath, unitNames);
      } else if (key.matches(".*-(ms|millis|s|seconds|minutes|hours)")) {
        unitNames.add(keyPath);
      }
    }
  }

  /** Sizes are written as 256KB, 16MB or a number of bytes; the MQTT limits are the documented ones. */
  @Test
  void sizesAreBytesWithAUnitOrANumber() {
    MraosConfig defaults = MraosConfig.from(ConfigLoader.defaults());
    assertThat(defaults.mqtt().maxMessageSize()).isEqualTo(256 * 1024);
    assertThat(defaults.mqtt().maxPacketSize()).isEqualTo(16 * 1024 * 1024);

    MraosConfig config = MraosConfig.from(ConfigLoader.load(null, Map.of("MRAOS_MQTT_MAX_MESSAGE_SIZE", "1000",
        "MRAOS_MQTT_MAX_PACKET_SIZE", "2mb")));
    assertThat(config.mqtt().maxMessageSize()).as("a bare number is bytes").isEqualTo(1000);
    assertThat(config.mqtt().maxPacketSize()).isEqualTo(2 * 1024 * 1024);
    assertThat(Settings.parseBytes("512B", "k")).isEqualTo(512);
    assertThat(Settings.parseBytes(" 64 KB ", "k")).isEqualTo(65_536);
    assertThat(Settings.parseBytes("1GB", "k")).isEqualTo(1L << 30);
    assertThat(Settings.parseBytes(2048, "k")).isEqualTo(2048);

    assertThatThrownBy(() -> MraosConfig.from(ConfigLoader.load(null, Map.of("MRAOS_MQTT_MAX_MESSAGE_SIZE", "lots"))))
        .hasMessageContaining("mqtt.max-message-size").hasMessageContaining("256KB");
    assertThatThrownBy(() -> MraosConfig.from(ConfigLoader.load(null, Map.of("MRAOS_MQTT_MAX_MESSAGE_SIZE", "1.5MB"))))
        .hasMessageContaining("mqtt.max-message-size");
    assertThatThrownBy(() -> MraosConfig.from(ConfigLoader.load(null, Map.of("MRAOS_MQTT_MAX_MESSAGE_SIZE", "32MB"))))
        .as("a message the client could not read").hasMessageContaining("must not exceed mqtt.max-packet-size");
    assertThatThrownBy(() -> MraosConfig.from(ConfigLoader.load(null, Map.of("MRAOS_MQTT_MAX_PACKET_SIZE", "1GB"))))
        .hasMessageContaining("mqtt.max-packet-size").hasMessageContaining("268435455");
  }

  @Test
  void aFileOverridesOnlyWhatItNamesAndUnknownKeysAreRefused(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("plant.yaml");
    Files.writeString(file, "http:\n  port: 9191\nsecurity:\n  rate-limit:\n    requests-per-minute: 600\n");

    MraosConfig config = MraosConfig.from(ConfigLoader.load(file, Map.of("MRAOS_HTTP_PORT", "9292")));

    assertThat(config.http().port()).as("the environment wins over the file").isEqualTo(9292);
    assertThat(config.security().requestsPerMinute()).isEqualTo(600);
    assertThat(config.security().audience()).isEqualTo("mraos");

    Files.writeString(file, "http:\n  prot: 9191\n");
    assertThatThrownBy(() -> ConfigLoader.load(file, Map.of())).hasMessageContaining("http.prot");
  }

  @Test
  void theOverridesFileComesFromTheCommandLineOrTheEnvironment(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("a.yaml"), "http:\n  port: 1\n");

    assertThat(ConfigLoader.overridesFile(new String[] {"--config", file.toString()}, Map.of())).isEqualTo(file);
    assertThat(ConfigLoader.overridesFile(new String[0], Map.of("MRAOS_CONFIG", file.toString()))).isEqualTo(file);
    assertThatThrownBy(() -> ConfigLoader.overridesFile(new String[] {"--config", dir.resolve("missing.yaml").toString()}, Map.of()))
        .hasMessageContaining("does not exist");
  }

  @Test
  void withChangesKeysAndValidatesAgain() {
    MraosConfig config = MraosConfig.from(ConfigLoader.defaults());

    MraosConfig changed = config.with(Map.of("http.port", 7070, "security.known-clients", new io.vertx.core.json.JsonArray(List.of("a"))));

    assertThat(changed.http().port()).isEqualTo(7070);
    assertThat(changed.security().knownClients()).containsExactly("a");
    assertThat(config.http().port()).as("the original is unchanged").isEqualTo(8080);
  }
}
