package mraos.workorders;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * A change ERP made to one of its work orders (spec §3.2.1), as the work-order area takes it in: created, updated or
 * cancelled, when ERP made it, and the order as ERP describes it.
 */
public record OrderChange(Type type, Instant erpEventAt, Order order) {

  public enum Type {
    CREATED, UPDATED, CANCELLED
  }

  /** The work order as ERP describes it. {@code billOfMaterials} is null when ERP sent none. */
  public record Order(String erpWorkOrderId, String workOrderNumber, String productId, String productName,
                      String productVariant, BigDecimal quantityOrdered, String unitOfMeasure, String priority,
                      Instant dueDate, String customerOrderId, String productionLine, String specialInstructions,
                      List<BomLine> billOfMaterials) {
  }
}
