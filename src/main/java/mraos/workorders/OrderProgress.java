package mraos.workorders;

import java.math.BigDecimal;

/** A work order as counts left it: its figures, and whether its progress event was published (or is held back). */
public record OrderProgress(String workOrderId, String erpWorkOrderId, BigDecimal quantityProduced,
                            BigDecimal quantityOrdered, BigDecimal progressPercentage, String status, boolean published) {

  /** It has reached its quantity and is still open: due for completion. */
  public boolean completionDue() {
    return quantityProduced.compareTo(quantityOrdered) >= 0 && !WorkOrder.COMPLETED.equals(status)
        && !WorkOrder.CANCELLED.equals(status);
  }
}
