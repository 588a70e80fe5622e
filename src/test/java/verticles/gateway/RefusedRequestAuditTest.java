package verticles.gateway;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import testsupport.Api.Response;
import testsupport.AuditRows;
import testsupport.Plant;
import testsupport.TestNode;
import verticles.erp.ErpRoutes;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Refused calls are audited before anyone is authenticated (spec §9.3), so whatever an anonymous caller sends ends up
 * in an audit row. Nothing an anonymous caller sends may stop the audit trail: the requests after it must still be
 * audited. Each test gets a fresh node with a single gateway instance (the audit log is per instance, so a row that
 * cannot be written would block every later row of that node, and a shared node would make the tests depend on each
 * other).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class RefusedRequestAuditTest {

  TestNode node;

  @BeforeEach
  void start() {
    node = TestNode.start(Map.of("http.instances", 1));
  }

  @AfterEach
  void stop() {
    node.close();
  }

  /**
   * After the hostile call: later plain refused calls (no token) must still be audited, and so must the hostile call
   * itself (its row may be cleaned up, but it must exist).
   */
  void assertTheAuditTrailGoesOn(String hostileCorrelationId) {
    List<String> later = AuditRows.refusedWorkOrders(node.api, 3, "corr_after_");
    for (String correlationId : later) {
      assertThat(AuditRows.one(node.db, correlationId)).as("audit row of a later refused call")
          .containsEntry("http_status_code", 401).containsEntry("success", false);
    }
    assertThat(AuditRows.one(node.db, hostileCorrelationId)).as("audit row of the hostile call")
        .containsEntry("http_status_code", 401).containsEntry("success", false);
  }

  @Test
  void anAnonymousJsonBodyWithANulCharacterIsAuditedAndDoesNotStopTheAuditTrail() {
    String correlationId = "corr_nul_" + Plant.unique("X");
    Response response = node.api.post(ErpRoutes.WORK_ORDERS, null, "application/json",
        "{\"event_type\":\"work_order.created\",\"note\":\"a\\u0000b\"}", Map.of("X-Correlation-ID", correlationId));

    assertThat(response.status()).isEqualTo(401);
    assertTheAuditTrailGoesOn(correlationId);
  }

  @Test
  void anAnonymousCallToAVeryLongIntegrationPathIsAuditedAndDoesNotStopTheAuditTrail() {
    String correlationId = "corr_long_" + Plant.unique("X");
    String system = "x".repeat(80);
    Response response = node.api.post(AuditTrail.PREFIX + system + "/orders", null, "application/json", "{}",
        Map.of("X-Correlation-ID", correlationId));

    assertThat(response.status()).isEqualTo(401);
    assertTheAuditTrailGoesOn(correlationId);
  }
}
