package mraos.load.mqtt;

import io.vertx.core.buffer.Buffer;

/**
 * The spec's count message (§4.2.1), byte for byte what {@code simulators.MesMqttPublisher.count} sends, built
 * without a JSON tree (the driver must stay cheaper than what it measures).
 */
final class CountPayload {

  private CountPayload() {
  }

  static Buffer of(String machineId, String workOrderId, String timestamp, int units, int cumulative) {
    return Buffer.buffer(json(machineId, workOrderId, timestamp, units, cumulative));
  }

  private static String json(String machineId, String workOrderId, String timestamp, int units, int cumulative) {
    StringBuilder json = new StringBuilder(200)
        .append("{\"machine_id\":\"").append(machineId)
        .append("\",\"work_order_id\":\"").append(workOrderId)
        .append("\",\"timestamp\":\"").append(timestamp)
        .append("\",\"units_produced\":").append(units)
        .append(",\"cumulative_units\":").append(cumulative)
        .append(",\"quality_status\":\"pass\",\"cycle_time_seconds\":44.8}");
    return json.toString();
  }

  /** The same message as bytes, for a publish written by hand ({@link PublishingConnection}). */
  static byte[] bytes(String machineId, String workOrderId, String timestamp, int units, int cumulative) {
    return json(machineId, workOrderId, timestamp, units, cumulative).getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }
}
