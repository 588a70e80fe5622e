package mraos.plant;

import mraos.plant.MesStatusNodes.Field;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The spec's node names (§4.2.1), shared by MRAOS's OPC UA client and the simulated MES's server. */
class MesStatusNodesTest {

  @Test
  void nodeNamesAreTheSpecs() {
    assertThat(MesStatusNodes.status("M-203")).isEqualTo("MES.Machines.M-203.Status");
    assertThat(MesStatusNodes.field("M-203", Field.CURRENT_STATUS)).isEqualTo("MES.Machines.M-203.Status.CurrentStatus");
    assertThat(MesStatusNodes.field("M-203", Field.LAST_UPDATE_TIMESTAMP)).isEqualTo("MES.Machines.M-203.Status.LastUpdateTimestamp");
  }
}
