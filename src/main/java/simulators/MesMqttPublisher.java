package simulators;

import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;

import java.net.URI;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The MES's side of MQTT (spec §4.2.1): publishes production counts, quality inspections and downtime events for a
 * line's machines, at QoS 1, on the MES's topics. Used by the tests, the plant simulation and the load driver.
 */
public final class MesMqttPublisher {

  private final MqttClient client;
  /** QoS 1 publishes waiting for the broker's PUBACK, by packet id. Touched on the client's event loop only. */
  private final Map<Integer, Promise<Integer>> unacknowledged = new HashMap<>();
  /** PUBACKs that came before their publish's completion was seen (both arrive on the same loop, in either order). */
  private final Set<Integer> acknowledgedEarly = new HashSet<>();

  private MesMqttPublisher(MqttClient client) {
    this.client = client;
    client.publishCompletionHandler(packetId -> {
      Promise<Integer> promise = unacknowledged.remove(packetId);
      if (promise != null) {
        promise.complete(packetId);
      } else {
        acknowledgedEarly.add(packetId);
      }
    });
  }

  /** Connects to the broker at {@code url} (mqtt://host:port) as {@code clientId}. */
  public static Future<MesMqttPublisher> connect(Vertx vertx, String url, String clientId) {
    return connect(vertx, url, clientId, "", "");
  }

  /** The same with a login (an empty username: none). */
  public static Future<MesMqttPublisher> connect(Vertx vertx, String url, String clientId, String username, String password) {
    URI uri = URI.create(url);
    MqttClientOptions options = new MqttClientOptions().setClientId(clientId).setCleanSession(true)
        .setMaxInflightQueue(65_535).setAutoKeepAlive(true);
    if (username != null && !username.isEmpty()) {
      options.setUsername(username).setPassword(password);
    }
    MqttClient client = MqttClient.create(vertx, options);
    return client.connect(uri.getPort() > 0 ? uri.getPort() : 1883, uri.getHost()).map(ack -> new MesMqttPublisher(client));
  }

  public static String countTopic(String line, String machine) {
    return "mes/production/" + line + "/machine/" + machine + "/count";
  }

  public static String inspectionTopic(String line, String machine) {
    return "mes/quality/" + line + "/machine/" + machine + "/inspection";
  }

  public static String downtimeTopic(String line, String machine) {
    return "mes/downtime/" + line + "/machine/" + machine + "/event";
  }

  /** The spec's count message: one unit (or more) of a work order made on a machine. */
  public static JsonObject count(String machine, String workOrder, Instant at, int units, int cumulative) {
    return count(machine, workOrder, at, units, cumulative, "pass", 44.8);
  }

  /** The same with the unit's quality status ("pass" or "fail") and the cycle time it took. */
  public static JsonObject count(String machine, String workOrder, Instant at, int units, int cumulative, String qualityStatus,
                                 double cycleTimeSeconds) {
    return new JsonObject().put("machine_id", machine).put("work_order_id", workOrder).put("timestamp", at.toString())
        .put("units_produced", units).put("cumulative_units", cumulative).put("quality_status", qualityStatus)
        .put("cycle_time_seconds", cycleTimeSeconds);
  }

  public static JsonObject inspection(String machine, String workOrder, Instant at, String inspectionId, boolean defect,
                                      String defectType) {
    return new JsonObject().put("machine_id", machine).put("work_order_id", workOrder).put("timestamp", at.toString())
        .put("inspection_id", inspectionId).put("inspection_type", "inline_automated").put("result", defect ? "fail" : "pass")
        .put("defect_detected", defect).put("defect_type", defectType).put("inspector", "AutoInspect_System");
  }

  public static JsonObject downtime(String machine, Instant at, boolean started, String reasonCode, String reason,
                                    String workOrderAffected) {
    return downtime(machine, at, started, reasonCode, reason, "high", 45, workOrderAffected);
  }

  /** The same with the severity and the estimated repair time the MES gives. */
  public static JsonObject downtime(String machine, Instant at, boolean started, String reasonCode, String reason,
                                    String severity, int estimatedRepairMinutes, String workOrderAffected) {
    return new JsonObject().put("event_type", started ? "downtime.started" : "downtime.ended").put("machine_id", machine)
        .put("timestamp", at.toString()).put("downtime_reason_code", reasonCode).put("downtime_reason_description", reason)
        .put("severity", severity).put("estimated_repair_time_minutes", estimatedRepairMinutes)
        .put("work_order_affected", workOrderAffected);
  }

  /** Publishes at QoS 1; the future completes when the broker acknowledged it. */
  public Future<Integer> publish(String topic, JsonObject message) {
    return publish(topic, message.toBuffer());
  }

  public Future<Integer> publish(String topic, Buffer payload) {
    return client.publish(topic, payload, MqttQoS.AT_LEAST_ONCE, false, false).compose(packetId -> {
      if (acknowledgedEarly.remove(packetId)) {
        return Future.succeededFuture(packetId);
      }
      Promise<Integer> acknowledged = Promise.promise();
      unacknowledged.put(packetId, acknowledged);
      return acknowledged.future();
    });
  }

  public boolean connected() {
    return client.isConnected();
  }

  public Future<Void> disconnect() {
    return client.isConnected() ? client.disconnect() : Future.succeededFuture();
  }
}
