package verticles.inventory;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import mraos.config.MraosConfig;
import mraos.db.Database;
import mraos.http.Json;
import mraos.outbound.DeliveryEffect;
import mraos.outbound.OutboundMessage;
import mraos.outbound.OutboundQueue;
import mraos.outbound.OutboundRequest;
import mraos.plant.PlantModel;
import mraos.time.NodeClock;
import mraos.workorders.Completion;
import mraos.workorders.CompletionEffect;
import mraos.workorders.WorkOrder;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * The consumption report to the warehouse (spec §6.2.2), queued in the transaction that completes a work order: one
 * per order ({@code inventory_consumption_reports}, so never twice), {@code transaction_id} {@code TXN-MRAOS-<date>-<n>},
 * each material consumed split over batches ({@link BatchSplit}: those the warehouse allocated to the order first, FEFO), {@code reason_code} PRODUCTION and the cost center of the line the order ran
 * on (plant model). Sent through the warehouse's outbound path (retries by class, breaker, dead letters, audit,
 * Idempotency-Key = the message id, the same on every attempt and after a restart); when delivered, the report is
 * marked and the stock of its materials pulled again.
 */
public final class ConsumptionReport implements CompletionEffect, DeliveryEffect {

  public static final String INTEGRATION_TYPE = "inventory_consumption";

  static final String CLAIM = """
      INSERT INTO inventory_consumption_reports (transaction_id, work_order_id, message_id, created_at)
      SELECT $1 || '-' || lpad(nextval('inventory_transaction_seq')::text, 4, '0'), $2, $3, $4
      ON CONFLICT (work_order_id) DO NOTHING RETURNING transaction_id""";
  static final String ALLOCATED = """
      SELECT b.material_id, b.batch_number, b.quantity FROM material_reservation_batches b
        JOIN material_reservations r USING (reservation_id)
       WHERE r.work_order_id = $1 AND r.status IN ('reserved', 'partial') ORDER BY b.material_id, b.position""";
  static final String DELIVERED = """
      UPDATE inventory_consumption_reports SET delivered_at = $2 WHERE message_id = $1 AND delivered_at IS NULL""";

  private static final DateTimeFormatter DAY = DateTimeFormatter.BASIC_ISO_DATE;

  private Vertx vertx;
  private Pool pool;
  private MraosConfig config;
  private InventorySettings settings;
  private PlantModel plant;

  /** Public no-argument constructor: found by ServiceLoader (as a completion effect and as a delivery effect). */
  public ConsumptionReport() {
  }

  @Override
  public String integrationType() {
    return INTEGRATION_TYPE;
  }

  @Override
  public void configure(Vertx vertx, MraosConfig config) {
    this.vertx = vertx;
    this.config = config;
    this.settings = InventorySettings.of(config);
    this.plant = PlantModel.load(config.plantModel());
    this.pool = Database.pool(vertx, config.database());
  }

  @Override
  public Future<List<OutboundRequest>> completed(SqlConnection tx, Completion completion) {
    WorkOrder order = completion.workOrder();
    List<Completion.MaterialConsumed> consumed = completion.materials().stream()
        .filter(m -> m.quantity() != null && m.quantity().signum() > 0).toList();
    if (consumed.isEmpty() || !config.inventory().connected()) {
      return Future.succeededFuture(List.of());
    }
    Instant at = completion.at();
    String prefix = settings.transactionIdPrefix() + "-" + DAY.format(LocalDate.ofInstant(at, config.plantTimeZone()));
    OutboundRequest draft = OutboundRequest.post(at, MraosConfig.INVENTORY, INTEGRATION_TYPE, settings.consumptionPath(),
        new JsonObject(), order.workOrderId(), completion.correlationId());
    return tx.preparedQuery(CLAIM).execute(Tuple.of(prefix, order.workOrderId(), draft.messageId(), StockStore.utc(at)))
        .compose(claimed -> {
          if (claimed.size() == 0) {
            return Future.succeededFuture(List.<OutboundRequest>of()); // reported already
          }
          String transactionId = claimed.iterator().next().getString("transaction_id");
          List<String> ids = consumed.stream().map(Completion.MaterialConsumed::materialId).toList();
          return tx.preparedQuery(ALLOCATED).execute(Tuple.of(order.workOrderId())).compose(rows -> StockStore.batches(tx, ids)
              .compose(stock -> {
            List<BatchSplit.Allocated> allocated = new ArrayList<>();
            rows.forEach(r -> allocated.add(new BatchSplit.Allocated(r.getString("material_id"), r.getString("batch_number"),
                r.getBigDecimal("quantity"))));
            List<BatchSplit.Allocated> held = new ArrayList<>();
            stock.forEach((material, batches) -> batches.forEach(b -> held.add(new BatchSplit.Allocated(material,
                b.batchNumber(), b.quantity()))));
            JsonArray lines = new JsonArray();
            String costCenter = costCenter(order);
            for (Completion.MaterialConsumed m : consumed) {
              BatchSplit.split(m.materialId(), m.quantity(), allocated, held).forEach(part -> lines.add(new JsonObject()
                  .put("material_id", m.materialId())
                  .put("quantity_consumed", Json.number(part.quantity()))
                  .put("batch_number", part.batchNumber())
                  .put("reason_code", "PRODUCTION")
                  .put("cost_center", costCenter)));
            }
            JsonObject payload = new JsonObject()
                .put("transaction_id", transactionId)
                .put("work_order_id", order.workOrderId())
                .put("transaction_date", Json.time(at))
                .put("materials_consumed", lines);
            OutboundRequest call = new OutboundRequest(draft.messageId(), draft.externalSystem(), draft.integrationType(),
                draft.method(), draft.path(), payload, draft.referenceId(), draft.correlationId());
            return OutboundQueue.enqueue(tx, call, at).map(v -> List.of(call));
          }));
        });
  }

  /** The cost center of the line the order ran on (its machine's), else of the line ERP named. */
  String costCenter(WorkOrder order) {
    String machine = order.execution().machineId();
    if (machine != null) {
      var line = plant.machine(machine).flatMap(m -> plant.line(m.lineId()));
      if (line.isPresent()) {
        return line.get().costCenter();
      }
    }
    return plant.lines().stream().filter(l -> l.name().equals(order.productionLine()) || l.id().equals(order.productionLine()))
        .map(PlantModel.Line::costCenter).findFirst().orElse(null);
  }

  @Override
  public Future<Void> delivered(SqlConnection tx, OutboundMessage message, Object response, Instant at) {
    JsonArray lines = DeliveryEffect.payloadOf(message).getJsonArray("materials_consumed", new JsonArray());
    return tx.preparedQuery(DELIVERED).execute(Tuple.of(message.messageId(), StockStore.utc(at)))
        .onSuccess(v -> lines.stream().map(l -> ((JsonObject) l).getString("material_id")).distinct()
            .forEach(id -> StockPull.refresh(vertx, pool, NodeClock.of(vertx), config, id, "after consumption report")))
        .mapEmpty();
  }
}
