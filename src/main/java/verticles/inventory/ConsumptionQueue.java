package verticles.inventory;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import mraos.config.MraosConfig;
import mraos.http.Json;
import mraos.outbound.OutboundQueue;
import mraos.outbound.OutboundRequest;
import mraos.plant.PlantModel;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Queues one consumption report to the warehouse (spec §6.2.2) in the caller's transaction: a row of
 * {@code inventory_consumption_reports} ({@code TXN-MRAOS-<plant date>-<nnnn>}, never reused; a completion's at most once
 * per order) and the call on the warehouse's outbound path. Each material's quantity is split over batches
 * ({@link BatchSplit}: those allocated to the order first, FEFO), unless the caller names the batch.
 */
final class ConsumptionQueue {

  static final String CLAIM = """
      INSERT INTO inventory_consumption_reports (transaction_id, work_order_id, kind, materials, message_id, created_at)
      SELECT $1 || '-' || lpad(nextval('inventory_transaction_seq')::text, 4, '0'), $2, $3, $4, $5, $6
      ON CONFLICT (work_order_id) WHERE kind = 'completion' DO NOTHING RETURNING transaction_id""";
  static final String ALLOCATED = """
      SELECT b.material_id, b.batch_number, b.quantity FROM material_reservation_batches b
        JOIN material_reservations r USING (reservation_id)
       WHERE r.work_order_id = $1 AND r.status IN ('reserved', 'partial') ORDER BY b.material_id, b.position""";
  static final String ISSUED = """
      SELECT materials FROM inventory_consumption_reports WHERE work_order_id = $1 AND kind = 'issue'""";

  private static final DateTimeFormatter DAY = DateTimeFormatter.BASIC_ISO_DATE;

  /** One material consumed, from the named batch or (null) as the batches allow. */
  record Line(String materialId, BigDecimal quantity, String batchNumber) {
  }

  private ConsumptionQueue() {
  }

  /** What was already reported as issued during the order, by material. */
  static Future<Map<String, BigDecimal>> issued(SqlClient tx, String workOrderId) {
    return tx.preparedQuery(ISSUED).execute(Tuple.of(workOrderId)).map(rows -> {
      Map<String, BigDecimal> issued = new LinkedHashMap<>();
      rows.forEach(row -> {
        JsonObject materials = row.getJsonObject("materials");
        if (materials != null) {
          materials.forEach(e -> issued.merge(e.getKey(), Json.decimal(e.getValue()), BigDecimal::add));
        }
      });
      return issued;
    });
  }

  /** The report queued, or empty when this order's completion was reported already. */
  static Future<Optional<OutboundRequest>> queue(SqlClient tx, MraosConfig config, InventorySettings settings,
                                                 String workOrderId, String kind, String costCenter, List<Line> lines,
                                                 Instant at, String correlationId) {
    String prefix = settings.transactionIdPrefix() + "-" + DAY.format(LocalDate.ofInstant(at, config.plantTimeZone()));
    OutboundRequest draft = OutboundRequest.post(at, MraosConfig.INVENTORY, ConsumptionReport.INTEGRATION_TYPE,
        settings.consumptionPath(), new JsonObject(), workOrderId, correlationId);
    JsonObject quantities = new JsonObject();
    lines.forEach(l -> quantities.put(l.materialId(), Json.number(Json.decimal(quantities.getValue(l.materialId(), 0))
        .add(l.quantity()))));
    return tx.preparedQuery(CLAIM).execute(Tuple.of(prefix, workOrderId, kind, quantities, draft.messageId(),
            StockStore.utc(at)))
        .compose(claimed -> {
          if (claimed.size() == 0) {
            return Future.succeededFuture(Optional.<OutboundRequest>empty());
          }
          String transactionId = claimed.iterator().next().getString("transaction_id");
          List<String> ids = lines.stream().map(Line::materialId).distinct().toList();
          return tx.preparedQuery(ALLOCATED).execute(Tuple.of(workOrderId)).compose(rows -> StockStore.batches(tx, ids)
              .compose(stock -> {
                List<BatchSplit.Allocated> allocated = new ArrayList<>();
                rows.forEach(r -> allocated.add(new BatchSplit.Allocated(r.getString("material_id"),
                    r.getString("batch_number"), r.getBigDecimal("quantity"))));
                List<BatchSplit.Allocated> held = new ArrayList<>();
                stock.forEach((material, batches) -> batches.forEach(b -> held.add(new BatchSplit.Allocated(material,
                    b.batchNumber(), b.quantity()))));
                JsonArray consumed = new JsonArray();
                for (Line line : lines) {
                  List<BatchSplit.Part> parts = line.batchNumber() != null
                      ? List.of(new BatchSplit.Part(line.batchNumber(), line.quantity()))
                      : BatchSplit.split(line.materialId(), line.quantity(), allocated, held);
                  parts.forEach(part -> consumed.add(new JsonObject()
                      .put("material_id", line.materialId())
                      .put("quantity_consumed", Json.number(part.quantity()))
                      .put("batch_number", part.batchNumber())
                      .put("reason_code", "PRODUCTION")
                      .put("cost_center", costCenter)));
                }
                JsonObject payload = new JsonObject()
                    .put("transaction_id", transactionId)
                    .put("work_order_id", workOrderId)
                    .put("transaction_date", Json.time(at))
                    .put("materials_consumed", consumed);
                OutboundRequest call = new OutboundRequest(draft.messageId(), draft.externalSystem(),
                    draft.integrationType(), draft.method(), draft.path(), payload, draft.referenceId(),
                    draft.correlationId());
                return OutboundQueue.enqueue(tx, call, at).map(v -> Optional.of(call));
              }));
        });
  }

  /** The cost center of the line of {@code machineId}, else of the line ERP named (by name or id). */
  static String costCenter(PlantModel plant, String machineId, String productionLine) {
    if (machineId != null) {
      var line = plant.machine(machineId).flatMap(m -> plant.line(m.lineId()));
      if (line.isPresent()) {
        return line.get().costCenter();
      }
    }
    return plant.lines().stream().filter(l -> l.name().equals(productionLine) || l.id().equals(productionLine))
        .map(PlantModel.Line::costCenter).findFirst().orElse(null);
  }
}
