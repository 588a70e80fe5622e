package verticles.workorders;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import mraos.http.Json;
import mraos.workorders.BomLine;
import mraos.workorders.WorkOrder;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reading work orders (with their bills of materials) from PostgreSQL. */
final class WorkOrderStore {

  static final String COLUMNS = """
      work_order_id, erp_work_order_id, work_order_number, product_id, product_name, product_variant, quantity_ordered,
      quantity_produced, quantity_scrapped, progress_percentage, unit_of_measure, priority, status, due_date,
      customer_order_id, production_line, special_instructions, mes_job_id, machine_id, operator_id, actual_start_time,
      actual_end_time, inspections_passed, inspections_failed, defect_count, defect_types, erp_event_at,
      erp_synchronized_at, cancelled_at, created_at, updated_at, correlation_id""";

  static final String BY_ID = "SELECT " + COLUMNS + " FROM work_orders WHERE work_order_id = $1";
  static final String BY_ERP_IDS = "SELECT " + COLUMNS + " FROM work_orders WHERE erp_work_order_id = ANY($1)";
  static final String BY_ERP_ID_FOR_UPDATE = "SELECT " + COLUMNS + " FROM work_orders WHERE erp_work_order_id = $1 FOR UPDATE";
  /**
   * A BOM line names its part as ERP's order did, or else as the material master does (ERP's webhook may leave the
   * part number and name out; the master, which every material of an order is checked against, has them). Read only.
   */
  static final String BOM_OF = """
      SELECT b.work_order_id, b.line_no, b.material_id, COALESCE(b.part_number, m.part_number) AS part_number,
             COALESCE(b.part_name, m.part_name) AS part_name, b.quantity_required, b.unit_of_measure
        FROM work_order_bom b LEFT JOIN materials m ON m.material_id = b.material_id
       WHERE b.work_order_id = ANY($1) ORDER BY b.work_order_id, b.line_no""";
  /** Filters are optional: a null parameter matches everything. */
  static final String FILTER = """
       FROM work_orders
      WHERE ($1::text IS NULL OR status = $1)
        AND ($2::text IS NULL OR production_line = $2)
        AND ($3::text IS NULL OR erp_work_order_id = $3)""";
  static final String PAGE = "SELECT " + COLUMNS + FILTER + " ORDER BY created_at DESC, work_order_id DESC LIMIT $4 OFFSET $5";
  static final String COUNT = "SELECT count(*) AS total" + FILTER;

  private WorkOrderStore() {
  }

  public record Page(List<WorkOrder> items, long total) {
  }

  public static Future<Optional<WorkOrder>> byId(SqlClient db, String workOrderId) {
    return db.preparedQuery(BY_ID).execute(Tuple.of(workOrderId))
        .compose(rows -> rows.size() == 0 ? Future.succeededFuture(Optional.<WorkOrder>empty())
            : withBom(db, List.of(fromRow(rows.iterator().next()))).map(list -> Optional.of(list.get(0))));
  }

  /** The orders MRAOS holds for these ERP ids (without their bills of materials), by ERP id. */
  static Future<Map<String, WorkOrder>> byErpId(SqlClient db, java.util.Collection<String> erpIds) {
    return db.preparedQuery(BY_ERP_IDS).execute(Tuple.of(erpIds.toArray(String[]::new))).map(rows -> {
      Map<String, WorkOrder> found = new java.util.HashMap<>();
      rows.forEach(row -> {
        WorkOrder order = fromRow(row);
        found.put(order.erpWorkOrderId(), order);
      });
      return found;
    });
  }

  public static Future<Page> page(SqlClient db, String status, String line, String erpId, int limit, long offset) {
    Tuple filter = Tuple.of(status, line, erpId);
    Future<RowSet<Row>> count = db.preparedQuery(COUNT).execute(filter);
    Future<List<WorkOrder>> items = db.preparedQuery(PAGE).execute(Tuple.of(status, line, erpId, limit, offset))
        .compose(rows -> {
          List<WorkOrder> list = new ArrayList<>();
          rows.forEach(row -> list.add(fromRow(row)));
          return withBom(db, list);
        });
    return Future.all(count, items).map(v -> new Page(items.result(), count.result().iterator().next().getLong("total")));
  }

  /** The same work orders with their bills of materials, read in one query. */
  public static Future<List<WorkOrder>> withBom(SqlClient db, List<WorkOrder> orders) {
    if (orders.isEmpty()) {
      return Future.succeededFuture(orders);
    }
    String[] ids = orders.stream().map(WorkOrder::workOrderId).toArray(String[]::new);
    return db.preparedQuery(BOM_OF).execute(Tuple.of(ids)).map(rows -> {
      Map<String, List<BomLine>> byOrder = new LinkedHashMap<>();
      for (Row row : rows) {
        byOrder.computeIfAbsent(row.getString("work_order_id"), k -> new ArrayList<>()).add(new BomLine(
            row.getInteger("line_no"), row.getString("material_id"), row.getString("part_number"), row.getString("part_name"),
            row.getBigDecimal("quantity_required"), row.getString("unit_of_measure")));
      }
      return orders.stream().map(o -> o.withBillOfMaterials(byOrder.getOrDefault(o.workOrderId(), List.of()))).toList();
    });
  }

  /** A work order row without its bill of materials (see {@link #withBom}). */
  public static WorkOrder fromRow(Row row) {
    return new WorkOrder(
        row.getString("work_order_id"),
        row.getString("erp_work_order_id"),
        row.getString("work_order_number"),
        row.getString("product_id"),
        row.getString("product_name"),
        row.getString("product_variant"),
        row.getBigDecimal("quantity_ordered"),
        row.getBigDecimal("quantity_produced"),
        row.getBigDecimal("quantity_scrapped"),
        row.getBigDecimal("progress_percentage"),
        row.getString("unit_of_measure"),
        row.getString("priority"),
        row.getString("status"),
        Json.instant(row.getOffsetDateTime("due_date")),
        row.getString("customer_order_id"),
        row.getString("production_line"),
        row.getString("special_instructions"),
        new WorkOrder.Execution(row.getString("mes_job_id"), row.getString("machine_id"), row.getString("operator_id"),
            Json.instant(row.getOffsetDateTime("actual_start_time")), Json.instant(row.getOffsetDateTime("actual_end_time"))),
        new WorkOrder.Quality(row.getInteger("inspections_passed"), row.getInteger("inspections_failed"),
            row.getInteger("defect_count"), List.of(row.getArrayOfStrings("defect_types"))),
        Json.instant(row.getOffsetDateTime("erp_event_at")),
        Json.instant(row.getOffsetDateTime("erp_synchronized_at")),
        Json.instant(row.getOffsetDateTime("cancelled_at")),
        Json.instant(row.getOffsetDateTime("created_at")),
        Json.instant(row.getOffsetDateTime("updated_at")),
        row.getString("correlation_id"),
        List.of());
  }
}
