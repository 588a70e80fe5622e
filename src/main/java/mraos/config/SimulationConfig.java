package mraos.config;

import java.time.Duration;
import java.util.List;

/**
 * The simulated plant {@code --simulate} starts beside the node: its stand-ins' ports, which OPC UA endpoint points at
 * it, which machines run and how fast, how often they inspect and break down, and the clients it gets tokens as.
 * Rates are "one in N" so that they stay whole numbers.
 */
public record SimulationConfig(int erpPort, int hrPort, int mesPort, int opcuaPort, String opcuaEndpoint, List<String> machines,
                               Duration cycleTime, int workOrderQuantityMin, int workOrderQuantityMax, int inspectionEvery,
                               int defectOneIn, int breakdownOneIn, Duration repairTimeMin, Duration repairTimeMax,
                               Duration summaryInterval, int recordingsKept, long seed, String erpClientId,
                               String erpClientSecret, String supervisorClientId, String supervisorClientSecret) {
  static SimulationConfig from(Settings s) {
    Duration cycleTime = s.duration("cycle-time");
    if (cycleTime.isZero() || cycleTime.isNegative()) {
      throw new IllegalArgumentException("Configuration simulation.cycle-time must be longer than 0");
    }
    int quantityMin = s.integer("work-order-quantity-min", 1, 1_000_000);
    int quantityMax = s.integer("work-order-quantity-max", 1, 1_000_000);
    if (quantityMax < quantityMin) {
      throw new IllegalArgumentException("Configuration simulation.work-order-quantity-max must not be below work-order-quantity-min");
    }
    Duration repairMin = s.duration("repair-time-min");
    Duration repairMax = s.duration("repair-time-max");
    if (repairMax.compareTo(repairMin) < 0) {
      throw new IllegalArgumentException("Configuration simulation.repair-time-max must not be shorter than repair-time-min");
    }
    return new SimulationConfig(s.integer("erp-port", 0, 65535), s.integer("hr-port", 0, 65535), s.integer("mes-port", 0, 65535),
        s.integer("opcua-port", 0, 65535), s.string("opcua-endpoint").trim(), s.strings("machines"), cycleTime,
        quantityMin, quantityMax, s.integer("inspection-every", 1, 1_000_000), s.integer("defect-one-in", 1, 1_000_000),
        s.integer("breakdown-one-in", 1, 100_000_000), repairMin, repairMax, s.duration("summary-interval"),
        s.integer("recordings-kept", 1, 1_000_000), s.integer("seed", Integer.MIN_VALUE, Integer.MAX_VALUE),
        s.string("erp-client-id"), s.string("erp-client-secret"), s.string("supervisor-client-id"),
        s.string("supervisor-client-secret"));
  }

  @Override
  public String toString() {
    return "SimulationConfig[erp :" + erpPort + ", hr :" + hrPort + ", mes :" + mesPort + ", opcua :" + opcuaPort + ", cycle " + cycleTime
        + ", machines " + (machines.isEmpty() ? "all" : machines) + "]"; // never the secrets
  }
}
