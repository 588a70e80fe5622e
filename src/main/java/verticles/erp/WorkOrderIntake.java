package verticles.erp;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import io.vertx.sqlclient.data.Numeric;
import mraos.config.MraosConfig.IntakeConfig;
import mraos.events.Addresses;
import mraos.events.Envelope;
import mraos.events.Outbox;
import mraos.failures.IntegrationFailure;
import mraos.failures.IntegrationFailures;
import mraos.http.ApiError;
import mraos.http.ErrorCode;
import mraos.workorders.BomLine;
import mraos.workorders.WorkOrder;
import verticles.workorders.WorkOrderStore;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;

/**
 * Applies ERP's work-order events (spec §3.2.1): created orders are stored with their bill of materials, updates
 * change them, cancellations cancel them. Every change and its {@code work-orders} event commit together (outbox).
 * Refusals are {@link ApiError}s; an order that names unknown materials is also kept as an integration failure.
 */
public final class WorkOrderIntake {

  public static final String INTEGRATION_TYPE = "erp_work_order_inbound";

  static final String EXISTING_ID = "SELECT work_order_id FROM work_orders WHERE erp_work_order_id = $1";

  static final String UPDATE = """
      UPDATE work_orders
         SET work_order_number = $2, product_id = $3, product_name = $4, product_variant = $5, quantity_ordered = $6,
             unit_of_measure = $7, priority = $8, due_date = $9, customer_order_id = $10, production_line = $11,
             special_instructions = $12, erp_event_at = $13, updated_at = $14
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

  /** What an event did: the order afterwards, the answer's message and warnings, and the event-bus news (if any). */
  public sealed interface Outcome {
    WorkOrder workOrder();

    String message();

    default List<String> warnings() {
      return List.of();
    }

    /** Address the changed order is published on after the commit; null when nothing changed. */
    String announceOn();
  }

  public record Created(WorkOrder workOrder, List<String> warnings) implements Outcome {
    public String message() {
      return "Work order created successfully";
    }

    public String announceOn() {
      return Addresses.WORK_ORDER_RECEIVED;
    }
  }

  public record Updated(WorkOrder workOrder, List<String> warnings) implements Outcome {
    public String message() {
      return "Work order updated successfully";
    }

    public String announceOn() {
      return Addresses.WORK_ORDER_UPDATED;
    }
  }

  public record Cancelled(WorkOrder workOrder, boolean alreadyCancelled) implements Outcome {
    public String message() {
      return alreadyCancelled ? "Work order was already cancelled" : "Work order cancelled successfully";
    }

    public String announceOn() {
      return alreadyCancelled ? null : Addresses.WORK_ORDER_CANCELLED;
    }
  }

  /** The event is older than the last ERP change applied to this order: nothing changed. */
  public record Stale(WorkOrder workOrder) implements Outcome {
    public String message() {
      return "Event is older than the last ERP change applied to this work order (" + workOrder.erpEventAt()
          + "); nothing changed";
    }

    public String announceOn() {
      return null;
    }
  }

  /**
   * Where the event comes from, for the failure record and the event envelope. {@code keepFailure}: an order naming
   * unknown materials is kept as an integration failure (not when the failure's own retry re-applies it).
   */
  public record Origin(String correlationId, JsonObject originalMessage, boolean keepFailure) {
    public static Origin request(String correlationId, JsonObject message) {
      return new Origin(correlationId, message, true);
    }

    public static Origin retryOf(String correlationId, JsonObject message) {
      return new Origin(correlationId, message, false);
    }
  }

  private final Pool pool;
  private final Clock clock;
  private final String workOrdersTopic;
  private final IntegrationFailures failures;
  private final IntakeBatches creates;

  private final Pool batchPool;

  /**
   * The webhook's: new orders are stored through the node's shared writer ({@link IntakeBatches#of}, {@code erp.intake}),
   * by {@code batchPool} ({@link mraos.db.Database#batchPool}: the batch statement is planned once per connection).
   */
  public WorkOrderIntake(Vertx vertx, Pool pool, Pool batchPool, Clock clock, String workOrdersTopic,
                         IntegrationFailures failures, IntakeConfig batching, MeterRegistry meters) {
    this(pool, batchPool, clock, workOrdersTopic, failures, IntakeBatches.of(vertx, workOrdersTopic, batching, meters));
  }

  /** For a single event now and then (a retry, a reconciliation): each new order in a statement of its own. */
  public WorkOrderIntake(Pool pool, Clock clock, String workOrdersTopic, IntegrationFailures failures) {
    this(pool, pool, clock, workOrdersTopic, failures,
        new IntakeBatches(workOrdersTopic, IntakeConfig.ONE_AT_A_TIME, new SimpleMeterRegistry()));
  }

  private WorkOrderIntake(Pool pool, Pool batchPool, Clock clock, String workOrdersTopic, IntegrationFailures failures,
                          IntakeBatches creates) {
    this.pool = Objects.requireNonNull(pool);
    this.batchPool = Objects.requireNonNull(batchPool);
    this.clock = Objects.requireNonNull(clock);
    this.workOrdersTopic = Objects.requireNonNull(workOrdersTopic);
    this.failures = Objects.requireNonNull(failures);
    this.creates = Objects.requireNonNull(creates);
  }

  public Future<Outcome> apply(ErpWorkOrderEvent event, Origin origin) {
    return switch (event.type()) {
      case CREATED -> create(event, origin);
      case UPDATED -> update(event, origin);
      case CANCELLED -> cancel(event, origin);
    };
  }

  private Future<Outcome> create(ErpWorkOrderEvent event, Origin origin) {
    ErpWorkOrderEvent.Order order = event.order();
    List<BomLine> bom = order.billOfMaterials() == null ? List.of() : order.billOfMaterials();
    Instant now = clock.instant();
    WorkOrder draft = newWorkOrder(order, event.timestamp(), now, bom);
    String envelope = event("work_order.received", draft, now, origin).encode();
    return creates.store(batchPool, new IntakeBatches.NewOrder(order, bom, event.timestamp(), now, envelope)).compose(stored -> {
      MaterialAvailability.Result availability = MaterialAvailability.evaluate(bom, stored.materials());
      if (!availability.allKnown()) {
        return refuseUnknownMaterials(availability, origin);
      }
      if (stored.workOrderId() == null) {
        return duplicate(order.erpWorkOrderId());
      }
      return Future.succeededFuture(new Created(withId(draft, stored.workOrderId()), availability.warnings()));
    });
  }

  private Future<Outcome> update(ErpWorkOrderEvent event, Origin origin) {
    ErpWorkOrderEvent.Order order = event.order();
    List<BomLine> bom = order.billOfMaterials();
    return checkMaterials(bom, origin).compose(availability -> pool.withTransaction(tx ->
        lockExisting(tx, order.erpWorkOrderId()).compose(current -> {
          refuseIfClosed(current, "updated");
          if (event.timestamp().isBefore(current.erpEventAt())) {
            return WorkOrderStore.withBom(tx, List.of(current)).map(list -> (Outcome) new Stale(list.get(0)));
          }
          Instant now = clock.instant();
          Tuple params = Tuple.from(new Object[] {
              current.workOrderId(), order.workOrderNumber(), order.productId(), order.productName(), order.productVariant(),
              numeric(order.quantityOrdered()), order.unitOfMeasure(), order.priority(), utc(order.dueDate()),
              order.customerOrderId(), order.productionLine(), order.specialInstructions(), utc(event.timestamp()), utc(now)});
          Future<?> bomReplaced = bom == null ? Future.succeededFuture() : replaceBom(tx, current.workOrderId(), bom);
          return tx.preparedQuery(UPDATE).execute(params)
              .compose(v -> bomReplaced)
              .compose(v -> reload(tx, current.workOrderId()))
              .compose(updated -> Outbox.append(tx, workOrdersTopic, updated.workOrderId(),
                      event("work_order.updated", updated, now, origin))
                  .map(v -> (Outcome) new Updated(updated, availability.warnings())));
        })));
  }

  private Future<Outcome> cancel(ErpWorkOrderEvent event, Origin origin) {
    return pool.withTransaction(tx -> lockExisting(tx, event.order().erpWorkOrderId()).compose(current -> {
      if (WorkOrder.CANCELLED.equals(current.status())) {
        return WorkOrderStore.withBom(tx, List.of(current)).map(list -> (Outcome) new Cancelled(list.get(0), true));
      }
      refuseIfClosed(current, "cancelled");
      if (event.timestamp().isBefore(current.erpEventAt())) {
        return WorkOrderStore.withBom(tx, List.of(current)).map(list -> (Outcome) new Stale(list.get(0)));
      }
      Instant now = clock.instant();
      return tx.preparedQuery(CANCEL).execute(Tuple.of(current.workOrderId(), utc(now), utc(event.timestamp())))
          .compose(v -> reload(tx, current.workOrderId()))
          .compose(cancelled -> Outbox.append(tx, workOrdersTopic, cancelled.workOrderId(),
                  event("work_order.cancelled", cancelled, now, origin))
              .map(v -> (Outcome) new Cancelled(cancelled, false)));
    }));
  }

  /** Unknown materials refuse the order (400) and keep it as an integration failure for review; nothing else is written. */
  private Future<MaterialAvailability.Result> checkMaterials(List<BomLine> bom, Origin origin) {
    return MaterialAvailability.check(pool, bom).compose(result -> result.allKnown()
        ? Future.succeededFuture(result) : refuseUnknownMaterials(result, origin));
  }

  private <T> Future<T> refuseUnknownMaterials(MaterialAvailability.Result result, Origin origin) {
    ApiError refusal = ApiError.badRequest("The bill of materials names material(s) MRAOS does not know; the work order was not stored")
        .details(result.unknown());
    if (!origin.keepFailure()) {
      return Future.failedFuture(refusal.with("error_message", result.unknownSummary()));
    }
    IntegrationFailure failure = IntegrationFailure.forReview(clock.instant(), INTEGRATION_TYPE, "inbound", "ERP",
        origin.originalMessage(), IntegrationFailure.VALIDATION_ERROR, result.unknownSummary(), origin.correlationId());
    return failures.record(pool, failure).compose(recorded -> Future.failedFuture(
        refusal.with("failure_id", recorded.failureId())));
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

  private Future<Outcome> duplicate(String erpWorkOrderId) {
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

  private JsonObject event(String eventType, WorkOrder workOrder, Instant now, Origin origin) {
    return Envelope.wrap(now, Envelope.PLANT_SUBSCRIBERS, origin.correlationId(),
        new JsonObject().put("event_type", eventType).put("work_order", workOrder.toJson()));
  }

  private static WorkOrder newWorkOrder(ErpWorkOrderEvent.Order order, Instant erpEventAt, Instant now, List<BomLine> bom) {
    return new WorkOrder(null, order.erpWorkOrderId(), order.workOrderNumber(), order.productId(), order.productName(),
        order.productVariant(), order.quantityOrdered(), BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO,
        order.unitOfMeasure(), order.priority(), WorkOrder.RECEIVED, order.dueDate(), order.customerOrderId(),
        order.productionLine(), order.specialInstructions(), WorkOrder.Execution.NOT_STARTED, WorkOrder.Quality.NONE,
        erpEventAt, null, null, now, now, bom);
  }

  private static WorkOrder withId(WorkOrder w, String id) {
    return new WorkOrder(id, w.erpWorkOrderId(), w.workOrderNumber(), w.productId(), w.productName(), w.productVariant(),
        w.quantityOrdered(), w.quantityProduced(), w.quantityScrapped(), w.progressPercentage(), w.unitOfMeasure(),
        w.priority(), w.status(), w.dueDate(), w.customerOrderId(), w.productionLine(), w.specialInstructions(),
        w.execution(), w.quality(), w.erpEventAt(), w.erpSynchronizedAt(), w.cancelledAt(), w.createdAt(), w.updatedAt(),
        w.billOfMaterials());
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
