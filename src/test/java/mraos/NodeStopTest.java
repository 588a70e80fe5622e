package mraos;

import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.internal.deployment.DeploymentContext;
import org.junit.jupiter.api.Test;
import simulators.MesMqttPublisher;
import testsupport.Api.Response;
import testsupport.AuditRows;
import testsupport.Plant;
import testsupport.TestNode;
import verticles.erp.ErpRoutes;
import verticles.gateway.GatewayVerticle;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A node that stops writes what its verticles still held, and a verticle that stops takes no other's database
 * connections with it. Before, Vert.x closed the database pools while the verticles were stopping (the last audit rows
 * were lost: "Client is closed"), and the pool for batch statements belonged to the gateway, which opened it first: the
 * lines lost their connections when it stopped.
 */
class NodeStopTest {

  static final String ROWS = "SELECT count(*) FROM integration_audit_log WHERE correlation_id IN (?, ?, ?)";

  /** The audit rows of the last requests wait for the next flush (a minute away here); the gateway's stop writes them. */
  @Test
  void theLastAuditRowsAreWrittenWhenTheNodeStops() {
    TestNode node = TestNode.start(Map.of("audit.flush-interval", "1m"));
    List<String> correlationIds = new ArrayList<>();
    try {
      correlationIds.addAll(AuditRows.refusedWorkOrders(node.api, 3, "corr_stop_"));
      assertThat(node.db.count(ROWS, correlationIds.toArray())).as("rows written before the stop (the flush is a minute away)").isZero();
    } finally {
      node.close();
    }
    assertThat(node.db.count(ROWS, correlationIds.toArray())).as("audit rows of the last requests, after the stop").isEqualTo(3);
  }

  /** The gateway stopped (its instances undeployed): the lines still write their counts through the batch pool. */
  @Test
  void theLinesKeepWritingWhenTheGatewayStops() throws Exception {
    TestNode node = TestNode.start();
    Vertx vertx = Vertx.vertx();
    try {
      String material = Plant.unique("MAT");
      String erp = node.token("erp-connector");
      node.api.postJson(ErpRoutes.MATERIALS, erp, Plant.materials(Plant.material(material, "A-1", "Panel")));
      Response created = node.api.postJson(ErpRoutes.WORK_ORDERS, erp,
          Plant.workOrderEvent("work_order.created", Plant.unique("WO-ERP"), Plant.bomLine(material, "A-1", "Panel", 2)));
      assertThat(created.status()).as(created.toString()).isEqualTo(200);
      String workOrder = created.json().getString("mraos_work_order_id");
      Plant.start(node, workOrder, "M-203"); // before the gateway goes: the start is an API call

      VertxInternal nodeVertx = (VertxInternal) node.node.vertx();
      List<String> gateway = nodeVertx.deploymentManager().deployments().stream()
          .filter(d -> d.deployment().identifier().endsWith(GatewayVerticle.class.getName())).map(DeploymentContext::id).toList();
      assertThat(gateway).as("the gateway's deployment").hasSize(1);
      nodeVertx.undeploy(gateway.get(0)).await(30, TimeUnit.SECONDS);

      MesMqttPublisher mes = MesMqttPublisher.connect(vertx, node.services.mqtt.url(), "mes-" + Plant.unique("stop")).await();
      Instant start = Instant.now();
      for (int i = 1; i <= 5; i++) {
        mes.publish(MesMqttPublisher.countTopic("line2", "M-203"), MesMqttPublisher.count("M-203", workOrder, start.plusMillis(i), 1, i))
            .await();
      }
      await("counts written after the gateway stopped").atMost(Duration.ofSeconds(20)).until(() ->
          ((BigDecimal) node.db.value("SELECT quantity_produced FROM work_orders WHERE work_order_id = ?", workOrder)).intValue() == 5);
    } finally {
      vertx.close().await();
      node.close();
    }
  }
}
