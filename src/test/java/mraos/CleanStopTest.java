package mraos;

import mraos.config.ConfigLoader;
import mraos.config.MraosConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import testsupport.NodeProcess;
import testsupport.Ports;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Ctrl-C on a node running on its embedded defaults (PostgreSQL, Kafka, Mosquitto, the issuer): its own parts stop
 * first, then the embedded services, and the stop logs nothing above INFO. Before, the embedded PostgreSQL went down
 * at the same moment as the node (zonky's own shutdown hook), and the node logged a lost connection and messages "not
 * written".
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class CleanStopTest {

  @Test
  void ctrlCStopsTheNodeBeforeItsEmbeddedServicesAndLogsNoWarning() throws Exception {
    Path dataDir = Files.createTempDirectory("mraos-clean-stop-");
    MraosConfig config = MraosConfig.from(ConfigLoader.defaults()).with(Map.of(
        "node.name", "clean-stop",
        "node.data-dir", dataDir.toString(),
        "http.port", Ports.free(),
        "database.embedded-port", Ports.free(),
        "kafka.embedded-port", Ports.free(),
        "kafka.embedded-controller-port", Ports.free(),
        "mqtt.embedded-port", Ports.free(),
        "security.embedded-issuer.port", Ports.free()));
    NodeProcess node = NodeProcess.start(config);
    try {
      Thread.sleep(2_000); // the lines connected, the first outbox polls ran
      long before = Files.readAllLines(node.log).size();

      node.interrupt(); // to the node's whole process group, as Ctrl-C in its terminal

      assertThat(node.exitedWithin(60)).as("the node stopped").isTrue();
      List<String> stopLog = Files.readAllLines(node.log).stream().skip(before).toList();
      assertThat(stopLog).as("the stop's log").anyMatch(l -> l.contains("MRAOS node clean-stop stopped"));
      assertThat(stopLog).as("the stop's log: nothing above INFO")
          .noneMatch(l -> l.contains(" WARN ") || l.contains(" ERROR ") || l.contains("Exception"));
      assertThat(processesUsing(dataDir)).as("embedded services left running").isEmpty();
    } finally {
      node.close();
      processesUsing(dataDir).forEach(ProcessHandle::destroy); // what a node that failed to stop left running
    }
  }

  /** Processes whose command line names the node's data folder (PostgreSQL, Mosquitto). */
  private static List<ProcessHandle> processesUsing(Path dataDir) {
    return ProcessHandle.allProcesses().filter(ProcessHandle::isAlive)
        .filter(p -> p.info().commandLine().map(c -> c.contains(dataDir.toString())).orElse(false)).toList();
  }
}
