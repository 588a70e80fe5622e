package verticles.workorders;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import mraos.config.MraosConfig;
import mraos.db.Database;
import mraos.metrics.Meters;
import mraos.time.NodeClock;
import mraos.workorders.CompletedOrder;
import mraos.workorders.CompletionRequest;
import mraos.workorders.InspectionTally;
import mraos.workorders.IntakeOutcome;
import mraos.workorders.OrderChange;
import mraos.workorders.CountOutcome;
import mraos.workorders.OrderRun;
import mraos.workorders.ProducedCounts;
import mraos.workorders.WorkOrder;
import mraos.workorders.WorkOrders;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The work-order area's operations as other areas use them ({@link WorkOrders}): every change to {@code work_orders}
 * from outside the area comes through here. One per verticle that asks; the writers it hands work to (new orders,
 * counts) are the node's.
 */
public final class WorkOrderBook implements WorkOrders {

  /** Found by ServiceLoader. */
  public static final class Provider implements WorkOrders.Provider {
    @Override
    public WorkOrders create(Vertx vertx, MraosConfig config) {
      return new WorkOrderBook(vertx, config);
    }
  }

  static final String KNOWN = "SELECT work_order_id FROM work_orders WHERE work_order_id = ANY($1)";

  static final String RUNS = """
      SELECT work_order_id, status, machine_id FROM work_orders WHERE work_order_id = ANY($1)
       ORDER BY work_order_id FOR SHARE""";

  /** The tallies as parallel arrays ($1-$3), their defect types as (order, type) pairs ($5, $6). */
  static final String QUALITY = """
      UPDATE work_orders w
         SET inspections_passed = w.inspections_passed + t.passed, inspections_failed = w.inspections_failed + t.failed,
             defect_count = w.defect_count + t.failed, updated_at = $4,
             defect_types = %s
        FROM unnest($1::text[], $2::int[], $3::int[]) AS t(work_order_id, passed, failed)
       WHERE w.work_order_id = t.work_order_id""".formatted(DefectTypes.added(
          "ARRAY(SELECT d.type FROM unnest($5::text[], $6::text[]) WITH ORDINALITY AS d(work_order_id, type, i)"
          + " WHERE d.work_order_id = w.work_order_id ORDER BY d.i)"));

  static final String SYNCHRONIZED = """
      UPDATE work_orders SET erp_synchronized_at = $2 WHERE work_order_id = $1 AND erp_synchronized_at IS NULL""";

  private final Pool pool;
  private final String workOrdersTopic;
  private final WorkOrderIntake intake;
  private final CountsWriter counts;
  private final Vertx vertx;
  private final MraosConfig config;
  /** Made when first needed: the areas' completion effects may themselves ask for the work orders. */
  private WorkOrderCompletion completion;

  WorkOrderBook(Vertx vertx, MraosConfig config) {
    this.vertx = vertx;
    this.config = config;
    this.pool = Database.pool(vertx, config.database());
    Pool batchPool = Database.batchPool(vertx, config.database());
    MeterRegistry meters = Meters.registry(config.metricsRegistryName());
    this.workOrdersTopic = config.kafka().workOrdersTopic();
    this.intake = new WorkOrderIntake(pool, batchPool, NodeClock.of(vertx), workOrdersTopic,
        IntakeBatches.of(vertx, workOrdersTopic, config.erp().intake(), meters),
        StartEffects.load(vertx, config), vertx);
    this.counts = CountsWriter.of(vertx, batchPool, workOrdersTopic, config.lines().countStatementsInFlight(), meters);
  }

  @Override
  public Future<IntakeOutcome> receive(OrderChange change, String correlationId) {
    return intake.apply(change, correlationId);
  }

  @Override
  public Future<Map<String, WorkOrder>> byErpId(Collection<String> erpWorkOrderIds) {
    return WorkOrderStore.byErpId(pool, erpWorkOrderIds);
  }

  @Override
  public Future<Void> reportedToErp(SqlClient tx, String workOrderId, Instant at) {
    return tx.preparedQuery(SYNCHRONIZED).execute(Tuple.of(workOrderId, utc(at))).mapEmpty();
  }

  @Override
  public Future<Set<String>> known(SqlClient db, Collection<String> workOrderIds) {
    return db.preparedQuery(KNOWN).execute(Tuple.of(workOrderIds.toArray(String[]::new))).map(rows -> {
      Set<String> known = new HashSet<>();
      rows.forEach(row -> known.add(row.getString("work_order_id")));
      return known;
    });
  }

  @Override
  public Future<Map<String, OrderRun>> runs(SqlClient tx, Collection<String> workOrderIds) {
    return tx.preparedQuery(RUNS).execute(Tuple.of(workOrderIds.toArray(String[]::new))).map(rows -> {
      Map<String, OrderRun> runs = new HashMap<>();
      rows.forEach(row -> runs.put(row.getString("work_order_id"), new OrderRun(row.getString("work_order_id"),
          row.getString("status"), row.getString("machine_id"))));
      return runs;
    });
  }

  @Override
  public Future<CountOutcome> count(SqlClient tx, ProducedCounts batch) {
    return tx.preparedQuery(ProductionCounts.STATEMENT).execute(ProductionCounts.params(List.of(batch), workOrdersTopic))
        .map(rows -> ProductionCounts.outcome(rows, null));
  }

  @Override
  public Future<CountOutcome> countShared(ProducedCounts batch) {
    return counts.write(batch);
  }

  @Override
  public Future<Void> inspected(SqlClient tx, List<InspectionTally> tallies, Instant at) {
    if (tallies.isEmpty()) {
      return Future.succeededFuture();
    }
    return tx.preparedQuery(QUALITY).execute(Tuple.tuple()
        .addArrayOfString(tallies.stream().map(InspectionTally::workOrderId).toArray(String[]::new))
        .addArrayOfInteger(tallies.stream().map(InspectionTally::passed).toArray(Integer[]::new))
        .addArrayOfInteger(tallies.stream().map(InspectionTally::failed).toArray(Integer[]::new))
        .addOffsetDateTime(utc(at))
        .addArrayOfString(tallies.stream().flatMap(t -> t.defectTypes().stream().map(type -> t.workOrderId()))
            .toArray(String[]::new))
        .addArrayOfString(tallies.stream().flatMap(t -> t.defectTypes().stream()).toArray(String[]::new))).mapEmpty();
  }

  @Override
  public Future<CompletedOrder> complete(String workOrderId, CompletionRequest request, String completedBy,
                                         String correlationId) {
    if (completion == null) {
      completion = new WorkOrderCompletion(vertx, pool, NodeClock.of(vertx), config);
    }
    return completion.complete(workOrderId, request, completedBy, correlationId);
  }

  private static OffsetDateTime utc(Instant instant) {
    return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }
}
