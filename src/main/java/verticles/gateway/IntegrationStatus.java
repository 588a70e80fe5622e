package verticles.gateway;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import mraos.cluster.SingletonHolders;
import mraos.config.MraosConfig;
import mraos.config.OpcUaEndpoint;
import mraos.health.NodeStatus.State;
import mraos.health.NodeStatus;
import mraos.http.ApiContext;
import mraos.http.ApiRoutes;
import mraos.http.Responses;
import mraos.plant.PlantModel;
import mraos.security.Authorization;
import mraos.security.ClientRule;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code GET /api/v1/integrations/status}: the plant's integrations at a glance (spec §8.2's Green/Yellow/Red per
 * system), for the whole cluster. Each external system is up when all its parts are, down when none is, degraded in
 * between; its parts are what the nodes report ({@link NodeStatus}: each line's MQTT session, each OPC UA endpoint, the
 * system's outbound path) and what should run but runs on no node (a line nobody runs is down, with that reason). Also
 * each line, Kafka as each node sees it, and which node runs which singleton. Any known client may read it.
 */
public final class IntegrationStatus implements ApiRoutes {

  public static final String PATH = "/api/v1/integrations/status";

  /** Found by ServiceLoader: the gateway mounts it. */
  public IntegrationStatus() {
  }

  @Override
  public void mount(ApiContext api) {
    MraosConfig config = api.config();
    ClientRule readers = ClientRule.only("read the integration status", config.security().knownClients());
    Map<String, String> expected = expectedParts(config);
    Duration freshness = config.cluster().singletonLease().plus(config.cluster().singletonCheckInterval());
    api.router().get(PATH).handler(Authorization.require(readers)).handler(ctx -> NodeStatus.nodes(api.vertx(),
            config.node().name())
        .compose(nodes -> SingletonHolders.current(api.pool(), freshness).map(holders -> overview(expected, nodes, holders))
            // what the nodes report is in the cluster's memory: without PostgreSQL the picture is still there, and why
            // nothing that needs it runs
            .recover(err -> Future.succeededFuture(overview(expected, nodes, Map.of(),
                "PostgreSQL cannot be reached (" + err.getMessage() + ")"))))
        .onSuccess(json -> Responses.json(ctx, 200, json)).onFailure(ctx::fail));
  }

  /** What should run in the cluster: each system's outbound path, each line, each connected OPC UA endpoint. */
  static Map<String, String> expectedParts(MraosConfig config) {
    Map<String, String> expected = new LinkedHashMap<>();
    MraosConfig.EXTERNAL_SYSTEMS.forEach(system -> expected.put("outbound-" + system.toLowerCase(Locale.ROOT), system));
    PlantModel.load(config.plantModel()).lines().forEach(line -> expected.put("line-" + line.id(), MraosConfig.MES));
    config.opcua().endpoints().values().stream().filter(OpcUaEndpoint::connected)
        .forEach(endpoint -> expected.put("opcua-" + endpoint.name(), MraosConfig.MES));
    return expected;
  }

  static JsonObject overview(Map<String, String> expected, Map<String, JsonObject> nodes, Map<String, String> holders) {
    return overview(expected, nodes, holders, null);
  }

  /**
   * The same when PostgreSQL could not be asked ({@code databaseProblem} says why; null when it answered): the overview
   * is down, names the cause, and a part that runs nowhere says it cannot run without the database (a node runs a line,
   * an outbound path, an endpoint only while it can prove it holds its lock there).
   */
  static JsonObject overview(Map<String, String> expected, Map<String, JsonObject> nodes, Map<String, String> holders,
                             String databaseProblem) {
    Map<String, JsonObject> parts = new TreeMap<>();
    JsonObject nodeList = new JsonObject();
    nodes.forEach((node, report) -> {
      nodeList.put(node, new JsonObject().put("at", report.getString("at")).put("singletons", report.getJsonArray("singletons")));
      report.getJsonObject("parts", new JsonObject()).forEach(e -> {
        // a node's Kafka producer is its own; everything else runs once in the cluster
        String name = e.getKey().equals("kafka") ? "kafka@" + node : e.getKey();
        JsonObject part = ((JsonObject) e.getValue()).copy().put("part", name).put("node", node);
        parts.merge(name, part, (a, b) -> a.getString("at").compareTo(b.getString("at")) >= 0 ? a : b);
      });
    });
    expected.forEach((part, system) -> parts.computeIfAbsent(part, p -> missing(p, system, holders.get(p), databaseProblem)));

    Map<String, List<JsonObject>> bySystem = new TreeMap<>();
    MraosConfig.EXTERNAL_SYSTEMS.forEach(system -> bySystem.put(system, new ArrayList<>()));
    parts.values().forEach(part -> bySystem.computeIfAbsent(part.getString("system"), s -> new ArrayList<>()).add(part));
    JsonObject systems = new JsonObject();
    State overall = State.UP;
    for (Map.Entry<String, List<JsonObject>> system : bySystem.entrySet()) {
      State state = summary(system.getValue());
      overall = overall.worse(state);
      JsonArray list = new JsonArray();
      system.getValue().forEach(part -> list.add(withColor(part.copy())));
      systems.put(system.getKey(), new JsonObject().put("status", state.json()).put("color", state.color()).put("parts", list));
    }
    JsonObject lines = new JsonObject();
    parts.forEach((name, part) -> {
      if (name.startsWith("line-")) {
        lines.put(name.substring("line-".length()), withColor(part.copy()));
      }
    });
    JsonObject database = databaseProblem == null ? new JsonObject().put("status", State.UP.json())
        : new JsonObject().put("status", State.DOWN.json()).put("detail", databaseProblem);
    overall = databaseProblem == null ? overall : State.DOWN;
    return new JsonObject().put("status", overall.json()).put("color", overall.color()).put("at", Instant.now().toString())
        .put("database", withColor(database)).put("systems", systems).put("lines", lines).put("nodes", nodeList);
  }

  /** Up when all parts are, down when none is, degraded in between; a system with no part here is down. */
  static State summary(List<JsonObject> parts) {
    if (parts.isEmpty()) {
      return State.DOWN;
    }
    long up = parts.stream().filter(p -> State.of(p.getString("status")) == State.UP).count();
    long down = parts.stream().filter(p -> State.of(p.getString("status")) == State.DOWN).count();
    return up == parts.size() ? State.UP : down == parts.size() ? State.DOWN : State.DEGRADED;
  }

  /** A part that should run but no node reports. */
  private static JsonObject missing(String part, String system, String holder, String databaseProblem) {
    boolean held = holder != null;
    String nowhere = databaseProblem == null ? "runs on no node in the cluster"
        : "runs on no node: " + databaseProblem + ", and a node runs it only while its lock there is proven";
    return new JsonObject().put("part", part).put("system", system)
        .put("status", (held ? State.DEGRADED : State.DOWN).json()).put("node", holder)
        .put("detail", held ? "held by node " + holder + ", which has not shared its status (starting, or not in this"
            + " node's cluster)" : nowhere);
  }

  private static JsonObject withColor(JsonObject part) {
    return part.put("color", State.of(part.getString("status")).color());
  }
}
