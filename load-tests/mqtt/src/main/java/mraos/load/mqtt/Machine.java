package mraos.load.mqtt;

import java.util.BitSet;

/**
 * One simulated machine: its own topic and work order, cumulative counts 1, 2, 3, ... at QoS 1 on a connection it may
 * share with other machines, and which of them the broker acknowledged (PUBACK). Touched on its publisher's event loop
 * only.
 */
final class Machine {

  final String lineId;
  final String machineId;
  final String workOrderId;
  final String topic;
  final byte[] topicBytes;
  /** Where in a second this machine's messages fall, so that machines do not all publish in the same millisecond. */
  final double phase;
  PublishingConnection connection;
  int sent;
  /** Counts the node has committed (the work order's quantity_produced as last read). */
  int committed;
  /** System.nanoTime of each count's publish, by count (index 0 unused). */
  private long[] sentNanos = new long[1024];
  int inflight;
  int acked;
  int failed;
  final BitSet ackedCounts = new BitSet();

  Machine(String lineId, String machineId, String workOrderId, double phase) {
    this.lineId = lineId;
    this.machineId = machineId;
    this.workOrderId = workOrderId;
    this.topic = BenchPlant.countTopic(lineId, machineId);
    this.topicBytes = topic.getBytes(java.nio.charset.StandardCharsets.UTF_8);
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

  void publishFailed() {
    inflight--;
    failed++;
  }

  /** The broker acknowledged (PUBACK) the publish of {@code count}, sent at {@code sentAt} (nanoTime). */
  void acknowledged(int count, long sentAt, Histogram pubacks) {
    inflight--;
    acked++;
    ackedCounts.set(count);
    pubacks.record((System.nanoTime() - sentAt) / 1000);
  }
}
