package chaos;

import simulators.MesOpcUaServer;

import java.math.BigDecimal;
import java.time.Duration;

import org.awaitility.Awaitility;

/**
 * A machine's status as the MES's OPC UA server shows it and as MRAOS stored it: each change carries a utilization
 * figure of its own, so the suite can tell when that very change reached {@code machines}.
 */
final class MachineStatusWatch {

  private MachineStatusWatch() {
  }

  /** The machine reports Running at this utilization (the server keeps it across a restart). */
  static void set(ChaosRig rig, String machine, double utilization) {
    rig.opcua.setStatus(machine, new MesOpcUaServer.Status("Running", utilization, "", 0, 0.0, 0));
  }

  /** Changes the machine's status and answers how long MRAOS took to store it. */
  static Duration change(ChaosRig rig, String machine, double utilization) {
    set(rig, machine, utilization);
    return stored(rig, machine, utilization, Duration.ofSeconds(60));
  }

  /** How long until MRAOS stored this utilization for the machine. */
  static Duration stored(ChaosRig rig, String machine, double utilization, Duration within) {
    long start = System.nanoTime();
    BigDecimal wanted = BigDecimal.valueOf(utilization);
    Awaitility.await(machine + " at " + utilization + " % in MRAOS").atMost(within).pollInterval(Duration.ofMillis(100)).until(() -> {
      Object stored = rig.db.value("SELECT utilization_percentage FROM machines WHERE machine_id = ?", machine);
      return stored instanceof BigDecimal b && b.compareTo(wanted) == 0;
    });
    return Duration.ofNanos(System.nanoTime() - start);
  }
}
