package mraos.workorders;

/** A batch's new inline inspections of one work order: how many passed, how many found a defect. */
public record InspectionTally(String workOrderId, int passed, int failed) {
}
