package mraos.events;

/** Every event-bus address MRAOS uses, named {@code mraos.<area>.<what>}. */
public final class Addresses {

  /** Local hint to this node's outbox relay that events were committed. */
  public static final String OUTBOX_WAKE_UP = "mraos.outbox.wake-up";

  /** Cluster-wide hint to a system's outbound verticle (wherever it runs) that calls were queued for it. */
  public static String outboundWakeUp(String externalSystem) {
    return "mraos.outbound." + externalSystem.toLowerCase(java.util.Locale.ROOT) + ".wake-up";
  }

  /**
   * A machine's status as the MES's OPC UA server reports it, for the actor of the machine's line (payload: machine_id,
   * current_status as the MES says it, utilization_percentage, current_work_order_id, units_produced_this_cycle,
   * cycle_time_seconds, downtime_seconds, source_timestamp, source "opcua", endpoint).
   */
  public static String lineMachineStatus(String lineId) {
    return "mraos.lines." + lineId + ".machine-status";
  }

  /**
   * Request/reply, cluster-wide: an integration admin retries one of the line's MES dead letters (payload: topic,
   * payload as the MES sent it or as corrected). The line's actor applies it in order with the rest and replies once it
   * is committed, or fails with the reason it is still refused.
   */
  public static String lineRetry(String lineId) {
    return "mraos.lines." + lineId + ".retry";
  }

  /**
   * The supervisors' live feed (cluster-wide): machine status, work-order progress, inspections, downtime, alerts.
   * Payload: {"type": ..., "line_id": ..., "data": {...}}.
   */
  public static final String LIVE = "mraos.live";


  private Addresses() {
  }
}
