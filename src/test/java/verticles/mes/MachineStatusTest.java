package verticles.mes;

import io.vertx.core.json.JsonObject;
import mraos.plant.MesStatusNodes.Field;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** How the values an OPC UA server reports for a machine become the line's message. */
class MachineStatusTest {

  @Test
  void sourceTimestampIsLastUpdateTimestampElseTheValuesSourceTime() {
    Instant sampled = Instant.parse("2025-11-18T14:25:31Z");
    MachineStatus status = new MachineStatus("M-203", "line2");

    status.apply(Field.CURRENT_STATUS, value("Running", sampled));
    assertThat(status.toJson("mes-main").getString("source_timestamp")).isEqualTo("2025-11-18T14:25:31Z");

    status.apply(Field.LAST_UPDATE_TIMESTAMP, value(new DateTime(Instant.parse("2025-11-18T14:25:30.123Z")), sampled));
    status.apply(Field.UNITS_PRODUCED_THIS_CYCLE, value(12, sampled));
    JsonObject json = status.toJson("mes-main");
    assertThat(json.getString("source_timestamp")).isEqualTo("2025-11-18T14:25:30.123Z");
    assertThat(json.getLong("units_produced_this_cycle")).isEqualTo(12);
    assertThat(json.getValue("cycle_time_seconds")).isNull();

    assertThat(status.apply(Field.CURRENT_STATUS, new DataValue(new StatusCode(0x80000000L)))).as("bad value ignored").isFalse();
    assertThat(status.toJson("mes-main").getString("current_status")).isEqualTo("Running");
  }

  private static DataValue value(Object value, Instant at) {
    return new DataValue(new Variant(value), StatusCode.GOOD, new DateTime(at), new DateTime(at));
  }
}
