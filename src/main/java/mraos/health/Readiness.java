package mraos.health;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;

import java.util.List;
import java.util.Set;

/**
 * Whether this node can serve its HTTP API now ({@code /health/ready}): the node lists the deployments it expects to be
 * running (the gateway, Kafka's verticle, the cluster's singletons); the gateway adds PostgreSQL and the token issuer.
 * What the integrations are doing is not readiness but {@link NodeStatus}: Kafka or a line's broker being away does not
 * stop ERP from being served. Node-local: every node answers for itself.
 */
public final class Readiness {

  private static final String NODE = "mraos.readiness.node";
  private static final String DEPLOYMENTS = "deployments";

  private Readiness() {
  }

  /** The node has deployed all of its verticles: these deployment ids must stay deployed. */
  public static void expectDeployments(Vertx vertx, Set<String> deploymentIds) {
    vertx.sharedData().<String, JsonArray>getLocalMap(NODE).put(DEPLOYMENTS, new JsonArray(List.copyOf(deploymentIds)));
  }

  /** Null while the node is still deploying; else the ids that should be running. */
  public static JsonArray expectedDeployments(Vertx vertx) {
    return vertx.sharedData().<String, JsonArray>getLocalMap(NODE).get(DEPLOYMENTS);
  }
}
