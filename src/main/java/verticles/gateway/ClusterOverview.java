package verticles.gateway;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import mraos.cluster.ClusterMembers;
import mraos.config.MraosConfig;
import mraos.health.NodeStatus;
import mraos.http.ApiContext;
import mraos.http.ApiRoutes;
import mraos.http.Responses;
import mraos.security.Authorization;
import mraos.security.ClientRule;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * {@code GET /api/v1/cluster}: the cluster's members (node name, Hazelcast address, since when, which one answers) and
 * which node runs each line, OPC UA endpoint, outbound actor and other singleton, since when. Members are Hazelcast's
 * own list; who runs what is each node's shared report ({@link NodeStatus}). Any known client may read it.
 */
public final class ClusterOverview implements ApiRoutes {

  public static final String PATH = "/api/v1/cluster";

  /** Found by ServiceLoader: the gateway mounts it. */
  public ClusterOverview() {
  }

  @Override
  public void mount(ApiContext api) {
    MraosConfig config = api.config();
    ClientRule readers = ClientRule.only("read the cluster's members", config.security().knownClients());
    List<String> expected = List.copyOf(IntegrationStatus.expectedParts(config).keySet());
    api.router().get(PATH).handler(Authorization.require(readers)).handler(ctx -> NodeStatus.nodes(api.vertx(),
            config.node().name())
        .map(nodes -> overview(config.node().name(), api.vertx().isClustered(), ClusterMembers.of(api.vertx()), nodes,
            expected))
        .onSuccess(json -> Responses.json(ctx, 200, json)).onFailure(ctx::fail));
  }

  /** The answer, from the members, the nodes' reports and the singletons that should run somewhere. */
  static JsonObject overview(String self, boolean clustered, List<JsonObject> members, Map<String, JsonObject> nodes,
                             List<String> expected) {
    Map<String, JsonObject> runs = new TreeMap<>();
    expected.forEach(name -> runs.put(name, new JsonObject().put("node", null).put("since", null)));
    // a node that has left the cluster may still have a report that has not expired: it runs nothing any more
    Set<String> inCluster = members.stream().map(m -> m.getString("node")).collect(Collectors.toSet());
    nodes.forEach((node, report) -> {
      if (!inCluster.contains(node)) {
        return;
      }
      JsonObject since = report.getJsonObject("singletons_since", new JsonObject());
      report.getJsonArray("singletons", new JsonArray()).forEach(name -> {
        JsonObject here = new JsonObject().put("node", node).put("since", since.getString(String.valueOf(name)));
        // two reports a moment apart around a hand-over: the later start is where it runs now
        runs.merge(String.valueOf(name), here, (a, b) -> a.getString("node") == null
            || String.valueOf(b.getString("since")).compareTo(String.valueOf(a.getString("since"))) > 0 ? b : a);
      });
    });
    JsonObject lines = new JsonObject();
    JsonObject endpoints = new JsonObject();
    JsonObject outbound = new JsonObject();
    JsonObject others = new JsonObject();
    runs.forEach((name, where) -> {
      if (name.startsWith("line-")) {
        lines.put(name.substring("line-".length()), where);
      } else if (name.startsWith("opcua-")) {
        endpoints.put(name.substring("opcua-".length()), where);
      } else if (name.startsWith("outbound-")) {
        outbound.put(name.substring("outbound-".length()), where);
      } else {
        others.put(name, where);
      }
    });
    return new JsonObject().put("node", self).put("clustered", clustered).put("at", Instant.now().toString())
        .put("members", new JsonArray(List.copyOf(members))).put("lines", lines).put("opcua_endpoints", endpoints)
        .put("outbound", outbound).put("others", others);
  }
}
