package mraos.health;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.core.shareddata.LocalMap;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a node says about the integrations it runs, for the plant's integration status (spec §8.2): each part (a line's
 * MQTT session, an OPC UA endpoint's subscription, a system's outbound path, the node's Kafka producer) reports itself
 * up, degraded or down with the reason, and the node lists the singletons it runs. Parts report on their own node; each
 * node shares its whole report in the cluster's shared data every so often, where it lives a few periods (a node that
 * dies drops out), so any node can tell the status of the whole cluster.
 */
public final class NodeStatus {

  private static final Logger LOG = LoggerFactory.getLogger(NodeStatus.class);

  /** A part's state, and its color on the spec's Green/Yellow/Red overview. */
  public enum State {
    UP("green"), DEGRADED("yellow"), DOWN("red");

    private final String color;

    State(String color) {
      this.color = color;
    }

    public String color() {
      return color;
    }

    public String json() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static State of(String json) {
      return valueOf(json.toUpperCase(Locale.ROOT));
    }

    /** The worse of two. */
    public State worse(State other) {
      return other.ordinal() > ordinal() ? other : this;
    }
  }

  private static final String PARTS = "mraos.status.parts";
  private static final String NODE = "mraos.status.node";
  private static final String SHARED = "mraos.status.nodes";

  private NodeStatus() {
  }

  /** A part of an integration reports its state (kept since it last changed). */
  public static void report(Vertx vertx, String part, String system, State state, String detail) {
    report(vertx, part, system, state, detail, null);
  }

  /** The same, with figures a screen can show ({@code data}, e.g. a breaker's state and a queue's depth). */
  public static void report(Vertx vertx, String part, String system, State state, String detail, JsonObject data) {
    LocalMap<String, JsonObject> parts = vertx.sharedData().getLocalMap(PARTS);
    JsonObject before = parts.get(part);
    Instant now = Instant.now();
    String since = before != null && state.json().equals(before.getString("status")) ? before.getString("since") : now.toString();
    parts.put(part, new JsonObject().put("part", part).put("system", system).put("status", state.json())
        .put("detail", detail).put("data", data).put("since", since).put("at", now.toString()));
  }

  /** The part stopped running on this node (it may run elsewhere now). */
  public static void forget(Vertx vertx, String part) {
    vertx.sharedData().<String, JsonObject>getLocalMap(PARTS).remove(part);
  }

  /** This node's parts, by name. */
  public static Map<String, JsonObject> parts(Vertx vertx) {
    return new TreeMap<>(vertx.sharedData().<String, JsonObject>getLocalMap(PARTS));
  }

  /** The singletons this node runs now, each with since when it runs here. */
  public static void singletons(Vertx vertx, Map<String, Instant> runningHere) {
    JsonObject since = new JsonObject();
    new TreeMap<>(runningHere).forEach((name, at) -> since.put(name, at.toString()));
    LocalMap<String, JsonObject> node = vertx.sharedData().getLocalMap(NODE);
    node.put("singletons", new JsonObject().put("names", new JsonArray(new ArrayList<>(since.fieldNames())))
        .put("since", since));
  }

  public static List<String> singletons(Vertx vertx) {
    List<String> names = new ArrayList<>();
    singletonsHere(vertx).getJsonArray("names").forEach(name -> names.add(String.valueOf(name)));
    return names;
  }

  private static JsonObject singletonsHere(Vertx vertx) {
    JsonObject here = vertx.sharedData().<String, JsonObject>getLocalMap(NODE).get("singletons");
    return here != null ? here : new JsonObject().put("names", new JsonArray()).put("since", new JsonObject());
  }

  /**
   * This node's report: its name, parts and singletons (names, and {@code singletons_since}: name → since when it runs
   * here), as of now.
   */
  public static JsonObject report(Vertx vertx, String node) {
    JsonObject parts = new JsonObject();
    parts(vertx).forEach(parts::put);
    JsonObject singletons = singletonsHere(vertx);
    return new JsonObject().put("node", node).put("at", Instant.now().toString()).put("parts", parts)
        .put("singletons", singletons.getJsonArray("names").copy()).put("singletons_since", singletons.getJsonObject("since").copy());
  }

  /** Shares this node's report every {@code period} (it lives three periods); returns the timer. */
  public static long share(Vertx vertx, String node, Duration period) {
    long ttl = period.multipliedBy(3).toMillis();
    return vertx.setPeriodic(0, period.toMillis(), id -> shared(vertx)
        .compose(map -> map.put(node, report(vertx, node), ttl))
        .onFailure(e -> LOG.warn("Node {} could not share its status with the cluster ({}); it tries again in {}",
            node, e.getMessage(), period)));
  }

  /** Every node's latest report (this node's as of now), by node name. */
  public static Future<Map<String, JsonObject>> nodes(Vertx vertx, String node) {
    Objects.requireNonNull(node);
    return shared(vertx).compose(AsyncMap::entries).map(shared -> {
      Map<String, JsonObject> all = new TreeMap<>(shared);
      all.put(node, report(vertx, node));
      return all;
    });
  }

  /** The cluster's map of reports; a failed future (never a throw) when the cluster is gone, as on a dying node. */
  private static Future<AsyncMap<String, JsonObject>> shared(Vertx vertx) {
    return Future.<Void>succeededFuture().compose(v -> vertx.sharedData().getAsyncMap(SHARED));
  }
}
