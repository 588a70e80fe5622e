package verticles.gateway;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The integration status merges what the nodes report: a system is up when all its parts are, down when none is,
 * degraded in between; a part that should run but no node reports is down ("runs on no node in the cluster"), or
 * degraded when the lock table names a holder that has not shared its status.
 */
class IntegrationStatusTest {

  static final Map<String, String> EXPECTED = new LinkedHashMap<>(Map.of(
      "outbound-erp", "ERP", "outbound-mes", "MES", "line-line1", "MES", "line-line2", "MES", "line-line3", "MES"));

  static JsonObject part(String system, String status, String detail) {
    return new JsonObject().put("system", system).put("status", status).put("detail", detail).put("since", "t")
        .put("at", "2026-12-07T10:00:00Z");
  }

  static JsonObject node(String name, JsonObject parts, String... singletons) {
    return new JsonObject().put("node", name).put("at", "2026-12-07T10:00:00Z").put("parts", parts)
        .put("singletons", new JsonArray(java.util.List.of(singletons)));
  }

  @Test
  void aLineThatRunsOnNoNodeIsDownAndItsSystemDegraded() {
    JsonObject a = node("a", new JsonObject()
        .put("outbound-erp", part("ERP", "up", "circuit breaker closed"))
        .put("outbound-mes", part("MES", "up", "circuit breaker closed"))
        .put("line-line1", part("MES", "up", "MQTT session on mqtt://broker"))
        .put("kafka", part("KAFKA", "up", "1 broker(s)")), "line-line1", "outbound-erp", "outbound-mes");
    JsonObject b = node("b", new JsonObject()
        .put("line-line2", part("MES", "down", "MQTT broker unreachable"))
        .put("kafka", part("KAFKA", "down", "Kafka unreachable")), "line-line2");

    JsonObject status = IntegrationStatus.overview(EXPECTED, Map.of("a", a, "b", b), Map.of());

    JsonObject line3 = status.getJsonObject("lines").getJsonObject("line3");
    assertThat(line3.getString("status")).isEqualTo("down");
    assertThat(line3.getString("color")).isEqualTo("red");
    assertThat(line3.getString("detail")).isEqualTo("runs on no node in the cluster");
    assertThat(status.getJsonObject("lines").getJsonObject("line1").getString("node")).isEqualTo("a");
    assertThat(status.getJsonObject("lines").getJsonObject("line2").getString("detail")).isEqualTo("MQTT broker unreachable");

    JsonObject systems = status.getJsonObject("systems");
    assertThat(systems.getJsonObject("ERP").getString("color")).as("ERP: its only part up").isEqualTo("green");
    assertThat(systems.getJsonObject("MES").getString("status")).as("MES: some parts up, some down").isEqualTo("degraded");
    assertThat(systems.getJsonObject("KAFKA").getString("status")).as("one node's producer of two down").isEqualTo("degraded");
    assertThat(systems.getJsonObject("KAFKA").getJsonArray("parts")).extracting(p -> ((JsonObject) p).getString("part"))
        .containsExactlyInAnyOrder("kafka@a", "kafka@b");
    assertThat(systems.getJsonObject("HR").getString("status")).as("a system with no part running").isEqualTo("down");
    assertThat(status.getString("color")).as("the worst of the systems").isEqualTo("red");
    assertThat(status.getJsonObject("nodes").getJsonObject("b").getJsonArray("singletons")).containsExactly("line-line2");
  }

  @Test
  void aPartHeldByANodeThatSharesNoStatusIsDegradedAndNamesTheHolder() {
    JsonObject status = IntegrationStatus.overview(EXPECTED, Map.of(), Map.of("line-line1", "far-node"));

    JsonObject line1 = status.getJsonObject("lines").getJsonObject("line1");
    assertThat(line1.getString("status")).isEqualTo("degraded");
    assertThat(line1.getString("node")).isEqualTo("far-node");
    assertThat(line1.getString("detail")).contains("held by node far-node");
    assertThat(status.getJsonObject("lines").getJsonObject("line2").getString("status")).isEqualTo("down");
  }

  @Test
  void withoutPostgresqlTheOverviewIsDownAndSaysWhyNothingRuns() {
    JsonObject status = IntegrationStatus.overview(EXPECTED, Map.of(), Map.of(), "PostgreSQL cannot be reached (refused)");

    assertThat(status.getString("status")).isEqualTo("down");
    assertThat(status.getJsonObject("database").getString("status")).isEqualTo("down");
    assertThat(status.getJsonObject("database").getString("detail")).contains("PostgreSQL cannot be reached");
    assertThat(status.getJsonObject("lines").getJsonObject("line1").getString("detail"))
        .startsWith("runs on no node: PostgreSQL cannot be reached").contains("lock");
  }

  @Test
  void everythingUpIsGreen() {
    JsonObject parts = new JsonObject();
    EXPECTED.forEach((name, system) -> parts.put(name, part(system, "up", "fine")));
    parts.put("kafka", part("KAFKA", "up", "1 broker(s)"));
    Map<String, String> expected = new LinkedHashMap<>(EXPECTED);
    expected.put("outbound-hr", "HR");
    expected.put("outbound-inventory", "INVENTORY");
    parts.put("outbound-hr", part("HR", "up", "fine")).put("outbound-inventory", part("INVENTORY", "up", "fine"));

    JsonObject status = IntegrationStatus.overview(expected, Map.of("a", node("a", parts)), Map.of());

    assertThat(status.getString("status")).isEqualTo("up");
    assertThat(status.getString("color")).isEqualTo("green");
  }
}
