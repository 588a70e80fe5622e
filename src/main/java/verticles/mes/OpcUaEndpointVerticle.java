package verticles.mes;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import mraos.cluster.SingletonLease;
import mraos.config.MraosConfig;
import mraos.config.OpcUaConfig;
import mraos.config.OpcUaEndpoint;
import mraos.events.Addresses;
import mraos.health.NodeStatus;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.SessionActivityListener;
import org.eclipse.milo.opcua.sdk.client.UaSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The OPC UA client of one MES endpoint (spec §4.2.1), run once in the cluster: one session, one subscription with a
 * monitored item per status field per machine, and for each notification batch one message per machine that changed
 * (its whole latest status) to its line's actor at {@link Addresses#lineMachineStatus}. Its part of the integration status,
 * {@code opcua-<endpoint>} is up only while the session is active and the subscription exists.
 *
 * <p>Start-up never waits for the server. While the endpoint cannot be reached or refuses the session, a new attempt
 * follows after a backoff. Once connected, Milo re-establishes a lost session itself; when the server no longer has
 * the subscription (it restarted) or the subscription falls silent, this verticle re-creates it; when the session
 * stays lost for {@code mes.opcua.rediscover-after}, it starts over from discovery. Milo's calls run on Milo's
 * threads or in {@code executeBlocking}; everything they report hops back onto this verticle's context, the only
 * place its state is touched.
 *
 * <p>Deployment config: {@code {"mraos": <node config>, "endpoint": "<name under mes.opcua.endpoints>"}}.
 */
public final class OpcUaEndpointVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(OpcUaEndpointVerticle.class);

  /** The readiness component (and the singleton's name) of an endpoint. */
  public static String component(String endpoint) {
    return "opcua-" + endpoint;
  }

  private OpcUaEndpoint endpoint;
  private StatusSubscription.Settings subscriptionSettings;
  private long requestTimeoutMs;
  private long rediscoverAfterMs;
  private String component;
  private Context context;
  private ReconnectBackoff backoff;
  private EndpointClient endpointClient;
  /** By machine id: the machines this endpoint reports that the plant model knows. */
  private Map<String, MachineStatus> machines = Map.of();

  private OpcUaClient client;
  private boolean sessionActive;
  private StatusSubscription subscription;
  /** Counts subscription attempts; notifications and losses of older ones are ignored. */
  private int generation;
  private boolean creating;
  private long retryTimer = -1;
  private long rediscoverTimer = -1;
  private boolean stopped;
  /** Whether this node still holds the endpoint's lock: no status is passed on without it. */
  private SingletonLease.Proof lease;
  private Future<OpcUaClient> connecting = Future.succeededFuture();

  private final SessionActivityListener sessions = new SessionActivityListener() {
    @Override
    public void onSessionActive(UaSession session) {
      context.runOnContext(v -> sessionChanged(true));
    }

    @Override
    public void onSessionInactive(UaSession session) {
      context.runOnContext(v -> sessionChanged(false));
    }
  };

  @Override
  public Future<?> start() {
    MraosConfig mraos = MraosConfig.from(config().getJsonObject("mraos"));
    lease = SingletonLease.proof(vertx, config());
    OpcUaConfig opcua = mraos.opcua();
    String name = config().getString("endpoint");
    endpoint = opcua.endpoints().get(name);
    if (endpoint == null || !endpoint.connected()) {
      return Future.failedFuture(new IllegalArgumentException("No OPC UA endpoint with a url named " + name + " under mes.opcua.endpoints"));
    }
    component = component(name);
    context = vertx.getOrCreateContext();
    subscriptionSettings = new StatusSubscription.Settings(opcua.namespaceUri(), opcua.publishingInterval(), opcua.keepAlive(),
        opcua.samplingInterval());
    requestTimeoutMs = opcua.requestTimeout().toMillis();
    rediscoverAfterMs = opcua.rediscoverAfter().toMillis();
    backoff = new ReconnectBackoff(opcua.reconnectMin(), opcua.reconnectMax());
    report(false, "starting");
    // the plant model and the certificates are files (and key generation takes a moment): off the event loop
    return vertx.executeBlocking(() -> EndpointSetup.load(mraos, endpoint)).onSuccess(setup -> {
      machines = setup.machines();
      endpointClient = setup.client();
      connect();
    }).onFailure(err -> report(false, "cannot start: " + err.getMessage()));
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    vertx.cancelTimer(retryTimer);
    vertx.cancelTimer(rediscoverTimer);
    NodeStatus.forget(vertx, component);
    // a connection still being opened is closed as soon as it is (its handler, registered first, keeps the client)
    return connecting.otherwiseEmpty().compose(v -> {
      if (client == null) {
        return Future.succeededFuture();
      }
      client.removeSessionActivityListener(sessions);
      // closing the session deletes its subscription on the server
      return Future.fromCompletionStage(client.disconnectAsync(), context)
          .timeout(requestTimeoutMs, TimeUnit.MILLISECONDS).otherwiseEmpty().mapEmpty();
    });
  }

  private void connect() {
    retryTimer = -1;
    if (stopped) {
      return;
    }
    report(false, "connecting to " + endpoint.url());
    connecting = endpointClient.connect(context, sessions).onComplete(ar -> {
      if (ar.succeeded()) {
        client = ar.result();
        if (stopped) {
          return; // stop() closes it
        }
        sessionActive = true;
        LOG.info("OPC UA endpoint {}: session open to {} ({})", endpoint.name(), endpoint.url(), endpoint.securityMode());
        ensureSubscription();
      } else if (!stopped) {
        retryLater("cannot connect to " + endpoint.url() + ": " + EndpointClient.describe(ar.cause()), this::connect);
      }
    });
  }

  private void sessionChanged(boolean active) {
    sessionActive = active;
    if (stopped || client == null) {
      return;
    }
    if (!active) {
      LOG.warn("OPC UA endpoint {}: session to {} lost; reconnecting", endpoint.name(), endpoint.url());
      report(false, "session to " + endpoint.url() + " lost; reconnecting");
      if (rediscoverTimer < 0) {
        rediscoverTimer = vertx.setTimer(rediscoverAfterMs, id -> {
          rediscoverTimer = -1;
          rediscover();
        });
      }
      return;
    }
    vertx.cancelTimer(rediscoverTimer);
    rediscoverTimer = -1;
    if (subscription != null) {
      LOG.info("OPC UA endpoint {}: session to {} re-established", endpoint.name(), endpoint.url());
      report(true, upDetail());
    } else {
      ensureSubscription();
    }
  }

  /**
   * Milo retries a lost session with the endpoint (and server certificate) it discovered first. When that has not
   * worked for {@code rediscover-after}, the server may have changed: drop the client and start over from discovery.
   */
  private void rediscover() {
    if (stopped || sessionActive || client == null) {
      return;
    }
    LOG.warn("OPC UA endpoint {}: the session to {} has not come back for {} ms; starting over from discovery",
        endpoint.name(), endpoint.url(), rediscoverAfterMs);
    OpcUaClient lost = client;
    client = null;
    subscription = null;
    generation++;
    lost.removeSessionActivityListener(sessions);
    Future.fromCompletionStage(lost.disconnectAsync(), context)
        .onFailure(err -> LOG.debug("OPC UA endpoint {}: closing the old client: {}", endpoint.name(), err.getMessage()));
    connect();
  }

  /** Creates the subscription when the session is up and there is none (first time, or after it was lost). */
  private void ensureSubscription() {
    if (stopped || client == null || !sessionActive || subscription != null || creating) {
      return;
    }
    creating = true;
    int attempt = ++generation;
    OpcUaClient forClient = client;
    report(false, "session open to " + endpoint.url() + "; creating the subscription");
    vertx.executeBlocking(() -> StatusSubscription.create(forClient, subscriptionSettings, machines.keySet(), attempt, context,
        new StatusSubscription.Listener() {
          @Override
          public void onUpdates(StatusSubscription from, List<StatusSubscription.Update> updates) {
            deliver(from, updates);
          }

          @Override
          public void onLost(StatusSubscription from, String reason) {
            lost(from, reason);
          }
        })).onComplete(ar -> {
          creating = false;
          if (stopped || forClient != client || attempt != generation) {
            if (ar.succeeded()) {
              ar.result().discard();
            }
            ensureSubscription();
          } else if (ar.failed()) {
            retryLater("cannot create the subscription: " + EndpointClient.describe(ar.cause()), this::ensureSubscription);
          } else {
            subscription = ar.result();
            backoff.reset();
            LOG.info("OPC UA endpoint {}: {}", endpoint.name(), upDetail());
            if (!subscription.refusedItems().isEmpty()) {
              LOG.warn("OPC UA endpoint {}: the server refused {}", endpoint.name(), subscription.refusedItems());
            }
            report(sessionActive, sessionActive ? upDetail() : "session to " + endpoint.url() + " lost; reconnecting");
          }
        });
  }

  /** One message per machine in this batch, carrying the machine's whole latest status. */
  private void deliver(StatusSubscription from, List<StatusSubscription.Update> updates) {
    if (stopped || from.generation() != generation || !lease.held()) {
      return;
    }
    Set<MachineStatus> changed = new LinkedHashSet<>();
    for (StatusSubscription.Update update : updates) {
      MachineStatus machine = machines.get(update.machineId());
      if (machine != null && machine.apply(update.field(), update.value())) {
        changed.add(machine);
      }
    }
    for (MachineStatus machine : changed) {
      JsonObject message = machine.toJson(endpoint.name());
      vertx.eventBus().send(Addresses.lineMachineStatus(machine.lineId()), message);
      LOG.debug("OPC UA endpoint {}: {}", endpoint.name(), message);
    }
  }

  private void lost(StatusSubscription from, String reason) {
    if (stopped || from.generation() != generation) {
      return;
    }
    LOG.warn("OPC UA endpoint {}: subscription {} lost: {}; re-creating it", endpoint.name(), from.id(), reason);
    from.discard();
    subscription = null;
    generation++; // a creation still under way belongs to the lost one's time: it is discarded and started again
    report(false, "subscription lost (" + reason + "); re-creating it");
    ensureSubscription();
  }

  private void retryLater(String problem, Runnable attempt) {
    long delay = backoff.nextDelayMs();
    String detail = problem + "; next attempt in " + String.format(java.util.Locale.ROOT, "%.1f s", delay / 1000.0);
    LOG.warn("OPC UA endpoint {}: {}", endpoint.name(), detail);
    report(false, detail);
    retryTimer = vertx.setTimer(delay, id -> {
      retryTimer = -1;
      attempt.run();
    });
  }

  private String upDetail() {
    List<String> refused = subscription.refusedItems();
    return "session open to " + endpoint.url() + " (" + endpoint.securityMode() + "), subscription " + subscription.id()
        + " monitoring " + subscription.monitoredItems() + " values of " + machines.size() + " machines"
        + (refused.isEmpty() ? "" : "; the server refused " + refused.size() + " of them");
  }

  private void report(boolean up, String detail) {
    if (!stopped) {
      NodeStatus.report(vertx, component, MraosConfig.MES, up ? NodeStatus.State.UP : NodeStatus.State.DOWN, detail);
    }
  }
}
