package mraos.load.mqtt;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One MQTT 3.1.1 connection (clean session, no keep-alive) publishing QoS 1 count messages for several machines,
 * written by hand on a Vert.x {@link NetSocket} so that the driver stays cheaper than what it measures: every publish
 * due in a tick goes out in one write (one system call, one TCP segment or a few) instead of one write per message,
 * and a PUBACK costs a table look-up, not a future. The broker sees ordinary PUBLISH packets on each machine's own
 * topic, in order per machine. Packet ids are this connection's; each maps to the machine and count it carried, so
 * the accounting stays per machine and exact. Touched on its publisher's event loop only.
 */
final class PublishingConnection {

  private static final int PUBLISH_QOS1 = 0x32;
  private static final int CONNACK = 0x20;
  private static final int PUBACK = 0x40;

  private final NetSocket socket;
  private final Histogram pubacks;
  private final Machine[] machineByPacket = new Machine[65_536];
  private final int[] countByPacket = new int[65_536];
  private final long[] sentAtByPacket = new long[65_536];
  private int nextPacket;
  private int inflight;
  private Buffer pending;
  private Buffer received = Buffer.buffer();
  private Promise<Void> connAck;
  private boolean closed;

  private PublishingConnection(NetSocket socket, Histogram pubacks) {
    this.socket = socket;
    this.pubacks = pubacks;
  }

  /** Connects, sends CONNECT and completes on the broker's CONNACK. */
  static Future<PublishingConnection> connect(NetClient client, String host, int port, String clientId, Histogram pubacks) {
    return client.connect(port, host).compose(socket -> {
      PublishingConnection c = new PublishingConnection(socket, pubacks);
      c.connAck = Promise.promise();
      socket.handler(c::onData);
      socket.closeHandler(v -> c.onClosed());
      byte[] id = clientId.getBytes(StandardCharsets.UTF_8);
      Buffer connect = Buffer.buffer(14 + id.length).appendByte((byte) 0x10);
      remainingLength(connect, 10 + 2 + id.length);
      connect.appendBytes(new byte[] {0, 4, 'M', 'Q', 'T', 'T', 4, 0x02, 0, 0}) // level 4, clean session, keep-alive off
          .appendUnsignedShort(id.length).appendBytes(id);
      socket.write(connect);
      return c.connAck.future().map(c);
    });
  }

  /**
   * Adds a QoS 1 PUBLISH of {@code payload} on the machine's topic to this tick's write; false if the connection has no
   * packet id free (then nothing was added).
   */
  boolean publish(Machine m, int count, long sentAt, byte[] payload) {
    if (closed || inflight >= 65_535) {
      return false;
    }
    do {
      nextPacket = nextPacket == 65_535 ? 1 : nextPacket + 1;
    } while (machineByPacket[nextPacket] != null);
    int packet = nextPacket;
    machineByPacket[packet] = m;
    countByPacket[packet] = count;
    sentAtByPacket[packet] = sentAt;
    inflight++;
    if (pending == null) {
      pending = Buffer.buffer(4096);
    }
    byte[] topic = m.topicBytes;
    pending.appendByte((byte) PUBLISH_QOS1);
    remainingLength(pending, 2 + topic.length + 2 + payload.length);
    pending.appendUnsignedShort(topic.length).appendBytes(topic).appendUnsignedShort(packet).appendBytes(payload);
    return true;
  }

  /** Writes what this tick's publishes added, in one write. */
  void flush() {
    if (pending != null) {
      if (!closed) {
        socket.write(pending);
      }
      pending = null;
    }
  }

  Future<Void> close() {
    if (closed) {
      return Future.succeededFuture();
    }
    // DISCONNECT, then the socket closes
    return socket.write(Buffer.buffer(new byte[] {(byte) 0xE0, 0})).eventually(socket::close);
  }

  private void onData(Buffer data) {
    Buffer in = received.length() == 0 ? data : received.appendBuffer(data);
    int pos = 0;
    int length = in.length();
    while (true) {
      if (length - pos < 2) {
        break;
      }
      int type = in.getUnsignedByte(pos) & 0xF0;
      int remaining = 0;
      int multiplier = 1;
      int i = pos + 1;
      boolean complete = false;
      while (i < length) {
        int b = in.getUnsignedByte(i++);
        remaining += (b & 0x7F) * multiplier;
        multiplier *= 128;
        if ((b & 0x80) == 0) {
          complete = true;
          break;
        }
      }
      if (!complete || length - i < remaining) {
        break;
      }
      if (type == PUBACK) {
        acknowledged(in.getUnsignedShort(i));
      } else if (type == CONNACK) {
        int code = in.getUnsignedByte(i + 1);
        if (code == 0) {
          connAck.tryComplete();
        } else {
          connAck.tryFail("CONNACK refused, return code " + code);
        }
      }
      pos = i + remaining;
    }
    received = pos == length ? Buffer.buffer() : in.getBuffer(pos, length);
  }

  private void acknowledged(int packet) {
    Machine m = machineByPacket[packet];
    if (m == null) {
      return; // not ours (cannot happen with one publisher per connection)
    }
    machineByPacket[packet] = null;
    inflight--;
    m.acknowledged(countByPacket[packet], sentAtByPacket[packet], pubacks);
  }

  /** The connection is gone: what it had in flight will never be acknowledged by this driver. */
  private void onClosed() {
    closed = true;
    connAck.tryFail("connection closed before CONNACK");
    for (int p = 1; p < machineByPacket.length; p++) {
      if (machineByPacket[p] != null) {
        machineByPacket[p].publishFailed();
        machineByPacket[p] = null;
      }
    }
    inflight = 0;
  }

  private static void remainingLength(Buffer out, int length) {
    do {
      int b = length % 128;
      length /= 128;
      out.appendByte((byte) (length > 0 ? b | 0x80 : b));
    } while (length > 0);
  }

  /** Spreads machines over connections: consecutive machines (the same line, in the benchmark plant) share one. */
  static List<List<Machine>> group(List<Machine> machines, int perConnection) {
    List<List<Machine>> groups = new java.util.ArrayList<>();
    for (int i = 0; i < machines.size(); i += perConnection) {
      groups.add(machines.subList(i, Math.min(machines.size(), i + perConnection)));
    }
    return groups;
  }
}
