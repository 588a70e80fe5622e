package verticles.workorders;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Shareable;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import io.vertx.sqlclient.data.Numeric;
import mraos.config.IntakeConfig;
import mraos.db.BatchedStatements;
import mraos.events.Outbox;
import mraos.metrics.Meters;
import mraos.workorders.BomLine;
import mraos.workorders.OrderChange;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Stores new work orders in batches ({@link BatchedStatements}): each batch is one statement, so one round trip and one
 * commit, for however many orders arrived while the previous statements ran, up to {@code erp.intake.batch-size}, at
 * most {@code erp.intake.statements-in-flight} at once. One writer per node ({@link #of}), shared by the gateway's
 * instances. Every order keeps its own outcome, answered on its caller's context: stored, or not stored because a
 * material is unknown or its ERP id exists already (two orders of one ERP id never share a statement). Should the
 * database refuse a batch (a value one order carries, say), each of its orders is tried again alone, so one bad order
 * cannot fail the others.
 */
final class IntakeBatches implements Shareable, BatchedStatements.Statement<IntakeBatches.Pending, IntakeBatches.Stored> {

  /**
   * Materials check, orders, bills of materials and events in one statement. The orders come as parallel arrays
   * indexed by {@code n}, their BOM lines likewise with their order's {@code n}. An order is inserted only when every
   * one of its materials is known (all of it or none) and its ERP id is new. Answers one row {@code kind = 'order'}
   * per inserted order ({@code n} and its new id) and one row {@code kind = 'material'} per known material named, for
   * the unknown-material refusals and the availability warnings.
   */
  static final String CREATE = """
      WITH o AS (
        SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::numeric[], $8::text[],
                             $9::text[], $10::timestamptz[], $11::text[], $12::text[], $13::text[], $14::timestamptz[], $15::text[],
                             $23::timestamptz[], $25::text[])
          AS o(n, erp_work_order_id, work_order_number, product_id, product_name, product_variant, quantity_ordered,
               unit_of_measure, priority, due_date, customer_order_id, production_line, special_instructions, erp_event_at,
               envelope, received_at, correlation_id)
      ), b AS (
        SELECT * FROM unnest($16::int[], $17::int[], $18::text[], $19::text[], $20::text[], $21::numeric[], $22::text[])
          AS b(n, line_no, material_id, part_number, part_name, quantity_required, unit_of_measure)
      ), mat AS (
        SELECT m.material_id, m.part_number, m.is_active, COALESCE(s.available_quantity, 0) AS available_quantity
          FROM materials m LEFT JOIN material_stock s ON s.material_id = m.material_id
         WHERE m.material_id = ANY($18::text[])
      ), wo AS (
        INSERT INTO work_orders (work_order_id, erp_work_order_id, work_order_number, product_id, product_name,
            product_variant, quantity_ordered, unit_of_measure, priority, due_date, customer_order_id, production_line,
            special_instructions, erp_event_at, created_at, updated_at, correlation_id)
        SELECT 'WO-' || nextval('work_order_number_seq'), o.erp_work_order_id, o.work_order_number, o.product_id,
               o.product_name, o.product_variant, o.quantity_ordered, o.unit_of_measure, o.priority, o.due_date,
               o.customer_order_id, o.production_line, o.special_instructions, o.erp_event_at, o.received_at, o.received_at,
               o.correlation_id
          FROM o
         WHERE NOT EXISTS (SELECT 1 FROM b WHERE b.n = o.n
                              AND NOT EXISTS (SELECT 1 FROM mat WHERE mat.material_id = b.material_id))
         ORDER BY o.n
        ON CONFLICT (erp_work_order_id) DO NOTHING
        RETURNING work_order_id, erp_work_order_id
      ), created AS (
        SELECT o.n, wo.work_order_id, o.envelope FROM wo JOIN o ON o.erp_work_order_id = wo.erp_work_order_id
      ), bom AS (
        INSERT INTO work_order_bom (work_order_id, line_no, material_id, part_number, part_name, quantity_required,
            unit_of_measure)
        SELECT c.work_order_id, b.line_no, b.material_id, b.part_number, b.part_name, b.quantity_required, b.unit_of_measure
          FROM created c JOIN b ON b.n = c.n
      ), event AS (
        %s
        SELECT $24, c.work_order_id,
               jsonb_set(c.envelope::jsonb, '{payload,work_order,mraos_work_order_id}', to_jsonb(c.work_order_id))
          FROM created c ORDER BY c.n
      )
      SELECT 'order' AS kind, n, work_order_id::text AS id, NULL::text AS part_number, NULL::boolean AS is_active,
             NULL::numeric AS available_quantity
        FROM created
      UNION ALL
      SELECT 'material', NULL, material_id::text, part_number::text, is_active, available_quantity FROM mat"""
      .formatted(Outbox.APPEND);

  /**
   * A new order waiting to be stored. {@code envelope}: its {@code work_order.received} event as JSON text, the new
   * id to be set at {@code payload.work_order.mraos_work_order_id}. {@code receivedAt}: its created and updated time.
   * {@code correlationId}: the id the order came with, kept with it for the calls MRAOS makes about it.
   */
  record NewOrder(OrderChange.Order order, List<BomLine> bom, Instant erpEventAt, Instant receivedAt, String envelope,
                  String correlationId) {
  }

  /**
   * What the statement said about one order. {@code workOrderId} null: not inserted (a material unknown, or the ERP id
   * exists already). {@code materials}: the known materials the batch named, by id.
   */
  record Stored(String workOrderId, Map<String, MaterialAvailability.Material> materials) {
  }

  /** An order handed in, with the pool to store it through. */
  record Pending(Pool pool, NewOrder order) {
  }

  private final String topic;
  private final BatchedStatements<Pending, Stored> statements;

  /** A writer of its own (a retry, a reconciliation: {@link IntakeConfig#ONE_AT_A_TIME}); the webhook's is {@link #of}. */
  IntakeBatches(String topic, IntakeConfig config, MeterRegistry meters) {
    this.topic = Objects.requireNonNull(topic);
    this.statements = new BatchedStatements<>("work orders", config.statementsInFlight(), config.batchSize(),
        p -> List.of(p.order().order().erpWorkOrderId()), failure -> true,
        DistributionSummary.builder(Meters.INTAKE_BATCH_ORDERS).description("ERP work orders stored per statement")
            .register(meters), this);
  }

  /** The node's writer for {@code topic} (the first gateway instance to ask makes it, with its settings). */
  static IntakeBatches of(Vertx vertx, String topic, IntakeConfig config, MeterRegistry meters) {
    return BatchedStatements.shared(vertx, "erp-intake:" + topic, () -> new IntakeBatches(topic, config, meters));
  }

  /** Stores the order through {@code pool} with the next statement; answers on the caller's context. */
  Future<Stored> store(Pool pool, NewOrder order) {
    return statements.write(new Pending(pool, order));
  }

  @Override
  public Future<RowSet<Row>> execute(List<Pending> batch) {
    return batch.get(0).pool().preparedQuery(CREATE).execute(params(batch));
  }

  @Override
  public List<Stored> answers(List<Pending> batch, RowSet<Row> rows) {
    String[] ids = new String[batch.size()];
    Map<String, MaterialAvailability.Material> materials = new HashMap<>();
    for (Row row : rows) {
      if ("order".equals(row.getString("kind"))) {
        ids[row.getInteger("n")] = row.getString("id");
      } else {
        materials.put(row.getString("id"), MaterialAvailability.Material.of(row));
      }
    }
    List<Stored> stored = new ArrayList<>(batch.size());
    for (String id : ids) {
      stored.add(new Stored(id, materials));
    }
    return stored;
  }

  private Tuple params(List<Pending> batch) {
    int size = batch.size();
    Integer[] n = new Integer[size];
    String[] erpId = new String[size];
    String[] number = new String[size];
    String[] productId = new String[size];
    String[] productName = new String[size];
    String[] variant = new String[size];
    Numeric[] quantity = new Numeric[size];
    String[] unit = new String[size];
    String[] priority = new String[size];
    OffsetDateTime[] due = new OffsetDateTime[size];
    String[] customerOrder = new String[size];
    String[] line = new String[size];
    String[] instructions = new String[size];
    OffsetDateTime[] erpEventAt = new OffsetDateTime[size];
    String[] envelope = new String[size];
    OffsetDateTime[] receivedAt = new OffsetDateTime[size];
    String[] correlationId = new String[size];
    List<Integer> bomOrder = new ArrayList<>();
    List<BomLine> bom = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      NewOrder o = batch.get(i).order();
      OrderChange.Order order = o.order();
      n[i] = i;
      erpId[i] = order.erpWorkOrderId();
      number[i] = order.workOrderNumber();
      productId[i] = order.productId();
      productName[i] = order.productName();
      variant[i] = order.productVariant();
      quantity[i] = numeric(order.quantityOrdered());
      unit[i] = order.unitOfMeasure();
      priority[i] = order.priority();
      due[i] = utc(order.dueDate());
      customerOrder[i] = order.customerOrderId();
      line[i] = order.productionLine();
      instructions[i] = order.specialInstructions();
      erpEventAt[i] = utc(o.erpEventAt());
      envelope[i] = o.envelope();
      receivedAt[i] = utc(o.receivedAt());
      correlationId[i] = o.correlationId();
      for (BomLine l : o.bom()) {
        bomOrder.add(i);
        bom.add(l);
      }
    }
    return Tuple.from(new Object[] {
        n, erpId, number, productId, productName, variant, quantity, unit, priority, due, customerOrder, line, instructions,
        erpEventAt, envelope,
        bomOrder.toArray(Integer[]::new),
        bom.stream().map(BomLine::lineNo).toArray(Integer[]::new),
        bom.stream().map(BomLine::materialId).toArray(String[]::new),
        bom.stream().map(BomLine::partNumber).toArray(String[]::new),
        bom.stream().map(BomLine::partName).toArray(String[]::new),
        bom.stream().map(l -> numeric(l.quantityRequired())).toArray(Numeric[]::new),
        bom.stream().map(BomLine::unitOfMeasure).toArray(String[]::new),
        receivedAt, topic, correlationId});
  }

  private static Numeric numeric(BigDecimal value) {
    return value == null ? null : Numeric.create(value);
  }

  private static OffsetDateTime utc(Instant instant) {
    return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }
}
