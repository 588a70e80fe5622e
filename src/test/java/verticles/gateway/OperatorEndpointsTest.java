package verticles.gateway;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import testsupport.Api.Response;
import testsupport.Plant;
import testsupport.TestNode;
import verticles.erp.ErpRoutes;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** What operators and integrators read without a token: liveness, Prometheus metrics, the OpenAPI description. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class OperatorEndpointsTest {

  static TestNode node;

  @BeforeAll
  static void start() {
    node = TestNode.start();
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void metricsCountIntegrationCallsByTypeAndOutcomeBesideVertxHttpMetrics() {
    node.api.postJson(ErpRoutes.WORK_ORDERS, node.token("erp-connector"), Plant.workOrderEvent("work_order.created",
        Plant.unique("WO-ERP")).put("event_type", "nonsense"));

    Response metrics = node.api.get("/metrics", null);

    assertThat(metrics.status()).isEqualTo(200);
    assertThat(metrics.body())
        .contains("mraos_integration_requests_total{integration_type=\"erp_work_order_inbound\",outcome=\"client_error\",system=\"ERP\"}")
        .contains("mraos_integration_duration_seconds")
        .contains("mraos_outbox_pending")
        .contains("vertx_http_server_requests_total");
  }

  @Test
  void theApiDescribesItself() {
    Response openapi = node.api.get("/openapi.yaml", null);

    assertThat(openapi.status()).isEqualTo(200);
    assertThat(openapi.body()).contains("openapi: 3.0.3").contains("/api/v1/integrations/erp/work-orders");
  }

  @Test
  void livenessNeedsNoToken() {
    assertThat(node.api.get("/health/live", null).status()).isEqualTo(200);
  }
}
