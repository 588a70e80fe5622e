package simulators;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the MES last reported for each of its machines, and when: the values a subscriber sees and a restarted server
 * starts from. Not synchronized: {@link MesOpcUaServer} guards it.
 */
final class MachineStatuses {

  /** A machine's values and when they were set. */
  record Reported(MesOpcUaServer.Status status, Instant at) {
  }

  /** Machine id → its latest values, in the order the machines were given. */
  private final Map<String, Reported> values = new LinkedHashMap<>();

  /** Each machine Idle, as of now. */
  MachineStatuses(Collection<String> machines) {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    new LinkedHashSet<>(machines).forEach(id -> values.put(id, new Reported(MesOpcUaServer.Status.idle(), now)));
  }

  List<String> machines() {
    return List.copyOf(values.keySet());
  }

  /** Keeps the machine's new values, the time to the millisecond (as OPC UA carries it). */
  Reported set(String machineId, MesOpcUaServer.Status status, Instant at) {
    Objects.requireNonNull(status);
    if (!values.containsKey(machineId)) {
      throw new IllegalArgumentException("The MES simulator has no machine " + machineId + "; it has " + values.keySet());
    }
    Reported reported = new Reported(status, at.truncatedTo(ChronoUnit.MILLIS));
    values.put(machineId, reported);
    return reported;
  }

  MesOpcUaServer.Status status(String machineId) {
    Reported reported = values.get(machineId);
    if (reported == null) {
      throw new IllegalArgumentException("The MES simulator has no machine " + machineId);
    }
    return reported.status();
  }

  /** A copy, for a new server's address space. */
  Map<String, Reported> snapshot() {
    return new LinkedHashMap<>(values);
  }

  int size() {
    return values.size();
  }
}
