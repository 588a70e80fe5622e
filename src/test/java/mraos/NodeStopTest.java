package mraos;

import org.junit.jupiter.api.Test;
import testsupport.Api.Response;
import testsupport.Plant;
import testsupport.TestNode;
import verticles.erp.ErpRoutes;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A node that stops writes what its verticles still held: here the audit rows of the last requests, which wait for the
 * next flush (a minute away in this test) and are written by the gateway's stop. Before, Vert.x closed the database
 * pools while the verticles were stopping, and those rows were lost ("Client is closed").
 */
class NodeStopTest {

  static final String ROWS = "SELECT count(*) FROM integration_audit_log WHERE correlation_id IN (?, ?, ?)";

  @Test
  void theLastAuditRowsAreWrittenWhenTheNodeStops() {
    TestNode node = TestNode.start(Map.of("audit.flush-interval-ms", 60_000));
    List<String> correlationIds = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        String correlationId = "corr_stop_" + Plant.unique("X");
        Response response = node.api.post(ErpRoutes.WORK_ORDERS, null, "application/json",
            Plant.workOrderEvent("work_order.created", Plant.unique("WO-STOP")).encode(), Map.of("X-Correlation-ID", correlationId));
        assertThat(response.status()).isEqualTo(401);
        correlationIds.add(correlationId);
      }
      assertThat(node.db.count(ROWS, correlationIds.toArray())).as("rows written before the stop (the flush is a minute away)").isZero();
    } finally {
      node.close();
    }
    assertThat(node.db.count(ROWS, correlationIds.toArray())).as("audit rows of the last requests, after the stop").isEqualTo(3);
  }
}
