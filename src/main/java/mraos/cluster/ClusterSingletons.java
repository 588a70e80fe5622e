package mraos.cluster;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import mraos.config.MraosConfig;
import mraos.health.NodeStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs verticles that must exist once in the whole cluster (each system's outbound path, the scheduler, each line's
 * actor, each OPC UA endpoint). Every node deploys this verticle; the node whose dedicated PostgreSQL connection holds
 * a singleton's advisory lock runs that singleton.
 *
 * <p><b>A singleton never runs on two nodes at once.</b> A node runs its singletons only while it can prove it holds
 * their locks ({@link SingletonLease}): the lock connection answers at every check, and each answer renews the lease
 * for {@code cluster.singleton-lease} from when the question was sent. When the connection drops (PostgreSQL
 * restarting, the network failing) or stays silent for a lease, the node stops every singleton at once; they stop
 * reading, acknowledging and claiming on their own too, as their proof runs out. PostgreSQL ends a lock session that
 * stayed silent for twice the lease (and its TCP keepalives notice a dead peer), which frees its locks only after the
 * silent node stopped ({@link LockSession}). A node that takes a lock whose previous holder vanished without letting it
 * go starts the singleton only once that holder's last proof is a lease and a check interval old: a holder that lost
 * its lock without noticing (PostgreSQL restarted while the network to it was down) has stopped by then. A lock let go
 * cleanly (a hand-over, a node stopping) is taken without waiting.
 *
 * <p>Singletons of a group (the production lines) are spread: a node holds at most its fair share of the group
 * (the group's size over the live nodes, rounded up), and hands extras back when a node joins. Live nodes are the
 * holders of a shared advisory lock each node's connection takes, so PostgreSQL alone knows who is alive.
 *
 * <p>Deployment config: {@code {"mraos": <node config>, "singletons": [{"name": ..., "verticle": <class name>,
 * "group": <optional>, "config": {...}}]}}.
 */
public final class ClusterSingletons extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterSingletons.class);

  /** In {@code running} instead of a deployment id: its lock is being taken, or it starts once the takeover wait is over. */
  private static final String DEPLOYING = "deploying";
  /** In {@code running} instead of a deployment id: being handed over (undeployed, then its lock freed). */
  private static final String HANDING_OVER = "handing-over";

  private record Singleton(String name, String verticle, String group, JsonObject config) {
  }

  private MraosConfig mraos;
  private Duration lease;
  private SingletonLease proof;
  private final Map<String, Singleton> wanted = new HashMap<>();
  /** singleton name → deployment id, for those this node runs (or a transitional state). */
  private final Map<String, String> running = new HashMap<>();
  /** singleton name → when it started here, for those it runs. */
  private final Map<String, Instant> since = new HashMap<>();
  private LockSession session;
  private boolean connecting;
  private long attempts;
  private long rounds;
  private long timer;

  @Override
  public Future<?> start() {
    mraos = MraosConfig.from(config().getJsonObject("mraos"));
    lease = mraos.cluster().singletonLease();
    proof = SingletonLease.of(vertx);
    JsonArray list = config().getJsonArray("singletons", new JsonArray());
    for (int i = 0; i < list.size(); i++) {
      JsonObject s = list.getJsonObject(i);
      wanted.put(s.getString("name"), new Singleton(s.getString("name"), s.getString("verticle"), s.getString("group"),
          s.getJsonObject("config")));
    }
    timer = vertx.setPeriodic(0, mraos.cluster().singletonCheckInterval().toMillis(), id -> {
      check();
      report();
    });
    return Future.succeededFuture();
  }

  /** Which singletons run on this node, for the integration status. */
  private void report() {
    since.keySet().removeIf(name -> !running.containsKey(name) || transitional(running.get(name)));
    NodeStatus.singletons(vertx, since);
  }

  /**
   * The singletons were deployed from here, so Vert.x has already undeployed them: their locks are let go cleanly (the
   * next holders need not wait) and freed with the session.
   */
  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    proof.revoke();
    running.clear();
    since.clear();
    NodeStatus.singletons(vertx, Map.of());
    LockSession held = session;
    session = null;
    return held == null ? Future.succeededFuture() : held.closeCleanly();
  }

  private void check() {
    if (session == null) {
      connect();
    } else if (proof.expired()) {
      fence("PostgreSQL has not answered on the lock connection for " + lease);
    } else {
      claim();
    }
  }

  /**
   * Renews the lease (the lock session answers), then takes every wanted singleton whose lock is free, within the fair
   * share of its group, and hands back extras.
   */
  private void claim() {
    // a singleton that stopped by itself is started again (this session still holds its lock)
    running.entrySet().removeIf(e -> !transitional(e.getValue()) && !vertx.deploymentIDs().contains(e.getValue()));
    LockSession asked = session;
    long sent = System.nanoTime();
    asked.check().onComplete(ar -> {
      if (asked != session) {
        return; // fenced meanwhile
      }
      if (ar.failed()) {
        fence("the lock connection failed (" + ar.cause().getMessage() + ")");
        return;
      }
      proof.renew(sent, lease);
      share(ar.result());
    });
  }

  private void share(LockSession.Found found) {
    long live = found.live();
    Map<String, Integer> held = new HashMap<>();
    Map<String, Integer> size = new HashMap<>();
    for (Singleton s : wanted.values()) {
      if (s.group() != null) {
        size.merge(s.group(), 1, Integer::sum);
        // one being handed over is already gone as far as the share goes: counting it would hand over another
        if (running.containsKey(s.name()) && !HANDING_OVER.equals(running.get(s.name()))) {
          held.merge(s.group(), 1, Integer::sum);
        }
      }
    }
    // free locks first (a dead node's, a handed-back one), so that a line never waits for the turn of one another
    // node keeps; each round starts one further along, so a busy lock whose attempt fails (taken meanwhile) counts
    // against that round's share only
    List<Singleton> order = new ArrayList<>(wanted.values());
    Collections.rotate(order, -(int) (rounds++ % Math.max(1, order.size())));
    order.sort(Comparator.comparing(s -> !running.containsKey(s.name()) && found.busy(s.name())));
    for (Singleton singleton : order) {
      boolean mine = running.containsKey(singleton.name());
      if (singleton.group() == null) {
        if (!mine) {
          tryTake(singleton);
        }
        continue;
      }
      int share = (int) Math.ceil(size.get(singleton.group()) / (double) live);
      int holding = held.getOrDefault(singleton.group(), 0);
      if (!mine && holding < share) {
        held.merge(singleton.group(), 1, Integer::sum); // counted now, so one round takes no more than the share
        tryTake(singleton);
      } else if (mine && holding > share && !transitional(running.get(singleton.name()))) {
        held.merge(singleton.group(), -1, Integer::sum);
        handBack(singleton);
      }
    }
  }

  /**
   * Takes the lock if it is free and starts the singleton, after a wait if its previous holder vanished without letting
   * it go (see the class comment).
   */
  private void tryTake(Singleton singleton) {
    LockSession asked = session;
    long grant = proof.generation();
    running.put(singleton.name(), DEPLOYING);
    asked.take(singleton.name()).onComplete(ar -> {
      if (grant != proof.generation()) {
        return; // fenced meanwhile: the lock went with the session
      }
      if (ar.failed() || ar.result().isEmpty()) {
        running.remove(singleton.name());
        return;
      }
      Duration wait = ar.result().get();
      if (wait.isZero()) {
        deploy(singleton, grant);
        return;
      }
      LOG.info("Took the lock of {}; it starts here in {}, once its previous holder (gone without letting it go) has"
          + " surely stopped", singleton.name(), wait);
      vertx.setTimer(wait.toMillis(), id -> {
        if (proof.held(grant)) {
          deploy(singleton, grant);
        }
      });
    });
  }

  private static boolean transitional(String state) {
    return DEPLOYING.equals(state) || HANDING_OVER.equals(state);
  }

  /** More than this node's share (a node joined): stop it cleanly, then let its lock go to the newcomer. */
  private void handBack(Singleton singleton) {
    String id = running.get(singleton.name());
    long grant = proof.generation();
    LockSession holding = session;
    running.put(singleton.name(), HANDING_OVER);
    LOG.info("Handing {} over to another node (more than this node's share)", singleton.name());
    vertx.undeploy(id).onComplete(ar -> {
      if (grant == proof.generation()) {
        holding.release(singleton.name()).onComplete(v -> running.remove(singleton.name()));
      }
    });
  }

  private void deploy(Singleton singleton, long grant) {
    JsonObject config = singleton.config().copy().put(SingletonLease.GENERATION, grant);
    LockSession holding = session;
    vertx.deployVerticle("java:" + singleton.verticle(), new DeploymentOptions().setConfig(config))
        .onSuccess(id -> {
          if (grant != proof.generation()) {
            vertx.undeploy(id); // fenced while it started
            return;
          }
          running.put(singleton.name(), id);
          since.put(singleton.name(), Instant.now());
          LOG.info("This node now runs {} (once in the cluster)", singleton.name());
        })
        .onFailure(err -> {
          LOG.error("Could not deploy singleton {}: {}", singleton.name(), err.getMessage(), err);
          NodeStatus.forget(vertx, singleton.name()); // what it reported while starting does not run here
          if (grant == proof.generation()) {
            running.remove(singleton.name());
            holding.release(singleton.name()); // so another node can try
          }
        });
  }

  private void connect() {
    if (connecting) {
      return;
    }
    connecting = true;
    long attempt = ++attempts;
    long sent = System.nanoTime();
    // a connection attempt the network swallows would otherwise keep the node from ever trying again
    vertx.setTimer(lease.multipliedBy(2).toMillis(), id -> {
      if (connecting && attempt == attempts) {
        connecting = false;
        LOG.warn("Singletons: no answer from PostgreSQL within {}; trying again", lease.multipliedBy(2));
      }
    });
    LockSession.open(vertx, mraos).onComplete(ar -> {
      if (attempt != attempts || !connecting) {
        if (ar.succeeded()) {
          ar.result().abandon(); // too late: a newer attempt is under way
        }
        return;
      }
      connecting = false;
      if (ar.failed()) {
        LOG.warn("Singletons: cannot reach PostgreSQL ({}); retrying", ar.cause().getMessage());
        return;
      }
      LockSession opened = ar.result();
      opened.onClose(() -> {
        if (opened == session) {
          fence("lost the PostgreSQL connection holding their locks");
        }
      });
      session = opened;
      proof.renew(sent, lease);
      claim();
    });
  }

  /**
   * This node can no longer prove it holds its locks: every singleton here stops now (another node may take them), and
   * the node takes locks afresh once it reaches PostgreSQL again.
   */
  private void fence(String reason) {
    proof.revoke();
    List<String> stopping = running.entrySet().stream().filter(e -> !transitional(e.getValue())).map(Map.Entry::getKey)
        .sorted().toList();
    LOG.warn("Singletons: {}; {}", reason, stopping.isEmpty() ? "none ran here"
        : "stopping " + stopping + " here now (another node may take them)");
    running.values().stream().filter(id -> !transitional(id)).forEach(vertx::undeploy);
    running.clear();
    LockSession lost = session;
    session = null;
    if (lost != null) {
      lost.abandon();
    }
  }
}
