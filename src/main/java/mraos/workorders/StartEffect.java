package mraos.workorders;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import mraos.config.MraosConfig;
import mraos.outbound.OutboundRequest;

import java.time.Instant;
import java.util.List;

/**
 * What an area does when a supervisor starts (assigns) a work order, and when that order is cancelled (e.g. the
 * inventory area reserves the order's bill of materials at the warehouse, spec §6.2.2, and releases the reservation on
 * cancellation). Called in the transaction that starts or cancels the order, so its calls out commit with it (sent
 * once, through each system's outbound path). Implementations are found with {@link java.util.ServiceLoader}: the
 * work-order area knows none of them.
 */
public interface StartEffect {

  /** Its key in the supervisor's answer and in {@code GET /api/v1/work-orders/{id}} (e.g. {@code material_reservation}). */
  String name();

  /** Called once, before any start, with the node it runs on. */
  default void configure(Vertx vertx, MraosConfig config) {
  }

  /** The order is being started in {@code tx}: the calls out it queued (their systems are woken after the commit). */
  Future<List<OutboundRequest>> started(SqlConnection tx, WorkOrder order, String correlationId, Instant at);

  /**
   * After the start committed: what the supervisor is answered about it (e.g. the reservation, or what is short),
   * waiting for the external system as long as the area's configuration says; null to add nothing.
   */
  default Future<JsonObject> answer(String workOrderId) {
    return Future.succeededFuture();
  }

  /** The order is being cancelled in {@code tx}: the calls out it queued (e.g. releasing a reservation). */
  default Future<List<OutboundRequest>> cancelled(SqlConnection tx, WorkOrder order, String correlationId, Instant at) {
    return Future.succeededFuture(List.of());
  }

  /** What this area holds about the order, shown with it on {@code GET /api/v1/work-orders/{id}}; null for nothing. */
  default Future<JsonObject> describe(SqlClient db, String workOrderId) {
    return Future.succeededFuture();
  }
}
