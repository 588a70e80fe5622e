package verticles.gateway;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import testsupport.TestNode;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code GET /api/v1/cluster} on two clustered nodes: both answer with the same two members (name, address, since,
 * which one answered) and with which node runs each line and outbound actor since when, as the nodes themselves say.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ClusterOverviewTest {

  static final Map<String, Object> CLUSTERED = Map.of("cluster.enabled", true);
  static TestNode a;
  static TestNode b;

  @BeforeAll
  static void start() {
    a = TestNode.start(CLUSTERED);
    b = TestNode.start(CLUSTERED);
    await("lines shared").atMost(Duration.ofSeconds(30)).until(() -> lines(a) + lines(b) == 3 && lines(a) > 0 && lines(b) > 0);
  }

  @AfterAll
  static void stop() {
    if (b != null) {
      b.close();
    }
    if (a != null) {
      a.close();
    }
  }

  @Test
  void eachNodeShowsTheMembersAndWhoRunsWhatSinceWhen() {
    String nameA = a.config().node().name();
    String nameB = b.config().node().name();
    for (TestNode node : List.of(a, b)) {
      await("both nodes' reports seen from " + node.config().node().name()).atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> check(node, nameA, nameB));
    }
  }

  @Test
  void aTokenIsNeeded() {
    assertThat(a.api.get(ClusterOverview.PATH, null).status()).isEqualTo(401);
  }

  private static void check(TestNode node, String nameA, String nameB) {
    var response = node.api.get(ClusterOverview.PATH, node.token("supervisor"));
    assertThat(response.status()).as(response.body()).isEqualTo(200);
    JsonObject json = response.json();
    assertThat(json.getString("node")).isEqualTo(node.config().node().name());
    assertThat(json.getBoolean("clustered")).isTrue();
    JsonArray members = json.getJsonArray("members");
    assertThat(members.stream().map(m -> ((JsonObject) m).getString("node"))).containsExactly(nameA, nameB);
    for (Object m : members) {
      JsonObject member = (JsonObject) m;
      assertThat(member.getString("address")).matches("127\\.0\\.0\\.1:57\\d\\d");
      assertThat(Instant.parse(member.getString("since"))).isBefore(Instant.now());
      assertThat(member.getBoolean("this_node")).isEqualTo(member.getString("node").equals(node.config().node().name()));
    }
    JsonObject lines = json.getJsonObject("lines");
    assertThat(lines.fieldNames()).containsExactlyInAnyOrder("line1", "line2", "line3");
    for (String line : lines.fieldNames()) {
      JsonObject where = lines.getJsonObject(line);
      assertThat(where.getString("node")).as(line + " runs on a node (not mid-hand-over)").isIn(nameA, nameB);
      TestNode runner = where.getString("node").equals(nameA) ? a : b;
      assertThat(runner.singletonsHere()).as(line).contains("line-" + line);
      assertThat(Instant.parse(where.getString("since"))).isBefore(Instant.now());
    }
    JsonObject outbound = json.getJsonObject("outbound");
    assertThat(outbound.fieldNames()).containsExactlyInAnyOrder("erp", "mes", "hr", "inventory");
    outbound.forEach(e -> assertThat(((JsonObject) e.getValue()).getString("node")).isIn(nameA, nameB));
    assertThat(json.getJsonObject("others").fieldNames()).containsAll(Set.of("scheduler", "failures"));
    assertThat(json.getJsonObject("opcua_endpoints")).isNotNull();
  }

  private static long lines(TestNode node) {
    return node.singletonsHere().stream().filter(s -> s.startsWith("line-")).count();
  }
}
