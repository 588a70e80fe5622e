package mraos.load.mqtt;

import io.vertx.mqtt.MqttClient;

import java.util.BitSet;

/**
 * One simulated machine: its own MQTT connection, its own work order, cumulative counts 1, 2, 3, ... at QoS 1, and
 * which of them the broker acknowledged (PUBACK). Touched on its publisher's event loop only.
 */
final class Machine {

  final String lineId;
  final String machineId;
  final String workOrderId;
  final String topic;
  /** Where in a second this machine's messages fall, so that machines do not all publish in the same millisecond. */
  final double phase;
  MqttClient client;
  int sent;
  /** Counts the node has committed (the work order's quantity_produced as last read). */
  int committed;
  /** System.nanoTime of each count's publish, by count (index 0 unused). */
  private long[] sentNanos = new long[1024];
  int inflight;
  int acked;
  int failed;
  final BitSet ackedCounts = new BitSet();
  /** cumulative count by packet id (0: none), and PUBACKs seen before the publish future completed. */
  private final int[] countByPacket = new int[65_536];
  private final long[] sentAtByPacket = new long[65_536];
  private final BitSet earlyAcks = new BitSet(65_536);

  Machine(String lineId, String machineId, String workOrderId, double phase) {
    this.lineId = lineId;
    this.machineId = machineId;
    this.workOrderId = workOrderId;
    this.topic = BenchPlant.countTopic(lineId, machineId);
    this.phase = phase;
  }

  void sending(int count, long at) {
    if (count >= sentNanos.length) {
      sentNanos = java.util.Arrays.copyOf(sentNanos, Math.max(count + 1, sentNanos.length * 2));
    }
    sentNanos[count] = at;
  }

  long sentAt(int count) {
    return sentNanos[count];
  }

  /** The publish of {@code count} went out as {@code packetId} at {@code sentAt} (nanoTime). */
  void published(int packetId, int count, long sentAt, Histogram pubacks) {
    if (earlyAcks.get(packetId)) {
      earlyAcks.clear(packetId);
      acknowledged(count, sentAt, pubacks);
    } else {
      countByPacket[packetId] = count;
      sentAtByPacket[packetId] = sentAt;
    }
  }

  void puback(int packetId, Histogram pubacks) {
    int count = countByPacket[packetId];
    if (count == 0) {
      earlyAcks.set(packetId);
      return;
    }
    countByPacket[packetId] = 0;
    acknowledged(count, sentAtByPacket[packetId], pubacks);
  }

  void publishFailed() {
    inflight--;
    failed++;
  }

  private void acknowledged(int count, long sentAt, Histogram pubacks) {
    inflight--;
    acked++;
    ackedCounts.set(count);
    pubacks.record((System.nanoTime() - sentAt) / 1000);
  }
}
