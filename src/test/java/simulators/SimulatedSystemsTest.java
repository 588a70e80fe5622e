package simulators;

import io.vertx.core.Vertx;
import mraos.config.ConfigLoader;
import mraos.config.MraosConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How {@code --simulate} points a node at the plant's stand-ins, and what it refuses to start with. */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class SimulatedSystemsTest {

  @Test
  void theStandInsReplaceWhatTheEnvironmentSaidAsMainPassesThemToTheNode() {
    Map<String, String> env = SimulatedSystems.environment(
        Map.of("MRAOS_ERP_BASE_URL", "https://erp.plant.local", "MRAOS_HTTP_PORT", "9090"),
        SimulatedSystems.overrides("mes-main", "http://localhost:8091", "http://localhost:8092", "opc.tcp://127.0.0.1:4841/mes"));

    MraosConfig node = MraosConfig.from(ConfigLoader.load(null, env));

    assertThat(node.erp().system().baseUrl()).isEqualTo("http://localhost:8091");
    assertThat(node.mes().baseUrl()).isEqualTo("http://localhost:8092");
    assertThat(node.opcua().endpoints().get("mes-main").url()).isEqualTo("opc.tcp://127.0.0.1:4841/mes");
    assertThat(node.http().port()).as("the rest of the environment still counts").isEqualTo(9090);
  }

  @Test
  void theMesStandInAsksForWhatTheNodeWillSend() {
    MraosConfig node = MraosConfig.from(ConfigLoader.defaults()).with(Map.of("mes.auth.password", "s3cret"));

    assertThat(SimulatedSystems.access(node.mes().auth())).isEqualTo(Access.basic("mraos", "s3cret"));
  }

  @Test
  void anEndpointTheNodeDoesNotHaveIsRefusedAtStart() {
    Vertx vertx = Vertx.vertx();
    try {
      MraosConfig wrongEndpoint = MraosConfig.from(ConfigLoader.defaults()).with(Map.of("simulation.opcua-endpoint", "mes-west"));
      assertThatThrownBy(() -> SimulatedSystems.start(vertx, wrongEndpoint)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("simulation.opcua-endpoint").hasMessageContaining("mes-west");
    } finally {
      vertx.close().await();
    }
  }
}
