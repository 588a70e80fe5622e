package mraos.health;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.LocalMap;

import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * What this node's parts say about themselves, for {@code /health/ready}: each client (Kafka, later MQTT sessions and
 * OPC UA subscriptions) reports whether it is connected, and the node lists the deployments it expects to be running.
 * Node-local: every node answers for itself.
 */
public final class Readiness {

  private static final String COMPONENTS = "mraos.readiness.components";
  private static final String NODE = "mraos.readiness.node";
  private static final String DEPLOYMENTS = "deployments";

  private Readiness() {
  }

  /** A component reports its state (e.g. "kafka", up, "3 brokers"). */
  public static void report(Vertx vertx, String component, boolean up, String detail) {
    components(vertx).put(component, new JsonObject().put("up", up).put("detail", detail).put("since", Instant.now().toString()));
  }

  public static void forget(Vertx vertx, String component) {
    components(vertx).remove(component);
  }

  /** Snapshot of every component's last report. */
  public static Map<String, JsonObject> components(Vertx vertx, boolean copy) {
    LocalMap<String, JsonObject> map = components(vertx);
    return copy ? Map.copyOf(map) : map;
  }

  /** The node has deployed all of its verticles: these deployment ids must stay deployed. */
  public static void expectDeployments(Vertx vertx, Set<String> deploymentIds) {
    vertx.sharedData().<String, JsonArray>getLocalMap(NODE).put(DEPLOYMENTS, new JsonArray(java.util.List.copyOf(deploymentIds)));
  }

  /** Null while the node is still deploying; else the ids that should be running. */
  public static JsonArray expectedDeployments(Vertx vertx) {
    return vertx.sharedData().<String, JsonArray>getLocalMap(NODE).get(DEPLOYMENTS);
  }

  private static LocalMap<String, JsonObject> components(Vertx vertx) {
    return vertx.sharedData().getLocalMap(COMPONENTS);
  }
}
