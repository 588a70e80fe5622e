package mraos.workorders;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import mraos.http.Json;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/** A work order as MRAOS holds it: ERP's order plus what the plant has done with it. */
public record WorkOrder(
    String workOrderId,
    String erpWorkOrderId,
    String workOrderNumber,
    String productId,
    String productName,
    String productVariant,
    BigDecimal quantityOrdered,
    BigDecimal quantityProduced,
    BigDecimal quantityScrapped,
    BigDecimal progressPercentage,
    String unitOfMeasure,
    String priority,
    String status,
    Instant dueDate,
    String customerOrderId,
    String productionLine,
    String specialInstructions,
    Execution execution,
    Quality quality,
    Instant erpEventAt,
    Instant erpSynchronizedAt,
    Instant cancelledAt,
    Instant createdAt,
    Instant updatedAt,
    String correlationId,
    List<BomLine> billOfMaterials) {

  public static final String RECEIVED = "received";
  public static final String COMPLETED = "completed";
  public static final String CANCELLED = "cancelled";

  /** What MES reported about running it. */
  public record Execution(String mesJobId, String machineId, String operatorId, Instant actualStartTime, Instant actualEndTime) {
    public static final Execution NOT_STARTED = new Execution(null, null, null, null, null);
  }

  /**
   * What MRAOS recorded about the order's quality: the MES's inline inspections that passed and that found a defect
   * ({@code defectCount}: defects found by inspections, not scrap), and the distinct defect types recorded (by those
   * inspections, and named by the supervisor who completed the order), first recorded first.
   */
  public record Quality(int inspectionsPassed, int inspectionsFailed, int defectCount, List<String> defectTypes) {
    public static final Quality NONE = new Quality(0, 0, 0, List.of());

    public Quality {
      defectTypes = List.copyOf(defectTypes);
    }
  }

  public boolean isClosed() {
    return COMPLETED.equals(status) || CANCELLED.equals(status);
  }

  public WorkOrder withBillOfMaterials(List<BomLine> lines) {
    return new WorkOrder(workOrderId, erpWorkOrderId, workOrderNumber, productId, productName, productVariant, quantityOrdered,
        quantityProduced, quantityScrapped, progressPercentage, unitOfMeasure, priority, status, dueDate, customerOrderId,
        productionLine, specialInstructions, execution, quality, erpEventAt, erpSynchronizedAt, cancelledAt, createdAt, updatedAt,
        correlationId, List.copyOf(lines));
  }

  public JsonObject toJson() {
    JsonArray bom = new JsonArray();
    billOfMaterials.forEach(line -> bom.add(line.toJson()));
    return new JsonObject()
        .put("mraos_work_order_id", workOrderId)
        .put("erp_work_order_id", erpWorkOrderId)
        .put("work_order_number", workOrderNumber)
        .put("product_id", productId)
        .put("product_name", productName)
        .put("product_variant", productVariant)
        .put("status", status)
        .put("quantity_ordered", Json.number(quantityOrdered))
        .put("quantity_produced", Json.number(quantityProduced))
        .put("quantity_scrapped", Json.number(quantityScrapped))
        .put("progress_percentage", Json.number(progressPercentage))
        .put("unit_of_measure", unitOfMeasure)
        .put("priority", priority)
        .put("due_date", Json.time(dueDate))
        .put("customer_order_id", customerOrderId)
        .put("production_line", productionLine)
        .put("special_instructions", specialInstructions)
        .put("mes_job_id", execution.mesJobId())
        .put("machine_id", execution.machineId())
        .put("operator_id", execution.operatorId())
        .put("actual_start_time", Json.time(execution.actualStartTime()))
        .put("actual_end_time", Json.time(execution.actualEndTime()))
        .put("quality", new JsonObject()
            .put("inspections_passed", quality.inspectionsPassed())
            .put("inspections_failed", quality.inspectionsFailed())
            .put("defect_count", quality.defectCount())
            .put("defect_types", new JsonArray(quality.defectTypes())))
        .put("erp_event_at", Json.time(erpEventAt))
        .put("erp_synchronized_at", Json.time(erpSynchronizedAt))
        .put("cancelled_at", Json.time(cancelledAt))
        .put("created_at", Json.time(createdAt))
        .put("updated_at", Json.time(updatedAt))
        .put("correlation_id", correlationId)
        .put("bill_of_materials", bom);
  }
}
