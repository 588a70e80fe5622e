package mraos.workorders;

import java.util.List;

/**
 * What the work-order area made of a line's batch of counts: the orders they moved, and the counts it did not apply
 * because their order was not running on their machine ({@link OrderRun}) or had already reached its quantity, each
 * with the reason (by the count's key). A count delivered again is neither: it changes nothing.
 */
public record CountOutcome(List<OrderProgress> moved, List<Refusal> refused) {

  public record Refusal(String dedupKey, String reason) {
  }
}
