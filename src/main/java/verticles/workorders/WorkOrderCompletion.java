package verticles.workorders;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import io.vertx.sqlclient.data.Numeric;
import mraos.config.MraosConfig;
import mraos.events.Addresses;
import mraos.events.Envelope;
import mraos.events.Outbox;
import mraos.http.ApiError;
import mraos.http.ErrorCode;
import mraos.outbound.OutboundRequest;
import mraos.workorders.BomLine;
import mraos.workorders.CompletedOrder;
import mraos.workorders.Completion;
import mraos.workorders.CompletionEffect;
import mraos.workorders.CompletionRequest;
import mraos.workorders.WorkOrder;

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
import java.util.ServiceLoader;

/**
 * Completes a work order: its final quantities and times, what every area does on a completion ({@link CompletionEffect}:
 * ERP's completion report, spec §3.2.2, with the consumption it reports) and {@code work_order.completed} in the
 * outbox, all in one transaction; then the outbound paths of the calls queued are woken. A supervisor completes an
 * order through the API; a line completes one its counts brought to its quantity.
 */
final class WorkOrderCompletion {

  static final String LOCK = "SELECT " + WorkOrderStore.COLUMNS + " FROM work_orders WHERE work_order_id = $1 FOR UPDATE";
  /** $7: the defect types the supervisor named (added to those the inspections recorded). Scrap is not a defect count. */
  static final String COMPLETE = """
      UPDATE work_orders w SET status = 'completed', quantity_produced = $2, quantity_scrapped = $3,
          actual_start_time = COALESCE(actual_start_time, $4), actual_end_time = $5, completed_by = $6,
          defect_types = %s, updated_at = $8
       WHERE work_order_id = $1""".formatted(DefectTypes.added("$7::text[]"));
  static final String MATERIALS = "SELECT material_id, part_number, unit_of_measure FROM materials WHERE material_id = ANY($1)";
  static final String EMPLOYEE = "SELECT employee_id FROM operators WHERE operator_id = $1";

  private final Vertx vertx;
  private final Pool pool;
  private final Clock clock;
  private final String workOrdersTopic;
  private final List<CompletionEffect> effects = new ArrayList<>();

  WorkOrderCompletion(Vertx vertx, Pool pool, Clock clock, MraosConfig config) {
    this.vertx = Objects.requireNonNull(vertx);
    this.pool = Objects.requireNonNull(pool);
    this.clock = Objects.requireNonNull(clock);
    this.workOrdersTopic = config.kafka().workOrdersTopic();
    ServiceLoader.load(CompletionEffect.class).forEach(effect -> {
      effect.configure(vertx, config);
      effects.add(effect);
    });
  }

  Future<CompletedOrder> complete(String workOrderId, CompletionRequest request, String completedBy, String correlationId) {
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
        List<Completion.MaterialConsumed> materials = new ArrayList<>();
        consumed.forEach((id, quantity) -> materials.add(new Completion.MaterialConsumed(id, known.get(id)[0], quantity,
            known.get(id)[1])));
        return tx.preparedQuery(COMPLETE).execute(Tuple.from(new Object[] {workOrderId, Numeric.create(produced),
                Numeric.create(scrapped), utc(request.actualStartTime() != null ? request.actualStartTime() : end), utc(end),
                completedBy, named(request.defectTypes()), utc(now)}))
            .compose(v -> WorkOrderStore.byId(tx, workOrderId).map(found -> found.orElseThrow()))
            .compose(completed -> employeeOf(tx, completed.execution().operatorId()).compose(employee -> {
              // passed: no inspection recorded a defect, and the supervisor did not say it failed
              boolean passed = completed.quality().inspectionsFailed() == 0 && !Boolean.FALSE.equals(request.inspectionPassed());
              // the calls out about the order carry the id it came with from ERP (older orders: the completing request's)
              Completion completion = new Completion(completed, employee, materials, passed, completed.quality().defectTypes(),
                  completed.correlationId() != null ? completed.correlationId() : correlationId, now);
              return effects(tx, completion)
                  .compose(calls -> Outbox.append(tx, workOrdersTopic, workOrderId, Envelope.wrap(now,
                          Envelope.PLANT_SUBSCRIBERS, correlationId, new JsonObject()
                              .put("event_type", "work_order.completed").put("work_order", completed.toJson())))
                      .map(v -> new CompletedOrder(completed, calls)));
            }));
      });
    })).onSuccess(done -> {
      Outbox.wakeUp(vertx.eventBus());
      done.calls().stream().map(OutboundRequest::externalSystem).distinct()
          .forEach(system -> vertx.eventBus().publish(Addresses.outboundWakeUp(system), null));
    });
  }

  /** Every area's effect, one after another in the transaction; the calls they queued. */
  private Future<List<OutboundRequest>> effects(SqlConnection tx, Completion completion) {
    Future<List<OutboundRequest>> all = Future.succeededFuture(new ArrayList<>());
    for (CompletionEffect effect : effects) {
      all = all.compose(calls -> effect.completed(tx, completion).map(queued -> {
        calls.addAll(queued);
        return calls;
      }));
    }
    return all;
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

  /** The defect types a supervisor named, without blanks or repeats. */
  private static String[] named(List<String> defectTypes) {
    return defectTypes == null ? new String[0]
        : defectTypes.stream().filter(t -> t != null && !t.isBlank()).distinct().toArray(String[]::new);
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
