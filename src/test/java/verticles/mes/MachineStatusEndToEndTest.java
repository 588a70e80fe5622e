package verticles.mes;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import simulators.MesOpcUaServer.Status;
import simulators.MesOpcUaServer;
import testsupport.TestNode;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Spec §10.2 MES test 1, end to end: a machine's status changed on the MES's OPC UA server is in MRAOS's picture (the
 * machines table, its history, an alert when it faults) within a second, with the publishing interval shortened.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class MachineStatusEndToEndTest {

  @TempDir
  static Path certificates;
  static MesOpcUaServer mes;
  static TestNode node;

  @BeforeAll
  static void start() throws Exception {
    mes = MesOpcUaServer.start(0, List.of("M-301", "M-302"), MesOpcUaServer.Options.of("urn:mraos:mes"));
    node = TestNode.start(Map.of(
        "mes.opcua.endpoints.mes-main.url", mes.url(),
        "mes.opcua.endpoints.mes-main.machines", "M-301,M-302",
        "mes.opcua.publishing-interval", "100ms",
        "mes.opcua.sampling-interval", "50ms",
        "mes.opcua.keep-alive", "1s",
        "mes.opcua.certificate-dir", certificates.toString()));
    node.status.awaitUp("opcua-mes-main");
  }

  @AfterAll
  static void stop() {
    node.close();
    mes.close();
  }

  @Test
  void aStatusChangeOnTheMesIsInMraosWithinASecondAndAFaultAlerts() {
    long changed = System.nanoTime();
    mes.setStatus("M-301", new Status("Running", 85.2, "WO-4600", 12, 45.3, 0));

    await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(20)).until(() -> "running".equals(
        node.db.value("SELECT current_status FROM machines WHERE machine_id = 'M-301'")));
    assertThat(Duration.ofNanos(System.nanoTime() - changed)).isLessThan(Duration.ofSeconds(1));
    Map<String, Object> machine = node.db.rows("SELECT * FROM machines WHERE machine_id = 'M-301'").get(0);
    assertThat(((BigDecimal) machine.get("utilization_percentage")).doubleValue()).isEqualTo(85.2);
    assertThat(machine).containsEntry("current_work_order_id", "WO-4600").containsEntry("units_produced_this_cycle", 12);

    mes.setStatus("M-301", new Status("Faulted", 0.0, "WO-4600", 12, 45.3, 30));

    await().atMost(Duration.ofSeconds(5)).until(() -> "breakdown".equals(
        node.db.value("SELECT current_status FROM machines WHERE machine_id = 'M-301'")));
    assertThat(node.db.count("SELECT count(*) FROM alerts WHERE machine_id = 'M-301' AND alert_type = 'machine_breakdown'"))
        .isPositive();
    assertThat(node.db.count("SELECT count(*) FROM machine_status_history WHERE machine_id = 'M-301' AND source = 'opcua'"
        + " AND status = 'breakdown' AND previous_status = 'running'")).isEqualTo(1);
  }
}
