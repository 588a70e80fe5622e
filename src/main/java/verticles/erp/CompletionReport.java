package verticles.erp;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import mraos.http.Json;
import mraos.outbound.DeliveryEffect;
import mraos.outbound.OutboundMessage;
import mraos.outbound.OutboundQueue;
import mraos.outbound.OutboundRequest;
import mraos.workorders.WorkOrder;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

/**
 * The production completion report ERP gets when a work order completes (spec §3.2.2): queued for ERP's outbound path
 * in the transaction that completes the order; once ERP answers 200 the order is marked synchronized.
 */
public final class CompletionReport implements DeliveryEffect {

  public static final String INTEGRATION_TYPE = "erp_completion_report";

  static final String SYNCHRONIZED = """
      UPDATE work_orders SET erp_synchronized_at = $2 WHERE work_order_id = $1 AND erp_synchronized_at IS NULL""";

  /** A material consumed for the order, as reported. */
  public record MaterialConsumed(String materialId, String partNumber, BigDecimal quantity, String unitOfMeasure) {
  }

  /** Who and what worked on it: the operator (with HR's employee id) and the machine, if MES told us. */
  public record Resources(String operatorId, String employeeId, String machineId) {
  }

  /** Quality at completion. */
  public record Quality(boolean inspectionPassed, int defectCount, List<String> defectTypes) {
  }

  /** Public no-argument constructor: found by ServiceLoader as the report's delivery effect. */
  public CompletionReport() {
  }

  @Override
  public String integrationType() {
    return INTEGRATION_TYPE;
  }

  @Override
  public Future<Void> delivered(SqlConnection tx, OutboundMessage message, Object response, Instant at) {
    return tx.preparedQuery(SYNCHRONIZED).execute(Tuple.of(message.referenceId(), OffsetDateTime.ofInstant(at, ZoneOffset.UTC)))
        .mapEmpty();
  }

  /** Queues the report for ERP in the caller's transaction; returns its message id. */
  public static Future<String> enqueue(SqlClient tx, WorkOrder completed, Resources resources, List<MaterialConsumed> materials,
                                       Quality quality, String path, String correlationId, Instant now) {
    OutboundRequest request = OutboundRequest.post(now, ErpRoutes.SYSTEM, INTEGRATION_TYPE, path,
        payload(completed, resources, materials, quality), completed.workOrderId(), correlationId);
    return OutboundQueue.enqueue(tx, request, now).map(v -> request.messageId());
  }

  static JsonObject payload(WorkOrder wo, Resources resources, List<MaterialConsumed> materials, Quality quality) {
    Instant start = wo.execution().actualStartTime();
    Instant end = wo.execution().actualEndTime();
    Duration worked = start != null && end != null && end.isAfter(start) ? Duration.between(start, end) : Duration.ZERO;
    // from whole minutes, as the spec's example does (14:30:00 → 15:45:30 is 75 minutes, 1.25 h)
    BigDecimal hours = BigDecimal.valueOf(worked.toMinutes()).divide(BigDecimal.valueOf(60), 2, RoundingMode.HALF_UP);
    JsonArray used = new JsonArray();
    if (resources.operatorId() != null) {
      used.add(new JsonObject().put("resource_type", "operator").put("resource_id", resources.operatorId())
          .put("employee_id", resources.employeeId()).put("hours_worked", Json.number(hours)));
    }
    if (resources.machineId() != null) {
      used.add(new JsonObject().put("resource_type", "machine").put("resource_id", resources.machineId())
          .put("machine_hours", Json.number(hours)));
    }
    JsonArray consumed = new JsonArray();
    materials.forEach(m -> consumed.add(new JsonObject().put("material_id", m.materialId()).put("part_number", m.partNumber())
        .put("quantity_consumed", Json.number(m.quantity())).put("unit_of_measure", m.unitOfMeasure())));
    return new JsonObject()
        .put("erp_work_order_id", wo.erpWorkOrderId())
        .put("mraos_work_order_id", wo.workOrderId())
        .put("completion_timestamp", Json.time(end))
        .put("quantity_produced", Json.number(wo.quantityProduced()))
        .put("quantity_scrapped", Json.number(wo.quantityScrapped()))
        .put("quantity_good", Json.number(wo.quantityProduced().subtract(wo.quantityScrapped())))
        .put("actual_start_time", Json.time(start))
        .put("actual_end_time", Json.time(end))
        .put("actual_duration_minutes", worked.toMinutes())
        .put("resources_used", used)
        .put("materials_consumed", consumed)
        .put("quality_results", new JsonObject()
            .put("inspection_passed", quality.inspectionPassed())
            .put("defect_count", quality.defectCount())
            .put("defect_types", new JsonArray(quality.defectTypes())));
  }
}
