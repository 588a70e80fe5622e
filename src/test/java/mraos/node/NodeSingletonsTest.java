package mraos.node;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import mraos.config.ConfigLoader;
import mraos.config.MraosConfig;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a node offers to run once in the cluster: the lines and the MES's OPC UA endpoints are groups, so each is
 * spread fairly over the live nodes (issue 15) instead of all landing on the node that checks first.
 */
class NodeSingletonsTest {

  @Test
  void linesAndOpcUaEndpointsAreEachSpreadAsAGroup() {
    MraosConfig config = MraosConfig.from(ConfigLoader.defaults()).with(Map.of(
        "mes.opcua.endpoints.mes-main.url", "opc.tcp://127.0.0.1:4840/mes"));
    JsonObject opcua = config.json().getJsonObject("mes").getJsonObject("opcua").getJsonObject("endpoints");
    opcua.put("mes-hall-b", opcua.getJsonObject("mes-main").copy().put("url", "opc.tcp://127.0.0.1:4841/mes"));

    JsonArray singletons = Node.singletons(MraosConfig.from(config.json()).json()).getJsonArray("singletons");
    Map<String, String> groups = new TreeMap<>();
    singletons.forEach(s -> groups.put(((JsonObject) s).getString("name"), ((JsonObject) s).getString("group", "")));

    assertThat(groups).containsEntry("line-line1", "lines").containsEntry("line-line3", "lines")
        .containsEntry("opcua-mes-main", "opcua-endpoints").containsEntry("opcua-mes-hall-b", "opcua-endpoints")
        .containsEntry("scheduler", "").containsEntry("outbound-erp", "");
  }
}
