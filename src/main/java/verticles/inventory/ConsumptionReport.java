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
import mraos.outbound.DeliveryEffect;
import mraos.outbound.OutboundMessage;
import mraos.outbound.OutboundRequest;
import mraos.plant.PlantModel;
import mraos.time.NodeClock;
import mraos.workorders.Completion;
import mraos.workorders.CompletionEffect;
import mraos.workorders.WorkOrder;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The consumption report to the warehouse (spec §6.2.2), queued in the transaction that completes a work order: once
 * per order (a completion row of {@code inventory_consumption_reports}), what the order consumed less what was reported
 * as issued during it ({@link MaterialIssues}), split over batches, {@code reason_code} PRODUCTION and the cost center of
 * the line the order ran on ({@link ConsumptionQueue}). Sent through the warehouse's outbound path (retries by class,
 * breaker, dead letters, audit, Idempotency-Key = the message id, the same on every attempt and after a restart); when
 * delivered (this or an issue's report), the report is marked and the stock of its materials pulled again.
 */
public final class ConsumptionReport implements CompletionEffect, DeliveryEffect {

  public static final String INTEGRATION_TYPE = "inventory_consumption";

  static final String DELIVERED = """
      UPDATE inventory_consumption_reports SET delivered_at = $2 WHERE message_id = $1 AND delivered_at IS NULL""";

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

  /**
   * Queues the completion's report: what the order consumed, less what was reported as issued during it; none when
   * nothing is left to report or the warehouse is not configured.
   */
  @Override
  public Future<List<OutboundRequest>> completed(SqlConnection tx, Completion completion) {
    WorkOrder order = completion.workOrder();
    if (!config.inventory().connected()) {
      return Future.succeededFuture(List.of());
    }
    return ConsumptionQueue.issued(tx, order.workOrderId()).compose(issued -> {
      List<ConsumptionQueue.Line> lines = new ArrayList<>();
      for (Completion.MaterialConsumed m : completion.materials()) {
        BigDecimal left = m.quantity() == null ? BigDecimal.ZERO
            : m.quantity().subtract(issued.getOrDefault(m.materialId(), BigDecimal.ZERO));
        if (left.signum() > 0) {
          lines.add(new ConsumptionQueue.Line(m.materialId(), left, null));
        }
      }
      if (lines.isEmpty()) {
        return Future.succeededFuture(List.<OutboundRequest>of());
      }
      return ConsumptionQueue.queue(tx, config, settings, order.workOrderId(), "completion",
              ConsumptionQueue.costCenter(plant, order.execution().machineId(), order.productionLine()), lines,
              completion.at(), completion.correlationId())
          .map(queued -> queued.map(List::of).orElse(List.of()));
    });
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
