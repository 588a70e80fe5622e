package verticles.erp;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import mraos.config.MraosConfig;
import mraos.http.Json;
import mraos.outbound.DeliveryEffect;
import mraos.outbound.OutboundMessage;
import mraos.outbound.OutboundQueue;
import mraos.outbound.OutboundRequest;
import mraos.workorders.Completion;
import mraos.workorders.CompletionEffect;
import mraos.workorders.WorkOrder;
import mraos.workorders.WorkOrders;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The production completion report ERP gets when a work order completes (spec §3.2.2): queued for ERP's outbound path
 * in the transaction that completes the order, with the consumption it reports (the hourly batch's transactions);
 * once ERP answers 200 the order is marked synchronized with ERP.
 */
public final class CompletionReport implements CompletionEffect, DeliveryEffect {

  public static final String INTEGRATION_TYPE = "erp_completion_report";

  private Vertx vertx;
  private MraosConfig config;
  private WorkOrders workOrders;

  /** Public no-argument constructor: found by ServiceLoader as a completion's effect and the report's delivery effect. */
  public CompletionReport() {
  }

  @Override
  public void configure(Vertx vertx, MraosConfig config) {
    this.vertx = vertx;
    this.config = config;
  }

  @Override
  public String integrationType() {
    return INTEGRATION_TYPE;
  }

  /** Keeps the order's consumption for the hourly batch and queues the report for ERP, in the completing transaction. */
  @Override
  public Future<List<OutboundRequest>> completed(SqlConnection tx, Completion completion) {
    WorkOrder order = completion.workOrder();
    OutboundRequest request = OutboundRequest.post(completion.at(), ErpRoutes.SYSTEM, INTEGRATION_TYPE,
        config.erp().completionReportPath(), payload(completion), order.workOrderId(), completion.correlationId());
    return ConsumptionBatch.record(tx, completion)
        .compose(v -> OutboundQueue.enqueue(tx, request, completion.at()))
        .map(v -> List.of(request));
  }

  /** ERP has the report: the order is synchronized with ERP. */
  @Override
  public Future<Void> delivered(SqlConnection tx, OutboundMessage message, Object response, Instant at) {
    if (workOrders == null) {
      workOrders = WorkOrders.on(vertx, config);
    }
    return workOrders.reportedToErp(tx, message.referenceId(), at);
  }

  static JsonObject payload(Completion completion) {
    WorkOrder wo = completion.workOrder();
    Instant start = wo.execution().actualStartTime();
    Instant end = wo.execution().actualEndTime();
    Duration worked = start != null && end != null && end.isAfter(start) ? Duration.between(start, end) : Duration.ZERO;
    // from whole minutes, as the spec's example does (14:30:00 → 15:45:30 is 75 minutes, 1.25 h)
    BigDecimal hours = BigDecimal.valueOf(worked.toMinutes()).divide(BigDecimal.valueOf(60), 2, RoundingMode.HALF_UP);
    JsonArray used = new JsonArray();
    if (wo.execution().operatorId() != null) {
      used.add(new JsonObject().put("resource_type", "operator").put("resource_id", wo.execution().operatorId())
          .put("employee_id", completion.employeeId()).put("hours_worked", Json.number(hours)));
    }
    if (wo.execution().machineId() != null) {
      used.add(new JsonObject().put("resource_type", "machine").put("resource_id", wo.execution().machineId())
          .put("machine_hours", Json.number(hours)));
    }
    JsonArray consumed = new JsonArray();
    completion.materials().forEach(m -> consumed.add(new JsonObject().put("material_id", m.materialId()).put("part_number", m.partNumber())
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
            .put("inspection_passed", completion.inspectionPassed())
            .put("defect_count", wo.quality().defectCount())
            .put("defect_types", new JsonArray(completion.defectTypes())));
  }
}
