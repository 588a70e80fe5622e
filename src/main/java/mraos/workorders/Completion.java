package mraos.workorders;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * A work order just completed, as the areas that act on a completion see it ({@link CompletionEffect}): the order with
 * its final figures, who ran it (the operator's employee id, if HR knows the operator), what it consumed and its
 * quality.
 */
public record Completion(WorkOrder workOrder, String employeeId, List<MaterialConsumed> materials, boolean inspectionPassed,
                         List<String> defectTypes, String correlationId, Instant at) {

  /** A material the order consumed, with the part number and unit MRAOS knows it by. */
  public record MaterialConsumed(String materialId, String partNumber, BigDecimal quantity, String unitOfMeasure) {
  }
}
