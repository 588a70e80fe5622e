package mraos.workorders;

import java.util.List;

/**
 * A batch's new inline inspections of one work order: how many passed, how many found a defect, and the defect types
 * those named (distinct, first found first).
 */
public record InspectionTally(String workOrderId, int passed, int failed, List<String> defectTypes) {

  public InspectionTally {
    defectTypes = List.copyOf(defectTypes);
  }
}
