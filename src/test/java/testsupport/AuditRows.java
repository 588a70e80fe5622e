package testsupport;

import verticles.erp.ErpRoutes;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code integration_audit_log} rows of one request, found by the X-Correlation-ID the test sent. Rows are written
 * asynchronously in batches, so they are awaited.
 */
public final class AuditRows {

  private AuditRows() {
  }

  /** The single audit row of the request with this correlation id, waiting up to 10 s for it to be written. */
  public static Map<String, Object> one(Db db, String correlationId) {
    List<Map<String, Object>> rows = all(db, correlationId, 1);
    if (rows.size() != 1) {
      throw new AssertionError("Expected one audit row for correlation id " + correlationId + ", found " + rows);
    }
    return rows.get(0);
  }

  /** At least {@code count} audit rows with this correlation id (oldest first), waiting up to 10 s for them. */
  public static List<Map<String, Object>> all(Db db, String correlationId, int count) {
    String sql = "SELECT * FROM integration_audit_log WHERE correlation_id = ? ORDER BY log_id";
    await("audit row(s) of " + correlationId).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
        .until(() -> db.rows(sql, correlationId).size() >= count);
    return db.rows(sql, correlationId);
  }

  /**
   * Posts {@code count} valid work orders without a token, each refused with 401 (and so audited), each with a correlation
   * id of its own starting with {@code prefix}; answers those ids in order.
   */
  public static List<String> refusedWorkOrders(Api api, int count, String prefix) {
    List<String> correlationIds = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String correlationId = prefix + Plant.unique("X");
      Api.Response response = api.post(ErpRoutes.WORK_ORDERS, null, "application/json",
          Plant.workOrderEvent("work_order.created", Plant.unique("WO-REFUSED")).encode(),
          Map.of("X-Correlation-ID", correlationId));
      assertThat(response.status()).as("a work order posted without a token").isEqualTo(401);
      correlationIds.add(correlationId);
    }
    return correlationIds;
  }
}
