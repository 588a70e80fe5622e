package verticles.workorders;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import io.vertx.sqlclient.data.Numeric;
import mraos.events.Addresses;
import mraos.events.Envelope;
import mraos.events.Outbox;
import mraos.http.ApiError;
import mraos.http.ErrorCode;
import mraos.workorders.BomLine;
import mraos.workorders.IntakeOutcome.Cancelled;
import mraos.workorders.IntakeOutcome.Created;
import mraos.workorders.IntakeOutcome.Stale;
import mraos.workorders.IntakeOutcome.UnknownMaterials;
import mraos.workorders.IntakeOutcome.Updated;
import mraos.workorders.IntakeOutcome;
import mraos.workorders.OrderChange;
import mraos.workorders.StartEffect;
import mraos.workorders.WorkOrder;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Applies ERP's changes to work orders (spec §3.2.1): created orders are stored with their bill of materials (through
 * the node's batch writer, {@link IntakeBatches}), updates change them, cancellations cancel them. Every change and its
 * {@code work-orders} event commit together (outbox). An order naming materials MRAOS does not know is not stored
 * ({@link UnknownMaterials}: what to do about it is the caller's); the other refusals are {@link ApiError}s.
 */
final class WorkOrderIntake {

  static final String EXISTING_ID = "SELECT work_order_id FROM work_orders WHERE erp_work_order_id = $1";

  static final String UPDATE = """
      UPDATE work_orders
         SET work_order_number = $2, product_id = $3, product_name = $4, product_variant = $5, quantity_ordered = $6,
             unit_of_measure = $7, priority = $8, due_date = $9, customer_order_id = $10, production_line = $11,
             special_instructions = $12, erp_event_at = $13, updated_at = $14,
             correlation_id = COALESCE(correlation_id, $15)
       WHERE work_order_id = $1""";

  static final String CANCEL = """
      UPDATE work_orders SET status = 'cancelled', cancelled_at = $2, erp_event_at = $3, updated_at = $2
       WHERE work_order_id = $1""";

  static final String DELETE_BOM = "DELETE FROM work_order_bom WHERE work_order_id = $1";

  static final String INSERT_BOM = """
      INSERT INTO work_order_bom (work_order_id, line_no, material_id, part_number, part_name, quantity_required, unit_of_measure)
      SELECT $1, b.line_no, b.material_id, b.part_number, b.part_name, b.quantity_required, b.unit_of_measure
        FROM unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::numeric[], $7::text[])
             AS b(line_no, material_id, part_number, part_name, quantity_required, unit_of_measure)""";

  private final Pool pool;
  private final Pool batchPool;
  private final Clock clock;
  private final String workOrdersTopic;
  private final IntakeBatches creates;
  private final List<StartEffect> effects;
  private final Vertx vertx;

  /**
   * @param batchPool the pool new orders are stored through ({@link mraos.db.Database#batchPool}: the batch statement
   *                  is planned once per connection)
   * @param creates   the node's writer of new orders ({@link IntakeBatches#of})
   * @param effects   what other areas do when an order is cancelled (e.g. release its reservation)
   */
  WorkOrderIntake(Pool pool, Pool batchPool, Clock clock, String workOrdersTopic, IntakeBatches creates,
                  List<StartEffect> effects, Vertx vertx) {
    this.pool = Objects.requireNonNull(pool);
    this.batchPool = Objects.requireNonNull(batchPool);
    this.clock = Objects.requireNonNull(clock);
    this.workOrdersTopic = Objects.requireNonNull(workOrdersTopic);
    this.creates = Objects.requireNonNull(creates);
    this.effects = List.copyOf(effects);
    this.vertx = Objects.requireNonNull(vertx);
  }

  Future<IntakeOutcome> apply(OrderChange change, String correlationId) {
    return switch (change.type()) {
      case CREATED -> create(change, correlationId);
      case UPDATED -> update(change, correlationId);
      case CANCELLED -> cancel(change, correlationId);
    };
  }

  private Future<IntakeOutcome> create(OrderChange change, String correlationId) {
    OrderChange.Order order = change.order();
    List<BomLine> bom = order.billOfMaterials() == null ? List.of() : order.billOfMaterials();
    Instant now = clock.instant();
    WorkOrder draft = newWorkOrder(order, change.erpEventAt(), now, bom, correlationId);
    String envelope = event("work_order.received", draft, now, correlationId).encode();
    return creates.store(batchPool, new IntakeBatches.NewOrder(order, bom, change.erpEventAt(), now, envelope, correlationId))
        .compose(stored -> {
      MaterialAvailability.Result availability = MaterialAvailability.evaluate(bom, stored.materials());
      if (!availability.allKnown()) {
        return Future.succeededFuture(new UnknownMaterials(availability.unknown()));
      }
      if (stored.workOrderId() == null) {
        return duplicate(order.erpWorkOrderId());
      }
      return Future.succeededFuture(new Created(withId(draft, stored.workOrderId()), availability.warnings()));
    });
  }

  private Future<IntakeOutcome> update(OrderChange change, String correlationId) {
    OrderChange.Order order = change.order();
    List<BomLine> bom = order.billOfMaterials();
    return MaterialAvailability.check(pool, bom).compose(availability -> !availability.allKnown()
        ? Future.succeededFuture(new UnknownMaterials(availability.unknown()))
        : pool.withTransaction(tx -> lockExisting(tx, order.erpWorkOrderId()).compose(current -> {
          refuseIfClosed(current, "updated");
          if (change.erpEventAt().isBefore(current.erpEventAt())) {
            return WorkOrderStore.withBom(tx, List.of(current)).map(list -> (IntakeOutcome) new Stale(list.get(0)));
          }
          Instant now = clock.instant();
          Tuple params = Tuple.from(new Object[] {
              current.workOrderId(), order.workOrderNumber(), order.productId(), order.productName(), order.productVariant(),
              numeric(order.quantityOrdered()), order.unitOfMeasure(), order.priority(), utc(order.dueDate()),
              order.customerOrderId(), order.productionLine(), order.specialInstructions(), utc(change.erpEventAt()), utc(now),
              correlationId});
          Future<?> bomReplaced = bom == null ? Future.succeededFuture() : replaceBom(tx, current.workOrderId(), bom);
          return tx.preparedQuery(UPDATE).execute(params)
              .compose(v -> bomReplaced)
              .compose(v -> reload(tx, current.workOrderId()))
              .compose(updated -> Outbox.append(tx, workOrdersTopic, updated.workOrderId(),
                      event("work_order.updated", updated, now, correlationId))
                  .map(v -> (IntakeOutcome) new Updated(updated, availability.warnings())));
        })));
  }

  private Future<IntakeOutcome> cancel(OrderChange change, String correlationId) {
    List<String> systems = new ArrayList<>();
    return pool.withTransaction(tx -> lockExisting(tx, change.order().erpWorkOrderId()).compose(current -> {
      if (WorkOrder.CANCELLED.equals(current.status())) {
        return WorkOrderStore.withBom(tx, List.of(current)).map(list -> (IntakeOutcome) new Cancelled(list.get(0), true));
      }
      refuseIfClosed(current, "cancelled");
      if (change.erpEventAt().isBefore(current.erpEventAt())) {
        return WorkOrderStore.withBom(tx, List.of(current)).map(list -> (IntakeOutcome) new Stale(list.get(0)));
      }
      Instant now = clock.instant();
      return tx.preparedQuery(CANCEL).execute(Tuple.of(current.workOrderId(), utc(now), utc(change.erpEventAt())))
          .compose(v -> reload(tx, current.workOrderId()))
          .compose(cancelled -> cancelEffects(tx, cancelled, correlationId, now, systems).compose(v -> Outbox.append(tx,
                  workOrdersTopic, cancelled.workOrderId(), event("work_order.cancelled", cancelled, now, correlationId)))
              .map(v -> (IntakeOutcome) new Cancelled(cancelled, false)));
    })).onSuccess(outcome -> systems.forEach(system -> vertx.eventBus().publish(Addresses.outboundWakeUp(system), null)));
  }

  /** Every {@link StartEffect}'s part of a cancellation (a reservation released), in its transaction. */
  private Future<Void> cancelEffects(SqlConnection tx, WorkOrder cancelled, String correlationId, Instant now,
                                     List<String> systems) {
    Future<Void> chain = Future.succeededFuture();
    for (StartEffect effect : effects) {
      chain = chain.compose(v -> effect.cancelled(tx, cancelled, correlationId, now))
          .<Void>map(calls -> {
            calls.forEach(call -> systems.add(call.externalSystem()));
            return null;
          });
    }
    return chain;
  }

  private Future<WorkOrder> lockExisting(SqlConnection tx, String erpWorkOrderId) {
    return tx.preparedQuery(WorkOrderStore.BY_ERP_ID_FOR_UPDATE).execute(Tuple.of(erpWorkOrderId)).compose(rows -> {
      if (rows.size() == 0) {
        return Future.failedFuture(ApiError.notFound("Work order " + erpWorkOrderId + " is not known to MRAOS")
            .with("erp_work_order_id", erpWorkOrderId));
      }
      return Future.succeededFuture(WorkOrderStore.fromRow(rows.iterator().next()));
    });
  }

  private static void refuseIfClosed(WorkOrder current, String change) {
    if (current.isClosed()) {
      throw ApiError.of(409, ErrorCode.INT_003, "Work order " + current.erpWorkOrderId() + " (" + current.workOrderId()
              + ") is " + current.status() + " and can no longer be " + change)
          .with("mraos_work_order_id", current.workOrderId())
          .with("erp_work_order_id", current.erpWorkOrderId());
    }
  }

  private Future<IntakeOutcome> duplicate(String erpWorkOrderId) {
    return pool.preparedQuery(EXISTING_ID).execute(Tuple.of(erpWorkOrderId)).compose(rows -> {
      String existing = rows.size() == 0 ? null : rows.iterator().next().getString("work_order_id");
      return Future.failedFuture(ApiError.of(409, ErrorCode.INT_003,
              "Work order " + erpWorkOrderId + " already exists in MRAOS as " + existing)
          .with("mraos_work_order_id", existing)
          .with("erp_work_order_id", erpWorkOrderId));
    });
  }

  private static Future<Void> replaceBom(SqlClient tx, String workOrderId, List<BomLine> bom) {
    Tuple params = Tuple.of(workOrderId);
    addBom(params, bom);
    return tx.preparedQuery(DELETE_BOM).execute(Tuple.of(workOrderId))
        .compose(v -> bom.isEmpty() ? Future.succeededFuture() : tx.preparedQuery(INSERT_BOM).execute(params))
        .mapEmpty();
  }

  private static Future<WorkOrder> reload(SqlClient tx, String workOrderId) {
    return WorkOrderStore.byId(tx, workOrderId).map(found -> found.orElseThrow());
  }

  private JsonObject event(String eventType, WorkOrder workOrder, Instant now, String correlationId) {
    return Envelope.wrap(now, Envelope.PLANT_SUBSCRIBERS, correlationId,
        new JsonObject().put("event_type", eventType).put("work_order", workOrder.toJson()));
  }

  private static WorkOrder newWorkOrder(OrderChange.Order order, Instant erpEventAt, Instant now, List<BomLine> bom,
                                        String correlationId) {
    return new WorkOrder(null, order.erpWorkOrderId(), order.workOrderNumber(), order.productId(), order.productName(),
        order.productVariant(), order.quantityOrdered(), BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO,
        order.unitOfMeasure(), order.priority(), WorkOrder.RECEIVED, order.dueDate(), order.customerOrderId(),
        order.productionLine(), order.specialInstructions(), WorkOrder.Execution.NOT_STARTED, WorkOrder.Quality.NONE,
        erpEventAt, null, null, now, now, correlationId, bom);
  }

  private static WorkOrder withId(WorkOrder w, String id) {
    return new WorkOrder(id, w.erpWorkOrderId(), w.workOrderNumber(), w.productId(), w.productName(), w.productVariant(),
        w.quantityOrdered(), w.quantityProduced(), w.quantityScrapped(), w.progressPercentage(), w.unitOfMeasure(),
        w.priority(), w.status(), w.dueDate(), w.customerOrderId(), w.productionLine(), w.specialInstructions(),
        w.execution(), w.quality(), w.erpEventAt(), w.erpSynchronizedAt(), w.cancelledAt(), w.createdAt(), w.updatedAt(),
        w.correlationId(), w.billOfMaterials());
  }

  private static void addBom(Tuple params, List<BomLine> bom) {
    params.addArrayOfInteger(bom.stream().map(BomLine::lineNo).toArray(Integer[]::new))
        .addArrayOfString(bom.stream().map(BomLine::materialId).toArray(String[]::new))
        .addArrayOfString(bom.stream().map(BomLine::partNumber).toArray(String[]::new))
        .addArrayOfString(bom.stream().map(BomLine::partName).toArray(String[]::new))
        .addValue(bom.stream().map(l -> numeric(l.quantityRequired())).toArray(Numeric[]::new))
        .addArrayOfString(bom.stream().map(BomLine::unitOfMeasure).toArray(String[]::new));
  }

  private static Numeric numeric(BigDecimal value) {
    return value == null ? null : Numeric.create(value);
  }

  private static OffsetDateTime utc(Instant instant) {
    return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }

}
