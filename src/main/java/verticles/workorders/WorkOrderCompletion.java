package verticles.workorders;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import io.vertx.sqlclient.data.Numeric;
import mraos.config.MraosConfig;
import mraos.events.Envelope;
import mraos.events.Outbox;
import mraos.http.ApiError;
import mraos.http.ErrorCode;
import mraos.workorders.BomLine;
import mraos.workorders.WorkOrder;
import verticles.erp.CompletionReport;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Completes a work order: its final quantities and times, the materials it consumed (material_transactions, reported to
 * ERP hourly), the completion report queued for ERP (spec §3.2.2) and {@code work_order.completed} in the outbox, all
 * in one transaction. Until MES counts complete orders a supervisor does it through the API.
 */
public final class WorkOrderCompletion {

  static final String LOCK = "SELECT " + WorkOrderStore.COLUMNS + " FROM work_orders WHERE work_order_id = $1 FOR UPDATE";
  static final String COMPLETE = """
      UPDATE work_orders SET status = 'completed', quantity_produced = $2, quantity_scrapped = $3,
          actual_start_time = COALESCE(actual_start_time, $4), actual_end_time = $5, completed_by = $6,
          defect_count = GREATEST(defect_count, $7), updated_at = $8
       WHERE work_order_id = $1""";
  static final String MATERIALS = "SELECT material_id, part_number, unit_of_measure FROM materials WHERE material_id = ANY($1)";
  static final String CONSUMED = """
      INSERT INTO material_transactions (material_id, work_order_id, transaction_type, quantity, unit_of_measure, occurred_at)
      SELECT m, $1, 'consumption', q, u, $2 FROM unnest($3::text[], $4::numeric[], $5::text[]) AS t(m, q, u)""";
  static final String EMPLOYEE = "SELECT employee_id FROM operators WHERE operator_id = $1";

  /** What the supervisor (or MES) says about the finished order. Null fields take what MRAOS knows. */
  public record Request(BigDecimal quantityProduced, BigDecimal quantityScrapped, Instant completedAt, Instant actualStartTime,
                        Boolean inspectionPassed, List<String> defectTypes, Map<String, BigDecimal> materialsConsumed) {

    /** Completion by the MES's counts: the quantities MRAOS counted, now. */
    public static Request asCounted() {
      return new Request(null, null, null, null, null, null, null);
    }
  }

  public record Result(WorkOrder workOrder, String reportMessageId) {
  }

  private final Pool pool;
  private final Clock clock;
  private final MraosConfig config;

  public WorkOrderCompletion(Pool pool, Clock clock, MraosConfig config) {
    this.pool = Objects.requireNonNull(pool);
    this.clock = Objects.requireNonNull(clock);
    this.config = Objects.requireNonNull(config);
  }

  public Future<Result> complete(String workOrderId, Request request, String completedBy, String correlationId) {
    Instant now = clock.instant();
    Instant end = request.completedAt() != null ? request.completedAt() : now;
    return pool.withTransaction(tx -> lock(tx, workOrderId).compose(current -> {
      BigDecimal produced = request.quantityProduced() != null ? request.quantityProduced() : current.quantityProduced();
      BigDecimal scrapped = request.quantityScrapped() != null ? request.quantityScrapped() : current.quantityScrapped();
      if (scrapped.compareTo(produced) > 0) {
        throw ApiError.badRequest("quantity_scrapped (" + scrapped + ") cannot exceed quantity_produced (" + produced + ")");
      }
      Map<String, BigDecimal> consumed = request.materialsConsumed() != null ? request.materialsConsumed()
          : fromBillOfMaterials(current, produced);
      return materials(tx, consumed.keySet()).compose(known -> {
        List<String> unknown = consumed.keySet().stream().filter(m -> !known.containsKey(m)).toList();
        if (!unknown.isEmpty()) {
          return Future.failedFuture(ApiError.badRequest("Unknown material(s) in materials_consumed: " + unknown));
        }
        int defects = Math.max(current.quality().defectCount(), scrapped.setScale(0, RoundingMode.CEILING).intValue());
        return tx.preparedQuery(COMPLETE).execute(Tuple.from(new Object[] {workOrderId, Numeric.create(produced),
                Numeric.create(scrapped), utc(request.actualStartTime() != null ? request.actualStartTime() : end), utc(end),
                completedBy, defects, utc(now)}))
            .compose(v -> recordConsumption(tx, workOrderId, consumed, known, end))
            .compose(v -> WorkOrderStore.byId(tx, workOrderId).map(found -> found.orElseThrow()))
            .compose(completed -> employeeOf(tx, completed.execution().operatorId()).compose(employee -> {
              List<CompletionReport.MaterialConsumed> report = new ArrayList<>();
              consumed.forEach((id, quantity) -> report.add(new CompletionReport.MaterialConsumed(id,
                  known.get(id)[0], quantity, known.get(id)[1])));
              boolean passed = request.inspectionPassed() != null ? request.inspectionPassed()
                  : completed.quality().inspectionsFailed() == 0;
              return CompletionReport.enqueue(tx, completed,
                      new CompletionReport.Resources(completed.execution().operatorId(), employee, completed.execution().machineId()),
                      report, new CompletionReport.Quality(passed, completed.quality().defectCount(),
                          request.defectTypes() == null ? List.of() : request.defectTypes()),
                      config.erp().completionReportPath(), correlationId, now)
                  .compose(messageId -> Outbox.append(tx, config.kafka().workOrdersTopic(), workOrderId,
                          Envelope.wrap(now, Envelope.PLANT_SUBSCRIBERS, correlationId, new JsonObject()
                              .put("event_type", "work_order.completed").put("work_order", completed.toJson())))
                      .map(v -> new Result(completed, messageId)));
            }));
      });
    }));
  }

  private static Future<WorkOrder> lock(SqlConnection tx, String workOrderId) {
    return tx.preparedQuery(LOCK).execute(Tuple.of(workOrderId)).compose(rows -> {
      if (rows.size() == 0) {
        return Future.failedFuture(ApiError.notFound("Work order " + workOrderId + " is not known to MRAOS")
            .with("mraos_work_order_id", workOrderId));
      }
      WorkOrder current = WorkOrderStore.fromRow(rows.iterator().next());
      if (current.isClosed()) {
        return Future.failedFuture(ApiError.of(409, ErrorCode.INT_003, "Work order " + workOrderId + " is already "
            + current.status()).with("mraos_work_order_id", workOrderId));
      }
      return WorkOrderStore.withBom(tx, List.of(current)).map(list -> list.get(0));
    });
  }

  /** Without a count from the floor: what the bill of materials says the produced quantity used. */
  static Map<String, BigDecimal> fromBillOfMaterials(WorkOrder order, BigDecimal produced) {
    Map<String, BigDecimal> consumed = new LinkedHashMap<>();
    for (BomLine line : order.billOfMaterials()) {
      BigDecimal share = line.quantityRequired().multiply(produced).divide(order.quantityOrdered(), 3, RoundingMode.HALF_UP);
      if (share.signum() > 0) {
        consumed.merge(line.materialId(), share, BigDecimal::add);
      }
    }
    return consumed;
  }

  /** material id → {part number, unit of measure}. */
  private static Future<Map<String, String[]>> materials(SqlConnection tx, java.util.Set<String> ids) {
    if (ids.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    return tx.preparedQuery(MATERIALS).execute(Tuple.of(ids.toArray(String[]::new))).map(rows -> {
      Map<String, String[]> known = new HashMap<>();
      for (Row row : rows) {
        known.put(row.getString("material_id"), new String[] {row.getString("part_number"), row.getString("unit_of_measure")});
      }
      return known;
    });
  }

  private static Future<Void> recordConsumption(SqlConnection tx, String workOrderId, Map<String, BigDecimal> consumed,
                                                Map<String, String[]> known, Instant at) {
    if (consumed.isEmpty()) {
      return Future.succeededFuture();
    }
    String[] ids = consumed.keySet().toArray(String[]::new);
    Numeric[] quantities = consumed.values().stream().map(Numeric::create).toArray(Numeric[]::new);
    String[] units = consumed.keySet().stream().map(id -> known.get(id)[1]).toArray(String[]::new);
    return tx.preparedQuery(CONSUMED).execute(Tuple.of(workOrderId, utc(at)).addArrayOfString(ids).addValue(quantities)
        .addArrayOfString(units)).mapEmpty();
  }

  private static Future<String> employeeOf(SqlConnection tx, String operatorId) {
    if (operatorId == null) {
      return Future.succeededFuture(null);
    }
    return tx.preparedQuery(EMPLOYEE).execute(Tuple.of(operatorId))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString("employee_id"));
  }

  private static OffsetDateTime utc(Instant instant) {
    return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }
}
