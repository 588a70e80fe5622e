package mraos.workorders;

import java.util.Set;

/**
 * A work order as the MES's counts and inspections are checked against it: whether it runs, and on which machine. An
 * order runs from the moment a supervisor started it on a machine ({@code scheduled}: MRAOS has sent the MES the start,
 * whose confirmation may come after the first count) until it is completed, cancelled or put on hold; it runs on the
 * machine it was started on (spec §4.2.2 starts an order on one machine).
 */
public record OrderRun(String workOrderId, String status, String machineId) {

  public static final Set<String> RUNNING = Set.of("scheduled", "in_progress");

  /** Why a count or inspection from {@code fromMachine} cannot be applied to the order now, or null when it can. */
  public String refusal(String fromMachine) {
    if (status == null) {
      return "Work order " + workOrderId + " is not known to MRAOS";
    }
    if ("received".equals(status) || (RUNNING.contains(status) && machineId == null)) {
      return "Work order " + workOrderId + " has not been started on a machine (it is " + status + "); the MES's counts and"
          + " inspections are applied only to an order started on their machine and not completed, cancelled or on hold";
    }
    if (!RUNNING.contains(status)) {
      return "Work order " + workOrderId + " is " + status.replace('_', ' ') + "; the MES's counts and inspections are"
          + " applied only to an order started on their machine and not completed, cancelled or on hold";
    }
    if (!machineId.equals(fromMachine)) {
      return "Work order " + workOrderId + " runs on machine " + machineId + ", not " + fromMachine;
    }
    return null;
  }

  /** Why a count that came after the order reached its quantity is not applied. */
  public static String reachedQuantity(String workOrderId, String produced, String ordered) {
    return "Work order " + workOrderId + " had reached its quantity (" + produced + " of " + ordered + ") before this count"
        + " and is completed (or about to be): a count after that would change what its completion report told ERP";
  }
}
