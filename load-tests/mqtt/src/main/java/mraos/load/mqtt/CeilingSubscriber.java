package mraos.load.mqtt;

import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import io.vertx.mqtt.messages.MqttPublishMessage;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The ceiling's consumer: a plain QoS 1 subscriber per line, on the same topics and with the same kind of session as
 * the node's line actors (persistent session, one per line), that acknowledges each message as it arrives and does
 * nothing else but note when it came. What the broker and this machine can pass through when nobody validates,
 * writes or waits for a commit.
 *
 * <pre>java -cp load-tests/mqtt/target/classes:target/lib/* mraos.load.mqtt.CeilingSubscriber broker=mqtt://127.0.0.1:11883 lines=10</pre>
 *
 * The driver asks for its figures on {@value #REQUEST} and gets them on {@value #REPORT}.
 */
public final class CeilingSubscriber {

  static final String REQUEST = "mraos-load/ceiling/request";
  static final String REPORT = "mraos-load/ceiling/report";

  /** One line's session: what arrived, when, and which counts of which work order. Touched on its event loop only. */
  private static final class LineInbox extends VerticleBase {
    final URI broker;
    final String lineId;
    long[] publishedMicros = new long[1 << 16];
    long[] receivedMicros = new long[1 << 16];
    int size;
    long duplicates;
    final Map<String, BitSet> countsByOrder = new HashMap<>();
    MqttClient client;

    LineInbox(URI broker, String lineId) {
      this.broker = broker;
      this.lineId = lineId;
    }

    @Override
    public Future<?> start() {
      MqttClientOptions options = new MqttClientOptions().setClientId("ceiling-" + lineId).setCleanSession(false)
          .setAutoKeepAlive(true).setMaxMessageSize(256 * 1024);
      options.setAutoAck(true); // PUBACK as soon as it arrives
      client = MqttClient.create(vertx, options);
      client.publishHandler(this::received);
      return client.connect(port(broker), broker.getHost())
          .compose(ack -> client.subscribe("mes/production/" + lineId + "/machine/+/count", MqttQoS.AT_LEAST_ONCE.value()));
    }

    Context context() {
      return context;
    }

    void received(MqttPublishMessage message) {
      long now = micros(Instant.now());
      Buffer payload = message.payload();
      String text = payload.toString(StandardCharsets.UTF_8);
      String order = field(text, "\"work_order_id\":\"", '"');
      String timestamp = field(text, "\"timestamp\":\"", '"');
      int count = Integer.parseInt(field(text, "\"cumulative_units\":", ','));
      if (size == publishedMicros.length) {
        publishedMicros = java.util.Arrays.copyOf(publishedMicros, size * 2);
        receivedMicros = java.util.Arrays.copyOf(receivedMicros, size * 2);
      }
      publishedMicros[size] = micros(Instant.parse(timestamp));
      receivedMicros[size] = now;
      size++;
      BitSet counts = countsByOrder.computeIfAbsent(order, k -> new BitSet());
      if (counts.get(count)) {
        duplicates++;
      }
      counts.set(count);
    }

    /** Leaves the broker without a session behind: nothing queues for this subscriber once it is gone. */
    Future<Void> leave() {
      return client.unsubscribe("mes/production/" + lineId + "/machine/+/count").compose(v -> client.disconnect());
    }

    void reset() {
      size = 0;
      duplicates = 0;
      countsByOrder.clear();
    }
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> a = new HashMap<>();
    for (String arg : args) {
      a.put(arg.substring(0, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
    }
    URI broker = URI.create(a.getOrDefault("broker", "mqtt://127.0.0.1:11883"));
    int lines = Integer.parseInt(a.getOrDefault("lines", "10"));
    Vertx vertx = Vertx.vertx();
    List<LineInbox> inboxes = new ArrayList<>();
    for (int l = 1; l <= lines; l++) {
      // one verticle per line, as the node deploys its line actors: they spread over the event loops
      LineInbox inbox = new LineInbox(broker, BenchPlant.lineId(l));
      inboxes.add(inbox);
      vertx.deployVerticle(inbox).await(30, TimeUnit.SECONDS);
    }
    MqttClient control = MqttClient.create(vertx, new MqttClientOptions().setClientId("ceiling-control").setCleanSession(true));
    control.publishHandler(request -> report(vertx, control, inboxes, request.payload().toJsonObject()));
    control.connect(port(broker), broker.getHost()).compose(ack -> control.subscribe(REQUEST, 1)).await(30, TimeUnit.SECONDS);
    System.out.println("Ceiling subscriber: " + lines + " line session(s) on " + broker + ", ready");
    Runtime.getRuntime().addShutdownHook(new Thread(() -> vertx.close(), "shutdown"));
  }

  /**
   * {"reset": true} forgets everything; {"stop": true} unsubscribes, disconnects and exits; {"runPrefix", "windowStart",
   * "windowEnd" (µs)} reports.
   */
  private static void report(Vertx vertx, MqttClient control, List<LineInbox> inboxes, JsonObject request) {
    if (request.getBoolean("stop", false)) {
      List<Future<Void>> left = new ArrayList<>();
      for (LineInbox inbox : inboxes) {
        Promise<Void> done = Promise.promise();
        inbox.context().runOnContext(v -> inbox.leave().onComplete(done));
        left.add(done.future());
      }
      Future.join(left).onComplete(v -> control.publish(REPORT, new JsonObject().put("request", request.getValue("request"))
              .put("stopped", true).toBuffer(), MqttQoS.AT_LEAST_ONCE, false, false)
          .compose(id -> control.unsubscribe(REQUEST)).compose(x -> control.disconnect())
          .onComplete(x -> vertx.close().onComplete(y -> System.exit(0))));
      return;
    }
    List<Future<Part>> parts = new ArrayList<>();
    for (LineInbox inbox : inboxes) {
      Promise<Part> part = Promise.promise();
      inbox.context().runOnContext(v -> {
        if (request.getBoolean("reset", false)) {
          inbox.reset();
          part.complete(null);
          return;
        }
        part.complete(summary(inbox, request.getString("runPrefix"), request.getLong("windowStart"), request.getLong("windowEnd")));
      });
      parts.add(part.future());
    }
    Future.all(parts).onSuccess(all -> {
      JsonObject answer = new JsonObject().put("request", request.getValue("request"));
      if (!request.getBoolean("reset", false)) {
        Histogram latency = new Histogram();
        JsonObject orders = new JsonObject();
        long duplicates = 0;
        long receivedInWindow = 0;
        long[] perSecond = null;
        for (Part p : all.<Part>list()) {
          latency.add(p.latency());
          orders.mergeIn(p.orders());
          duplicates += p.duplicates();
          receivedInWindow += p.receivedInWindow();
          if (perSecond == null) {
            perSecond = p.perSecond().clone();
          } else {
            for (int i = 0; i < perSecond.length; i++) {
              perSecond[i] += p.perSecond()[i];
            }
          }
        }
        JsonArray seconds = new JsonArray();
        for (long n : perSecond == null ? new long[0] : perSecond) {
          seconds.add(n);
        }
        answer.put("latency", latency.millis()).put("orders", orders).put("duplicates", duplicates)
            .put("receivedInWindow", receivedInWindow).put("perSecond", seconds);
      }
      control.publish(REPORT, answer.toBuffer(), MqttQoS.AT_LEAST_ONCE, false, false);
    });
  }

  /** One line's figures for the window. */
  private record Part(Histogram latency, JsonObject orders, long duplicates, long receivedInWindow, long[] perSecond) {
  }

  private static Part summary(LineInbox inbox, String runPrefix, long windowStart, long windowEnd) {
    Histogram latency = new Histogram();
    int seconds = (int) Math.max(1, (windowEnd - windowStart) / 1_000_000);
    long[] perSecond = new long[seconds];
    long receivedInWindow = 0;
    for (int i = 0; i < inbox.size; i++) {
      long published = inbox.publishedMicros[i];
      long received = inbox.receivedMicros[i];
      if (published >= windowStart && published < windowEnd) {
        latency.record(received - published);
      }
      if (received >= windowStart && received < windowEnd) {
        receivedInWindow++;
        perSecond[(int) Math.min(seconds - 1, (received - windowStart) / 1_000_000)]++;
      }
    }
    JsonObject orders = new JsonObject();
    inbox.countsByOrder.forEach((order, counts) -> {
      if (order.startsWith(runPrefix)) {
        orders.put(order, new JsonArray().add(counts.cardinality()).add(counts.length() - 1));
      }
    });
    return new Part(latency, orders, inbox.duplicates, receivedInWindow, perSecond);
  }

  static long micros(Instant t) {
    return t.getEpochSecond() * 1_000_000 + t.getNano() / 1_000;
  }

  private static String field(String text, String key, char end) {
    int start = text.indexOf(key) + key.length();
    return text.substring(start, text.indexOf(end, start));
  }

  private static int port(URI uri) {
    return uri.getPort() > 0 ? uri.getPort() : 1883;
  }
}
