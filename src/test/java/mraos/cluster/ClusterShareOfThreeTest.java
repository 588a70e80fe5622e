package mraos.cluster;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import mraos.db.Database;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import testsupport.TestServices;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * Three nodes share a group of three: each ends with one. Before, a node whose share was one tried the group's
 * members in the same order at every check and counted a busy lock against its share, so while the first node kept the
 * first member, the others tried only that one, and the members it handed back ran nowhere.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ClusterShareOfThreeTest {

  static final Map<String, Vertx> RUNS_ON = new ConcurrentHashMap<>();
  static final List<Vertx> NODES = new ArrayList<>();

  /** A group member that notes where it runs. */
  public static final class Member extends VerticleBase {
    @Override
    public Future<?> start() {
      RUNS_ON.put(config().getString("name"), vertx);
      return Future.succeededFuture();
    }

    @Override
    public Future<?> stop() {
      RUNS_ON.remove(config().getString("name"), vertx);
      return Future.succeededFuture();
    }
  }

  @AfterAll
  static void stop() throws Exception {
    for (Vertx vertx : NODES) {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void threeNodesEndWithOneEach() throws Exception {
    Vertx first = node();
    await("the first node holds the whole group").atMost(Duration.ofSeconds(20)).until(() -> held(first) == 3);

    Vertx second = node();
    Vertx third = node();
    await("one each").atMost(Duration.ofSeconds(20))
        .until(() -> held(first) == 1 && held(second) == 1 && held(third) == 1);
  }

  private static long held(Vertx vertx) {
    return RUNS_ON.values().stream().filter(v -> v == vertx).count();
  }

  private static Vertx node() throws Exception {
    Vertx vertx = Vertx.vertx();
    NODES.add(vertx);
    JsonArray singletons = new JsonArray();
    for (String name : List.of("a", "b", "c")) {
      singletons.add(new JsonObject().put("name", "share-of-three-" + name).put("group", "share-of-three")
          .put("verticle", Member.class.getName()).put("config", new JsonObject().put("name", name)));
    }
    var config = TestServices.get().nodeConfig(Map.of("cluster.singleton-check-interval", "100ms"));
    Database.migrate(config.database()); // the locks' table, when this class runs first
    JsonObject mraos = config.json();
    vertx.deployVerticle("java:" + ClusterSingletons.class.getName(), new DeploymentOptions()
        .setConfig(new JsonObject().put("mraos", mraos).put("singletons", singletons))).await(30, TimeUnit.SECONDS);
    return vertx;
  }
}
