package mraos.cluster;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.Shareable;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * This node's proof that it still holds the locks of the singletons it runs: granted while its lock connection answers
 * ({@link ClusterSingletons} renews it at every answer, for {@code cluster.singleton-lease} from when the question was
 * sent), void the moment the connection drops, and void on its own once the lease runs out unanswered, whatever the
 * node's event loops are doing. A singleton keeps the {@link Proof} it was deployed under and asks it before every act
 * another node must not do at the same time (a line before it reads or acknowledges, an outbound path before it claims
 * calls, the scheduler before it runs a job). Node-local; read from any thread.
 */
public final class SingletonLease implements Shareable {

  /** Deployment config key of a singleton: the grant it was deployed under. */
  public static final String GENERATION = "singleton-lease-generation";
  private static final String MAP = "mraos.cluster.lease";

  private final AtomicLong generation = new AtomicLong();
  private volatile long expiresAtNanos;
  private volatile boolean granted;

  private SingletonLease() {
  }

  public static SingletonLease of(Vertx vertx) {
    return vertx.sharedData().<String, SingletonLease>getLocalMap(MAP).computeIfAbsent("lease", k -> new SingletonLease());
  }

  /**
   * The proof of the singleton deployed with {@code config}. A verticle not deployed by {@link ClusterSingletons} (no
   * grant in its config) is not a singleton and is never fenced.
   */
  public static Proof proof(Vertx vertx, JsonObject config) {
    Long granted = config.getLong(GENERATION);
    return granted == null ? Proof.UNFENCED : new Proof(of(vertx), granted);
  }

  /** The current grant, to deploy a singleton under. */
  long generation() {
    return generation.get();
  }

  /** The lock connection answered a question sent at {@code sentAtNanos}: the locks were held then. */
  void renew(long sentAtNanos, Duration lease) {
    long until = sentAtNanos + lease.toNanos();
    if (!granted || until - expiresAtNanos > 0) {
      expiresAtNanos = until;
    }
    granted = true;
  }

  /** The locks can no longer be proven: every proof of the current grant is void from now on. */
  void revoke() {
    granted = false;
    generation.incrementAndGet();
  }

  /** Granted, but no answer came within the lease. */
  boolean expired() {
    return granted && System.nanoTime() - expiresAtNanos >= 0;
  }

  boolean held(long grant) {
    return granted && generation.get() == grant && System.nanoTime() - expiresAtNanos < 0;
  }

  /** What a singleton holds: whether it may still act. */
  public static final class Proof {

    static final Proof UNFENCED = new Proof(null, 0);

    private final SingletonLease lease;
    private final long grant;

    private Proof(SingletonLease lease, long grant) {
      this.lease = lease;
      this.grant = grant;
    }

    /** True while this node provably holds the singleton's lock (always, for a verticle that is not a singleton). */
    public boolean held() {
      return lease == null || lease.held(grant);
    }
  }
}
