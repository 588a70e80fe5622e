package verticles.workorders;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import simulators.Access;
import simulators.SystemSimulator;
import testsupport.Api.Response;
import testsupport.Plant;
import testsupport.PlantNode;
import testsupport.TestNode;
import verticles.erp.ErpRoutes;

import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Starting a work order (spec §4.2.2): the supervisor's request becomes the MES start call (HTTP Basic, the spec's
 * payload) through the outbound path; the MES's job id, in_progress and the actual start time are stored.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class WorkOrderStartTest {

  static Vertx vertx;
  static SystemSimulator mes;
  static TestNode node;
  static String material;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    mes = SystemSimulator.start(vertx, "MES", 0, Access.basic("mraos", "mes-secret")).await();
    mes.router().post("/api/v1/work-orders/start").handler(ctx -> ctx.json(new JsonObject().put("status", "success")
        .put("mes_job_id", "JOB-MES-78945").put("message", "Work order started on machine " + ctx.body().asJsonObject()
            .getString("machine_id"))));
    PlantNode.setAsideLeftoverCalls();
    node = TestNode.start(Map.of("mes.base-url", mes.baseUrl(), "mes.auth.password", "mes-secret",
        "outbound.poll-interval", "100ms"));
    material = Plant.unique("MAT");
    node.api.postJson(ErpRoutes.MATERIALS, node.token("erp-connector"), Plant.materials(Plant.material(material, "A-1", "Panel")));
  }

  @AfterAll
  static void stop() {
    node.close();
    vertx.close().await();
  }

  static String order() {
    return node.api.postJson(ErpRoutes.WORK_ORDERS, node.token("erp-connector"), Plant.workOrderEvent("work_order.created",
        Plant.unique("WO-ERP"), Plant.bomLine(material, "A-1", "Panel", 400))).json().getString("mraos_work_order_id");
  }

  @Test
  void theMesIsToldWithBasicAuthAndItsJobIdMakesTheOrderInProgress() {
    String id = order();

    Response started = node.api.postJson("/api/v1/work-orders/" + id + "/start", node.token("supervisor"),
        new JsonObject().put("machine_id", "M-203").put("operator_id", "O-156").put("start_time", "2025-11-18T14:30:00Z"));

    assertThat(started.status()).as(started.toString()).isEqualTo(202);
    await().atMost(Duration.ofSeconds(20)).until(() -> "in_progress".equals(node.db.value(
        "SELECT status FROM work_orders WHERE work_order_id = ?", id)));
    Map<String, Object> row = node.db.rows("SELECT * FROM work_orders WHERE work_order_id = ?", id).get(0);
    assertThat(row).containsEntry("mes_job_id", "JOB-MES-78945").containsEntry("machine_id", "M-203")
        .containsEntry("operator_id", "O-156").containsEntry("line_id", "line2");
    assertThat(row.get("actual_start_time").toString()).startsWith("2025-11-18");
    var call = mes.received("/api/v1/work-orders/start").get(0);
    assertThat(new String(Base64.getDecoder().decode(call.header("Authorization").substring(6)))).isEqualTo("mraos:mes-secret");
    JsonObject payload = call.json();
    assertThat(payload.fieldNames()).containsExactlyInAnyOrder("work_order_id", "erp_work_order_id", "machine_id", "operator_id",
        "start_time", "quantity_to_produce", "product_id", "product_name");
    assertThat(payload.getString("work_order_id")).isEqualTo(id);
    assertThat(payload.getInteger("quantity_to_produce")).isEqualTo(200);
    assertThat(payload.getString("start_time")).isEqualTo("2025-11-18T14:30:00Z");
  }

  @Test
  void badStartsAreRefusedPrecisely() {
    String id = order();
    String supervisor = node.token("supervisor");

    assertThat(node.api.postJson("/api/v1/work-orders/" + id + "/start", supervisor, new JsonObject().put("machine_id", "M-999")
        .put("operator_id", "O-1")).status()).isEqualTo(400);
    assertThat(node.api.postJson("/api/v1/work-orders/" + id + "/start", supervisor, new JsonObject().put("machine_id", "M-203"))
        .json().getString("error_code")).isEqualTo("INT-003");
    assertThat(node.api.postJson("/api/v1/work-orders/WO-999999999/start", supervisor, new JsonObject().put("machine_id", "M-203")
        .put("operator_id", "O-1")).status()).isEqualTo(404);
    assertThat(node.api.postJson("/api/v1/work-orders/" + id + "/start", node.token("erp-connector"), new JsonObject()
        .put("machine_id", "M-203").put("operator_id", "O-1")).status()).isEqualTo(403);
  }
}
