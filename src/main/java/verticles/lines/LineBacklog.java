package verticles.lines;

import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import mraos.config.LinesConfig;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a line holds, in order and unacknowledged, until it is written; and the bound on it: while PostgreSQL is away a
 * line holds at most {@code lines.buffer-limit} messages from the broker (spec §4.4: the last 1000), then stops reading
 * until it has drained to half. Touched on the line's event loop only.
 */
final class LineBacklog {

  /**
   * While PostgreSQL is there, what a line holds is bounded by the broker's in-flight window (nothing is acknowledged
   * before it is committed), and stopping to read would only make the broker send it all again: the line then stops
   * reading only past this many times {@code lines.buffer-limit}, as a guard against a broker without such a window.
   */
  static final int LOAD_FACTOR = 10;

  /** A message waiting to be written, with the MQTT delivery to acknowledge once it is, or the admin's retry to answer. */
  record Pending(MesMessage message, MqttLineSession.Received received, Promise<JsonObject> retried, long arrivedNanos) {
  }

  private final ArrayDeque<Pending> pending = new ArrayDeque<>();
  private final LinesConfig settings;
  private final MqttLineSession session;
  private final AtomicInteger held;
  private boolean paused;

  LineBacklog(LinesConfig settings, MqttLineSession session, AtomicInteger held) {
    this.settings = settings;
    this.session = session;
    this.held = held;
  }

  /** Adds a message at the back; past the bound (a lower one while PostgreSQL is away) the line stops reading. */
  void add(Pending p, boolean databaseAway) {
    pending.add(p);
    held.set(pending.size());
    int bound = databaseAway ? settings.bufferLimit() : settings.bufferLimit() * LOAD_FACTOR;
    if (p.received() != null && !paused && pending.size() >= bound) {
      paused = true;
      session.pause();
    }
  }

  /** The oldest messages, at most {@code max}, taken out for a batch. */
  List<Pending> take(int max) {
    int size = Math.min(max, pending.size());
    List<Pending> batch = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      batch.add(pending.poll());
    }
    return batch;
  }

  /** Messages back at the front, in their order (their batch was not written). */
  void putBack(List<Pending> batch) {
    for (int i = batch.size() - 1; i >= 0; i--) {
      pending.addFirst(batch.get(i));
    }
  }

  /** A message at the front (the dead letter a refused message became). */
  void putFirst(Pending p) {
    pending.addFirst(p);
  }

  /** After a batch: the line reads again once it has drained to half its bound. */
  void settled(boolean stopping) {
    held.set(pending.size());
    if (paused && !stopping && pending.size() <= settings.bufferLimit() / 2) {
      paused = false;
      session.resume();
    }
  }

  /**
   * The line is connected again ({@code connection}): what it held from earlier connections and has not yet written
   * goes, since the broker sends it again on this one (it was never acknowledged). Kept, it would be held twice and
   * fill the buffer with copies at every reconnection.
   */
  void reconnected(int connection) {
    pending.removeIf(p -> p.received() != null && p.received().connection() != connection);
    held.set(pending.size());
  }

  /** The admins' retries still held are told they will not be written. */
  void abandon(String why) {
    pending.stream().filter(p -> p.retried() != null).forEach(p -> p.retried().tryFail(why));
  }

  boolean paused() {
    return paused;
  }

  boolean isEmpty() {
    return pending.isEmpty();
  }

  int size() {
    return pending.size();
  }
}
