package verticles.lines;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How often a line publishes a work order's {@code work_order.progress} event ({@code lines.progress-interval}): at
 * most once per order per interval, carrying the latest figures. When figures come sooner the event is held, and
 * written once the interval has passed, with the order's figures as they are then (read from {@code work_orders} in
 * the writing transaction: never older than anything written before it). Never held: an order's first event on this
 * line, a status other than the one last published (e.g. received → in_progress, or on hold), and figures at or past
 * the ordered quantity (what the completion workflow and ERP wait for); each of these also drops what was held, being
 * later. An interval of zero publishes with every batch. State in PostgreSQL never waits: the quantity commits with
 * the count; only the event may. One per line actor, touched on its context only; times are {@link System#nanoTime}.
 */
final class ProgressThrottle {

  /** A work order whose progress event is held back, and its status when it was last counted. */
  record Held(String workOrderId, String status) {
  }

  /** A throttle that never holds: every batch publishes its orders' progress. */
  static final ProgressThrottle EVERY_BATCH = new ProgressThrottle(Duration.ZERO);

  /** Orders remembered before the line starts over (a first event again for each: harmless, just not throttled). */
  static final int ORDERS_KEPT = 100_000;

  private final long intervalNanos;
  /** Per work order: when its last event was written (nanoTime) and with which status. */
  private final Map<String, Long> publishedAt = new HashMap<>();
  private final Map<String, String> publishedStatus = new HashMap<>();
  /** Work orders whose progress event is held back. */
  private final Map<String, Held> held = new LinkedHashMap<>();

  ProgressThrottle(Duration interval) {
    this.intervalNanos = interval.toNanos();
  }

  /** Whether an event for this order may be written now by the interval alone (see {@link #atOnce} for the rest). */
  boolean due(String workOrderId, long now) {
    if (intervalNanos <= 0) {
      return true;
    }
    Long last = publishedAt.get(workOrderId);
    return last == null || now - last >= intervalNanos;
  }

  /** The status of the last event written for this order by this line (null: none yet). */
  String lastStatus(String workOrderId) {
    return publishedStatus.get(workOrderId);
  }

  /**
   * Figures that are never held: a status change (or this line's first event for the order) and an order at or past
   * its quantity. The work-order area's counts statement applies the same rule in SQL.
   */
  static boolean atOnce(String status, String lastStatus, BigDecimal produced, BigDecimal ordered) {
    return !status.equals(lastStatus) || produced.compareTo(ordered) >= 0;
  }

  /** An event with these figures was committed (by a batch started at {@code at}): whatever was held is older. */
  void published(String workOrderId, String status, long at) {
    if (publishedAt.size() >= ORDERS_KEPT && !publishedAt.containsKey(workOrderId)) {
      publishedAt.clear();
      publishedStatus.clear();
    }
    publishedAt.put(workOrderId, at);
    publishedStatus.put(workOrderId, status);
    held.remove(workOrderId);
  }

  /** Committed figures whose event waits for the interval. */
  void hold(String workOrderId, String status) {
    held.put(workOrderId, new Held(workOrderId, status));
  }

  boolean holdsAny() {
    return !held.isEmpty();
  }

  /**
   * Takes the held figures whose interval has passed (all of them with {@code all}), except orders in
   * {@code stayHeld}: those are in the batch about to be written, which publishes newer figures if due (and if its
   * count turns out to be a redelivery that moves nothing, they stay held and go out with the next batch or timer).
   */
  List<Held> takeDue(long now, Set<String> stayHeld, boolean all) {
    List<Held> due = new ArrayList<>();
    for (Iterator<Held> it = held.values().iterator(); it.hasNext(); ) {
      Held h = it.next();
      if (!stayHeld.contains(h.workOrderId()) && (all || due(h.workOrderId(), now))) {
        due.add(h);
        it.remove();
      }
    }
    return due;
  }

  /** Held events that were taken but not written (the batch failed): held again. */
  /**
   * A batch written at {@code at}: the held events it carried are published, and of the orders it moved each one's
   * event was published or is held now.
   */
  void written(List<Held> carried, List<LineBatch.Progress> moved, long at) {
    carried.forEach(h -> published(h.workOrderId(), h.status(), at));
    for (LineBatch.Progress p : moved) {
      if (p.published()) {
        published(p.workOrderId(), p.status(), at);
      } else {
        hold(p.workOrderId(), p.status());
      }
    }
  }

  void restore(List<Held> notWritten) {
    for (Held h : notWritten) {
      held.putIfAbsent(h.workOrderId(), h);
    }
  }

  /** Nanoseconds until the first held figures are due (0: now), or -1 if nothing is held. */
  long nextDueIn(long now) {
    long next = -1;
    for (Held h : held.values()) {
      Long last = publishedAt.get(h.workOrderId());
      long in = last == null ? 0 : Math.max(0, last + intervalNanos - now);
      next = next < 0 ? in : Math.min(next, in);
    }
    return next;
  }
}
