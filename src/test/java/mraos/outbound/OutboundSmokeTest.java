package mraos.outbound;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import simulators.ErpSimulator;
import testsupport.Api.Response;
import testsupport.Plant;
import testsupport.TestNode;
import verticles.erp.ErpRoutes;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@Timeout(value = 3, unit = TimeUnit.MINUTES)
class OutboundSmokeTest {

  static Vertx vertx;
  static ErpSimulator erp;
  static TestNode node;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    erp = ErpSimulator.start(vertx, 0).await();
    node = TestNode.start(Map.of("erp.base-url", erp.baseUrl(), "outbound.poll-interval", "100ms"));
  }

  @AfterAll
  static void stop() {
    node.close();
    vertx.close().await();
  }

  @Test
  void completedWorkOrderReachesErp() {
    String token = node.token("erp-connector");
    String material = Plant.unique("MAT");
    node.api.postJson(ErpRoutes.MATERIALS, token, Plant.materials(Plant.material(material, "A-1", "Panel")));
    String id = node.api.postJson(ErpRoutes.WORK_ORDERS, token, Plant.workOrderEvent("work_order.created", Plant.unique("WO-ERP"),
        Plant.bomLine(material, "A-1", "Panel", 400))).json().getString("mraos_work_order_id");

    Response done = node.api.postJson("/api/v1/work-orders/" + id + "/complete", node.token("supervisor"),
        new JsonObject().put("quantity_produced", 200).put("quantity_scrapped", 3));

    assertThat(done.status()).as(done.toString()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(20)).until(() -> erp.completions().size() == 1);
    System.out.println(erp.completions().get(0).encodePrettily());
    await().atMost(Duration.ofSeconds(10)).until(() -> node.db.value(
        "SELECT erp_synchronized_at FROM work_orders WHERE work_order_id = ?", id) != null);
  }
}
