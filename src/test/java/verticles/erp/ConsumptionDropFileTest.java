package verticles.erp;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import testsupport.Api.Response;
import testsupport.Plant;
import testsupport.TestNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The consumption batch written as a file into a drop directory (spec §3.2.2's SFTP alternative) instead of sent. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ConsumptionDropFileTest {

  @TempDir
  static Path drop;
  static TestNode node;

  @BeforeAll
  static void start() {
    node = TestNode.start(Map.of("erp.consumption-batch.drop-dir", drop.toString(), "erp.consumption-batch.format", "csv"));
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void theBatchLandsAsACompleteCsvFileAndItsTransactionsAreSynchronized() throws Exception {
    String erp = node.token("erp-connector");
    String material = Plant.unique("MAT");
    node.api.postJson(ErpRoutes.MATERIALS, erp, Plant.materials(Plant.material(material, "A-1", "Panel")));
    String id = node.api.postJson(ErpRoutes.WORK_ORDERS, erp, Plant.workOrderEvent("work_order.created", Plant.unique("WO-ERP"),
        Plant.bomLine(material, "A-1", "Panel", 400))).json().getString("mraos_work_order_id");
    String twoHoursAgo = Instant.now().minus(2, ChronoUnit.HOURS).toString();
    Response done = node.api.postJson("/api/v1/work-orders/" + id + "/complete", node.token("supervisor"),
        new JsonObject().put("quantity_produced", 50).put("completed_at", twoHoursAgo).put("actual_start_time", twoHoursAgo));
    assertThat(done.status()).as(done.toString()).isEqualTo(200);

    Response run = node.api.postJson("/api/v1/jobs/erp-consumption-batch/run", node.token("supervisor"), new JsonObject());

    assertThat(run.status()).as(run.toString()).isEqualTo(200);
    String file = run.json().getJsonObject("summary").getString("file");
    assertThat(Path.of(file).getParent()).isEqualTo(drop);
    List<String> lines = Files.readAllLines(Path.of(file));
    assertThat(lines.get(0)).isEqualTo("batch_id,period_start,period_end,material_id,work_order_id,quantity_consumed,unit_of_measure");
    assertThat(lines).anyMatch(l -> l.contains("," + material + "," + id + ",100,EA"));
    try (Stream<Path> files = Files.list(drop)) {
      assertThat(files.map(p -> p.getFileName().toString())).as("no temporary file left behind").allMatch(n -> !n.endsWith(".tmp"));
    }
    assertThat(node.db.value("SELECT erp_synchronized_at FROM material_transactions WHERE work_order_id = ?", id)).isNotNull();
  }
}
