package mraos.cluster;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import mraos.db.Database;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import testsupport.TestServices;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A node that holds more than its share of a group hands over only the extra, even when a hand-over takes longer than
 * the check interval (a line drains its batch before it stops): a singleton being handed over no longer counts as held,
 * so the next checks do not hand over another one as well.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ClusterShareHandOverTest {

  static final String GROUP = "slow-lines";
  static final Map<String, Vertx> RUNS_ON = new ConcurrentHashMap<>();
  static final AtomicInteger HANDED_OVER = new AtomicInteger();

  static Vertx first;
  static Vertx second;

  /** A group member that takes a while to stop, as a line with a batch to write does. */
  public static final class SlowToStop extends VerticleBase {
    @Override
    public Future<?> start() {
      RUNS_ON.put(config().getString("name"), vertx);
      return Future.succeededFuture();
    }

    @Override
    public Future<?> stop() {
      Promise<Void> stopped = Promise.promise();
      vertx.setTimer(1_500, id -> {
        RUNS_ON.remove(config().getString("name"), vertx);
        HANDED_OVER.incrementAndGet();
        stopped.complete();
      });
      return stopped.future();
    }
  }

  @BeforeAll
  static void start() {
    first = Vertx.vertx();
    second = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    for (Vertx vertx : new Vertx[] {first, second}) {
      if (vertx != null) {
        vertx.close().await(30, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void aJoiningNodeGetsItsShareAndNoMore() throws Exception {
    deploy(first);
    await("the first node holds the whole group").atMost(Duration.ofSeconds(20))
        .until(() -> held(first) == 3);

    deploy(second);
    await("the group shared").atMost(Duration.ofSeconds(20)).until(() -> held(first) == 2 && held(second) == 1);
    Thread.sleep(3_000); // many check intervals, longer than a hand-over: the split stays as it is

    assertThat(held(first)).isEqualTo(2);
    assertThat(held(second)).isEqualTo(1);
    assertThat(HANDED_OVER).as("singletons handed over").hasValue(1);
  }

  private static long held(Vertx vertx) {
    return RUNS_ON.values().stream().filter(v -> v == vertx).count();
  }

  private static void deploy(Vertx vertx) throws Exception {
    JsonArray singletons = new JsonArray();
    for (String name : Set.of("slow-a", "slow-b", "slow-c")) {
      singletons.add(new JsonObject().put("name", "share-test-" + name).put("group", GROUP)
          .put("verticle", SlowToStop.class.getName()).put("config", new JsonObject().put("name", name)));
    }
    var config = TestServices.get().nodeConfig(Map.of("cluster.singleton-check-interval", "100ms"));
    Database.migrate(config.database()); // the locks' table, when this class runs first
    JsonObject mraos = config.json();
    vertx.deployVerticle("java:" + ClusterSingletons.class.getName(), new DeploymentOptions()
        .setConfig(new JsonObject().put("mraos", mraos).put("singletons", singletons))).await(30, TimeUnit.SECONDS);
  }
}
