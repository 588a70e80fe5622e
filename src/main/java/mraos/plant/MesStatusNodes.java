package mraos.plant;

import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UShort;

import java.util.Objects;

/**
 * How the MES names a machine's status on its OPC UA server (spec §4.2.1): the object {@code MES.Machines.<id>.Status}
 * and one variable per field, {@code MES.Machines.<id>.Status.<Field>}, string node ids in the MES's namespace.
 * MRAOS's client and the simulator both name nodes through here, so they cannot drift apart.
 */
public final class MesStatusNodes {

  /** The status fields, with their browse names on the server and their keys in MRAOS's message. */
  public enum Field {
    CURRENT_STATUS("CurrentStatus", "current_status"),
    UTILIZATION_PERCENTAGE("UtilizationPercentage", "utilization_percentage"),
    CURRENT_WORK_ORDER_ID("CurrentWorkOrderId", "current_work_order_id"),
    UNITS_PRODUCED_THIS_CYCLE("UnitsProducedThisCycle", "units_produced_this_cycle"),
    CYCLE_TIME_SECONDS("CycleTimeSeconds", "cycle_time_seconds"),
    DOWNTIME_SECONDS("DowntimeSeconds", "downtime_seconds"),
    LAST_UPDATE_TIMESTAMP("LastUpdateTimestamp", "source_timestamp");

    private final String browseName;
    private final String jsonKey;

    Field(String browseName, String jsonKey) {
      this.browseName = browseName;
      this.jsonKey = jsonKey;
    }

    public String browseName() {
      return browseName;
    }

    public String jsonKey() {
      return jsonKey;
    }
  }

  public static final String ROOT = "MES";
  public static final String MACHINES = ROOT + ".Machines";

  private MesStatusNodes() {
  }

  /** {@code MES.Machines.M-203} */
  public static String machine(String machineId) {
    return MACHINES + "." + Objects.requireNonNull(machineId);
  }

  /** {@code MES.Machines.M-203.Status} */
  public static String status(String machineId) {
    return machine(machineId) + ".Status";
  }

  /** {@code MES.Machines.M-203.Status.CurrentStatus} */
  public static String field(String machineId, Field field) {
    return status(machineId) + "." + field.browseName();
  }

  public static NodeId nodeId(UShort namespaceIndex, String machineId, Field field) {
    return new NodeId(namespaceIndex, field(machineId, field));
  }
}
