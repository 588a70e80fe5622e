package mraos.workorders;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.SqlClient;
import mraos.config.MraosConfig;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * The work orders as other areas may change them: the work-order area owns {@code work_orders} (and its bills of
 * materials, production log and quality figures), and every change to them goes through these operations. Found with
 * {@link ServiceLoader}; one per verticle that asks ({@link #on}).
 */
public interface WorkOrders {

  /** Takes in ERP's change: stores a new order, updates or cancels one, with its {@code work-orders} event. */
  Future<IntakeOutcome> receive(OrderChange change, String correlationId);

  /** MRAOS's work orders for these ERP ids, by ERP id (those it does not hold are absent). */
  Future<Map<String, WorkOrder>> byErpId(Collection<String> erpWorkOrderIds);

  /** ERP confirmed the order's completion report: the order is synchronized with ERP (idempotent). */
  Future<Void> reportedToErp(SqlClient tx, String workOrderId, Instant at);

  /** Which of these work orders MRAOS holds (they are never deleted). */
  Future<Set<String>> known(SqlClient db, Collection<String> workOrderIds);

  /**
   * How these work orders run ({@link OrderRun}), read with a share lock in the caller's transaction (a completion or
   * cancellation waits for it); those MRAOS does not hold are absent.
   */
  Future<Map<String, OrderRun>> runs(SqlClient tx, Collection<String> workOrderIds);

  /**
   * Applies a line's counts in the caller's transaction, as one statement: a count is applied only if its order runs on
   * its machine ({@link OrderRun}) and had not reached its quantity before it, in the batch's order; the orders moved
   * and the counts refused.
   */
  Future<CountOutcome> count(SqlClient tx, ProducedCounts counts);

  /**
   * Applies a line's counts (all for orders {@link #known}) through the node's shared writer: batches of several lines
   * that wait meanwhile go in one statement, each in its own implicit transaction; the orders this batch moved.
   */
  Future<CountOutcome> countShared(ProducedCounts counts);

  /** Adds a batch's new inspections to their orders' quality figures, in the caller's transaction. */
  Future<Void> inspected(SqlClient tx, List<InspectionTally> tallies, Instant at);

  /**
   * Completes the order in one transaction with every {@link CompletionEffect} and its {@code work_order.completed}
   * event; wakes the outbound paths of the calls queued. Fails with an {@code ApiError} (404 unknown, 409 closed, 400
   * inconsistent figures).
   */
  Future<CompletedOrder> complete(String workOrderId, CompletionRequest request, String completedBy, String correlationId);

  /** The work-order area's operations for a verticle of this node. */
  static WorkOrders on(Vertx vertx, MraosConfig config) {
    return ServiceLoader.load(Provider.class).findFirst()
        .orElseThrow(() -> new IllegalStateException("No work-order area on the class path (verticles.workorders)"))
        .create(vertx, config);
  }

  /** Makes the operations for a verticle (a public no-argument constructor, for ServiceLoader). */
  interface Provider {
    WorkOrders create(Vertx vertx, MraosConfig config);
  }
}
