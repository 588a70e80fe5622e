package simulators;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Objects;

/**
 * The simulated MES's connection to the MQTT broker: one QoS 1 publisher, connected again when it is lost. A message
 * whose publish fails is sent again (the same message, so MRAOS counts it once) after a pause, until it is
 * acknowledged or the broker is closed. Used on one Vert.x context.
 */
final class MesBroker {

  private static final Logger LOG = LoggerFactory.getLogger(MesBroker.class);

  private final Vertx vertx;
  private final String url;
  private final String clientId;
  private final String username;
  private final String password;
  private final Duration retryDelay;
  private MesMqttPublisher publisher;
  private Future<MesMqttPublisher> connecting;
  private boolean closed;
  private boolean warned;

  MesBroker(Vertx vertx, String url, String clientId, String username, String password, Duration retryDelay) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.url = Objects.requireNonNull(url, "url");
    this.clientId = Objects.requireNonNull(clientId, "clientId");
    this.username = username;
    this.password = password;
    this.retryDelay = retryDelay;
  }

  /** Publishes at QoS 1; completes once the broker acknowledged it (failed only when the broker was closed). */
  Future<Void> publish(String topic, JsonObject message) {
    Promise<Void> acknowledged = Promise.promise();
    attempt(topic, message, acknowledged);
    return acknowledged.future();
  }

  private void attempt(String topic, JsonObject message, Promise<Void> acknowledged) {
    if (closed) {
      acknowledged.tryFail("the simulated MES's broker connection is closed");
      return;
    }
    connected().compose(p -> p.publish(topic, message)).onComplete(ar -> {
      if (ar.succeeded()) {
        if (warned) {
          warned = false;
          LOG.info("Simulated plant: the MES publishes to {} again", url);
        }
        acknowledged.tryComplete();
        return;
      }
      if (!warned && !closed) {
        warned = true;
        LOG.warn("Simulated plant: the MES cannot publish to {} ({}); machines wait and try again every {}", url,
            ar.cause().getMessage(), retryDelay);
      }
      vertx.setTimer(Math.max(1, retryDelay.toMillis()), id -> attempt(topic, message, acknowledged));
    });
  }

  private Future<MesMqttPublisher> connected() {
    if (publisher != null && publisher.connected()) {
      return Future.succeededFuture(publisher);
    }
    if (connecting == null) {
      connecting = MesMqttPublisher.connect(vertx, url, clientId, username, password)
          .onSuccess(connectedPublisher -> publisher = connectedPublisher)
          .onComplete(ar -> connecting = null);
    }
    return connecting;
  }

  Future<Void> close() {
    closed = true;
    return publisher == null ? Future.succeededFuture() : publisher.disconnect().otherwiseEmpty();
  }
}
