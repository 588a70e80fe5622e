package verticles.lines;

import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Vertx;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import io.vertx.mqtt.messages.MqttPublishMessage;
import mraos.config.MqttConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A line's session on the MES's MQTT broker: client id {@code <prefix>-<line>}, clean session off (the broker keeps
 * what arrives while the line is away, or moving to another node), QoS 1 subscriptions to the line's whole production,
 * quality and downtime trees (so a message on a topic of the wrong shape reaches the line and becomes a dead letter,
 * instead of being acknowledged by the broker and dropped for want of a subscriber), and no automatic acknowledgement: a
 * message is acknowledged only when its effect is committed. Reconnects with the configured backoff (spec §4.4). Used on
 * its owner's event loop only.
 */
final class MqttLineSession {

  private static final Logger LOG = LoggerFactory.getLogger(MqttLineSession.class);

  /** A message received on one connection; acknowledging it is only meaningful on that same connection. */
  record Received(MqttPublishMessage message, int connection) {
  }

  private final Vertx vertx;
  private final MqttConfig config;
  private final String lineId;
  private final Consumer<Received> onMessage;
  private final Consumer<Boolean> onConnected;
  private MqttClient client;
  private int connection;
  private int attempt;
  private boolean wanted;
  private boolean connecting;
  private long retryTimer = -1;

  MqttLineSession(Vertx vertx, MqttConfig config, String lineId, Consumer<Received> onMessage, Consumer<Boolean> onConnected) {
    this.vertx = vertx;
    this.config = config;
    this.lineId = lineId;
    this.onMessage = onMessage;
    this.onConnected = onConnected;
  }

  /** What a line subscribes to: its three trees whole ({@code #} also matches the line's level itself). */
  static Map<String, Integer> topics(String lineId) {
    Map<String, Integer> topics = new LinkedHashMap<>();
    topics.put("mes/production/" + lineId + "/#", MqttQoS.AT_LEAST_ONCE.value());
    topics.put("mes/quality/" + lineId + "/#", MqttQoS.AT_LEAST_ONCE.value());
    topics.put("mes/downtime/" + lineId + "/#", MqttQoS.AT_LEAST_ONCE.value());
    return topics;
  }

  /**
   * What a line subscribed to before it took its whole trees. The broker keeps a persistent session's subscriptions, so
   * a session made by an older MRAOS still has these: they are dropped after each subscription (after, so that nothing
   * published in between finds no subscription; a message both match meanwhile may come twice and is applied once).
   */
  static List<String> narrowerTopics(String lineId) {
    return List.of("mes/production/" + lineId + "/machine/+/count", "mes/quality/" + lineId + "/machine/+/inspection",
        "mes/downtime/" + lineId + "/machine/+/event");
  }

  /** Connects now and keeps reconnecting until {@link #stop()} or {@link #pause()}. */
  void start() {
    wanted = true;
    connect();
  }

  /** Stops reading: the connection closes, the broker keeps the session and what arrives for it. */
  void pause() {
    wanted = false;
    cancelRetry();
    if (client != null && client.isConnected()) {
      LOG.info("Line {}: stops reading from the MQTT broker until its buffer drains", lineId);
      client.disconnect();
    }
  }

  void resume() {
    if (!wanted) {
      wanted = true;
      attempt = 0;
      connect();
    }
  }

  /** Leaves the broker for good (the node stops, or the line moves): the session keeps what arrives for the line. */
  void stop() {
    wanted = false;
    cancelRetry();
    if (client != null && client.isConnected()) {
      LOG.info("Line {}: leaves the MQTT broker; its session there keeps what arrives", lineId);
      client.disconnect();
    }
  }

  boolean connected() {
    return client != null && client.isConnected();
  }

  /** Acknowledges (PUBACK) a message if the connection it came on is still the current one; otherwise the broker will
   * deliver it again on this connection (and the line applies it once). */
  boolean ack(Received received) {
    if (received.connection() != connection || client == null || !client.isConnected()) {
      return false;
    }
    received.message().ack();
    return true;
  }

  int connection() {
    return connection;
  }

  private void connect() {
    if (!wanted || connecting || connected()) {
      return;
    }
    connecting = true;
    URI uri = URI.create(config.url());
    MqttClientOptions options = new MqttClientOptions()
        .setClientId(config.clientIdPrefix() + "-" + lineId)
        .setCleanSession(false)
        .setAutoKeepAlive(true)
        .setKeepAliveInterval((int) Math.max(1, config.keepAlive().toSeconds()))
        .setMaxMessageSize(config.maxPacketSize()) // larger messages are read, and refused (mqtt.max-message-size)
        .setMaxInflightQueue(65_535);
    options.setAutoAck(false); // acknowledged after commit, by ack()
    if (!config.username().isEmpty()) {
      options.setUsername(config.username()).setPassword(config.password());
    }
    MqttClient next = MqttClient.create(vertx, options);
    int thisConnection = ++connection;
    next.publishHandler(message -> onMessage.accept(new Received(message, thisConnection)));
    next.closeHandler(v -> {
      if (client == next) {
        if (wanted) {
          LOG.warn("Line {}: MQTT connection to {} closed", lineId, config.url());
        }
        onConnected.accept(false);
        scheduleReconnect();
      }
    });
    client = next;
    next.connect(uri.getPort() > 0 ? uri.getPort() : 1883, uri.getHost())
        .compose(ack -> next.subscribe(topics(lineId)))
        .compose(subscribed -> next.unsubscribe(narrowerTopics(lineId)))
        .onComplete(ar -> {
          connecting = false;
          if (ar.succeeded()) {
            attempt = 0;
            LOG.info("Line {}: subscribed on {} as {}", lineId, config.url(), options.getClientId());
            onConnected.accept(true);
            if (!wanted) {
              next.disconnect();
            }
          } else {
            LOG.warn("Line {}: cannot connect to the MQTT broker {} ({})", lineId, config.url(), ar.cause().getMessage());
            if (next.isConnected()) {
              next.disconnect();
            }
            onConnected.accept(false);
            scheduleReconnect();
          }
        });
  }

  private void scheduleReconnect() {
    if (!wanted || retryTimer >= 0) {
      return;
    }
    List<Duration> delays = config.reconnectDelays();
    Duration delay = delays.get(Math.min(attempt, delays.size() - 1));
    attempt++;
    LOG.info("Line {}: reconnecting to the MQTT broker in {}", lineId, delay);
    retryTimer = vertx.setTimer(Math.max(1, delay.toMillis()), id -> {
      retryTimer = -1;
      connect();
    });
  }

  private void cancelRetry() {
    if (retryTimer >= 0) {
      vertx.cancelTimer(retryTimer);
      retryTimer = -1;
    }
  }
}
