package verticles.lines;

import io.vertx.core.json.JsonObject;
import mraos.http.Json;
import mraos.workorders.OrderProgress;
import mraos.workorders.ProducedCounts;
import verticles.lines.MesMessage.Count;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A line's side of counting: a batch's counts handed to the work-order area with which progress events the line's
 * throttle lets go ({@link ProducedCounts}), and what the orders they moved mean for the line (live progress, events
 * published or held, completions due).
 */
final class LineCounts {

  private LineCounts() {
  }

  /**
   * The batch's counts (a redelivery within the batch once), the orders they count with whether each one's event is due,
   * and the held events now due for other orders ({@code carried}).
   */
  static ProducedCounts of(String lineId, Instant now, List<MesMessage> messages, ProgressThrottle throttle, long nanos,
                           List<ProgressThrottle.Held> carried) {
    Map<String, Count> unique = new LinkedHashMap<>();
    for (MesMessage m : messages) {
      if (m instanceof Count c) {
        unique.putIfAbsent(c.dedupKey(), c);
      }
    }
    List<ProducedCounts.Unit> units = new ArrayList<>(unique.size());
    Map<String, ProducedCounts.EventDue> orders = new LinkedHashMap<>();
    unique.forEach((key, c) -> {
      units.add(new ProducedCounts.Unit(key, c.workOrderId(), c.machineId(), c.unitsProduced(), c.cumulativeUnits(),
          c.qualityStatus(), c.cycleTimeSeconds(), c.timestamp()));
      orders.computeIfAbsent(c.workOrderId(), id -> new ProducedCounts.EventDue(id, throttle.due(id, nanos),
          throttle.lastStatus(id)));
    });
    return new ProducedCounts(lineId, now, units, List.copyOf(orders.values()),
        carried.stream().map(ProgressThrottle.Held::workOrderId).toList());
  }

  /** The orders the counts moved: on the live feed, their events published or held, completions due. */
  static void progressed(List<OrderProgress> moved, BatchEffects effects, List<LineBatch.Progress> progress,
                         Set<String> completionsDue) {
    for (OrderProgress order : moved) {
      effects.live("work_order_progress", new JsonObject()
          .put("mraos_work_order_id", order.workOrderId())
          .put("erp_work_order_id", order.erpWorkOrderId())
          .put("quantity_produced", Json.number(order.quantityProduced()))
          .put("quantity_ordered", Json.number(order.quantityOrdered()))
          .put("progress_percentage", Json.number(order.progressPercentage()))
          .put("status", order.status())
          .put("line_id", effects.lineId()));
      progress.add(new LineBatch.Progress(order.workOrderId(), order.status(), order.published()));
      if (order.completionDue()) {
        completionsDue.add(order.workOrderId());
      }
    }
  }
}
