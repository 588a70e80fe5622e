package mraos.outbound;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import simulators.Access;
import simulators.SystemSimulator;
import testsupport.PlantNode;
import testsupport.TestNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The other ways MRAOS proves itself: HTTP Basic to MES, an API key header to HR (spec §4.2.2, §5.3), with the secrets
 * read from a file rather than the configuration, so they appear in neither the config nor the logs.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class SystemAuthTest {

  @TempDir
  static Path secrets;
  static Vertx vertx;
  static SystemSimulator mes;
  static SystemSimulator hr;
  static TestNode node;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    mes = SystemSimulator.start(vertx, "MES", 0, Access.basic("mraos", "mes-pass-from-file")).await();
    mes.router().post("/api/v1/work-orders/start").handler(ctx -> ctx.json(new JsonObject().put("status", "success")));
    hr = SystemSimulator.start(vertx, "HR", 0, Access.apiKey("X-API-Key", "hr-key-from-file")).await();
    hr.router().post("/api/v1/time-entries").handler(ctx -> ctx.json(new JsonObject().put("status", "success")));
    Files.writeString(secrets.resolve("mes-password"), "mes-pass-from-file\n");
    Files.writeString(secrets.resolve("hr-key"), "hr-key-from-file\n");
    PlantNode.setAsideLeftoverCalls();
    node = TestNode.start(Map.of(
        "mes.base-url", mes.baseUrl(),
        "mes.auth.password-file", secrets.resolve("mes-password").toString(),
        "hr.base-url", hr.baseUrl(),
        "hr.auth.type", "api-key",
        "hr.auth.header", "X-API-Key",
        "hr.auth.key-file", secrets.resolve("hr-key").toString(),
        "outbound.poll-interval", "100ms"));
  }

  @AfterAll
  static void stop() {
    node.close();
    vertx.close().await();
  }

  @Test
  void mesGetsHttpBasicAndHrGetsItsApiKeyFromTheSecretFiles() {
    queue("MES", "mes_work_order_start", "/api/v1/work-orders/start");
    queue("HR", "hr_time_entries", "/api/v1/time-entries");
    node.node.vertx().eventBus().publish(mraos.events.Addresses.outboundWakeUp("MES"), null);
    node.node.vertx().eventBus().publish(mraos.events.Addresses.outboundWakeUp("HR"), null);

    await().atMost(Duration.ofSeconds(20)).until(() -> !mes.received("/api/v1/work-orders/start").isEmpty()
        && !hr.received("/api/v1/time-entries").isEmpty());
    String basic = mes.received("/api/v1/work-orders/start").get(0).header("Authorization");
    assertThat(new String(Base64.getDecoder().decode(basic.substring("Basic ".length())))).isEqualTo("mraos:mes-pass-from-file");
    assertThat(hr.received("/api/v1/time-entries").get(0).header("X-API-Key")).isEqualTo("hr-key-from-file");
    await().atMost(Duration.ofSeconds(10)).until(() -> node.db.count(
        "SELECT count(*) FROM outbound_messages WHERE message_id LIKE 'msg_auth_%' AND status = 'delivered'") == 2);
    assertThat(node.config().json().encode()).doesNotContain("mes-pass-from-file").doesNotContain("hr-key-from-file");
  }

  private static void queue(String system, String type, String path) {
    node.db.exec("INSERT INTO outbound_messages (message_id, external_system, integration_type, method, path, payload,"
            + " next_attempt_at) VALUES (?, ?, ?, 'POST', ?, '{\"probe\": true}'::jsonb, now())",
        "msg_auth_" + system + "_" + Instant.now().toEpochMilli(), system, type, path);
  }
}
