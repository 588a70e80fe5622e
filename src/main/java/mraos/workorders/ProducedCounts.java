package mraos.workorders;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * A line's batch of production counts (spec §4.2.1), for the work-order area to apply: each count logged once (a count
 * delivered again is logged and counted once, by its key), the orders' quantities moved, and their
 * {@code work_order.progress} events published as the line's throttle allows.
 *
 * @param units   the counts, in the order they came, each once
 * @param orders  per work order counted (in the order first counted): whether its progress event may go by the interval
 *                alone, and the status of the last one published (it also goes at once on a status change or when
 *                the order reaches its quantity)
 * @param carried other work orders whose held progress event is now due: published with the batch, with their figures
 *                as they are
 */
public record ProducedCounts(String lineId, Instant at, List<Unit> units, List<EventDue> orders, List<String> carried) {

  /** One count as the MES reported it. */
  public record Unit(String dedupKey, String workOrderId, String machineId, int units, Integer cumulativeUnits,
                     String qualityStatus, BigDecimal cycleTimeSeconds, Instant producedAt) {
  }

  public record EventDue(String workOrderId, boolean due, String lastStatus) {
  }

  /** The work orders the batch moves or whose held event it writes. */
  public List<String> workOrders() {
    return java.util.stream.Stream.concat(orders.stream().map(EventDue::workOrderId), carried.stream()).toList();
  }
}
