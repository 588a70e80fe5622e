package verticles.erp;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import mraos.config.ErpConfig;
import mraos.failures.DeadLetters;
import mraos.failures.IntegrationFailure;
import mraos.http.ApiError;
import mraos.http.Json;
import mraos.jobs.ScheduledJob;
import mraos.outbound.OutboundCall;
import mraos.workorders.IntakeOutcome;
import mraos.workorders.WorkOrder;
import mraos.workorders.WorkOrders;

import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The daily ERP ↔ MRAOS reconciliation (spec §3.4, 23:00): ERP's work orders updated in the last 24 hours are compared
 * with MRAOS's. Low-risk differences (an order MRAOS misses, descriptive fields, priority) are synced at once through
 * the same intake ERP's webhook uses; high-risk ones (status, quantity, product, due date) are kept as integration
 * failures for manual review. The report, in the spec's shape, is kept and served as the latest report.
 */
public final class Reconciliation implements ScheduledJob {

  public static final String JOB = "erp-reconciliation";
  public static final String INTEGRATION_TYPE = "erp_reconciliation";

  /** Fields whose difference a supervisor must look at, and those MRAOS takes from ERP by itself. */
  static final Map<String, String> HIGH_RISK = Map.of("status", "Status", "quantity_ordered", "Quantity ordered",
      "product_id", "Product", "due_date", "Due date");
  static final Map<String, String> LOW_RISK = Map.of("product_name", "Product name", "product_variant", "Product variant",
      "special_instructions", "Special instructions", "customer_order_id", "Customer order", "priority", "Priority",
      "production_line_preference", "Production line");

  /** ERP's status and the MRAOS statuses that agree with it. */
  static final Map<String, Set<String>> AGREEING_STATUS = Map.of(
      "released", Set.of("received", "scheduled"),
      "created", Set.of("received", "scheduled"),
      "in_progress", Set.of("in_progress", "on_hold"),
      "completed", Set.of("completed"),
      "cancelled", Set.of("cancelled"));

  /** Made at the first run, for the node the scheduler (or the job's API) lives on. */
  private WorkOrders workOrders;
  private ErpOrderIntake intake;

  @Override
  public String name() {
    return JOB;
  }

  @Override
  public Future<JsonObject> run(Context context, Instant slot) {
    Instant windowStart = slot.minus(Duration.ofHours(24));
    String correlationId = "reconciliation-" + slot.toEpochMilli();
    return fetch(context, windowStart, 1, correlationId, new ArrayList<>())
        .compose(erpOrders -> ours(context, erpOrders).compose(ours -> {
          List<JsonObject> discrepancies = new ArrayList<>();
          for (JsonObject erp : erpOrders) {
            JsonObject found = compare(erp, ours.get(erp.getString("erp_work_order_id")));
            if (found != null) {
              discrepancies.add(found);
            }
          }
          return settle(context, discrepancies, 0, correlationId)
              .compose(v -> keep(context, slot, windowStart, erpOrders.size(), ours.size(), discrepancies));
        }));
  }

  /** Every page of ERP's work orders updated since the window opened. */
  private Future<List<JsonObject>> fetch(Context context, Instant since, int page, String correlationId, List<JsonObject> all) {
    ErpConfig erp = context.config().erp();
    String path = erp.workOrdersPath() + "?updated_since=" + URLEncoder.encode(since.toString(), StandardCharsets.UTF_8)
        + "&page=" + page + "&page_size=" + erp.pageSize();
    return OutboundCall.get(context.vertx(), ErpRoutes.SYSTEM, INTEGRATION_TYPE, path, correlationId,
        erp.system().requestTimeout().multipliedBy(2)).compose(body -> {
          JsonArray orders = body.getJsonArray("work_orders", new JsonArray());
          orders.forEach(o -> all.add((JsonObject) o));
          boolean more = !orders.isEmpty() && (long) page * erp.pageSize() < body.getLong("total_count", 0L);
          return more ? fetch(context, since, page + 1, correlationId, all) : Future.succeededFuture(all);
        });
  }

  private Future<Map<String, WorkOrder>> ours(Context context, List<JsonObject> erpOrders) {
    List<String> ids = erpOrders.stream().map(o -> o.getString("erp_work_order_id")).filter(Objects::nonNull).toList();
    return workOrders(context).byErpId(ids);
  }

  private WorkOrders workOrders(Context context) {
    if (workOrders == null) {
      workOrders = WorkOrders.on(context.vertx(), context.config());
    }
    return workOrders;
  }

  /** One entry per order that differs: its differences, their risk, and what is done about them. */
  static JsonObject compare(JsonObject erp, WorkOrder ours) {
    String id = erp.getString("erp_work_order_id");
    if (ours == null) {
      return new JsonObject().put("erp_work_order_id", id).put("kind", "missing_in_mraos").put("risk", "low")
          .put("differences", new JsonArray().add(new JsonObject().put("field", "exists").put("label", "Exists")
              .put("erp", "Yes").put("mraos", "No")))
          .put("erp", erp);
    }
    Map<String, Object> mine = new HashMap<>();
    mine.put("quantity_ordered", ours.quantityOrdered());
    mine.put("product_id", ours.productId());
    mine.put("due_date", ours.dueDate());
    mine.put("product_name", ours.productName());
    mine.put("product_variant", ours.productVariant());
    mine.put("special_instructions", ours.specialInstructions());
    mine.put("customer_order_id", ours.customerOrderId());
    mine.put("priority", ours.priority());
    mine.put("production_line_preference", ours.productionLine());
    JsonArray differences = new JsonArray();
    boolean high = false;
    String erpStatus = erp.getString("status");
    if (erpStatus != null && !AGREEING_STATUS.getOrDefault(erpStatus, Set.of(erpStatus)).contains(ours.status())) {
      differences.add(difference("status", HIGH_RISK.get("status"), label(erpStatus), label(ours.status()), "high"));
      high = true;
    }
    for (Map.Entry<String, String> field : HIGH_RISK.entrySet()) {
      if (!field.getKey().equals("status") && erp.containsKey(field.getKey()) && !same(erp.getValue(field.getKey()), mine.get(field.getKey()))) {
        differences.add(difference(field.getKey(), field.getValue(), erp.getValue(field.getKey()), mine.get(field.getKey()), "high"));
        high = true;
      }
    }
    for (Map.Entry<String, String> field : LOW_RISK.entrySet()) {
      if (erp.containsKey(field.getKey()) && !same(erp.getValue(field.getKey()), mine.get(field.getKey()))) {
        differences.add(difference(field.getKey(), field.getValue(), erp.getValue(field.getKey()), mine.get(field.getKey()), "low"));
      }
    }
    if (differences.isEmpty()) {
      return null;
    }
    return new JsonObject().put("erp_work_order_id", id).put("mraos_work_order_id", ours.workOrderId())
        .put("kind", high ? "conflict" : "field_difference").put("risk", high ? "high" : "low")
        .put("differences", differences).put("erp", erp).put("mraos", ours.toJson());
  }

  /** Syncs the low-risk ones through the intake, flags the rest (and any sync that fails) for review, one after another. */
  private Future<Void> settle(Context context, List<JsonObject> discrepancies, int index, String correlationId) {
    if (index == discrepancies.size()) {
      return Future.succeededFuture();
    }
    JsonObject d = discrepancies.get(index);
    Future<Void> handled = d.getString("risk").equals("low") ? sync(context, d, correlationId)
        : flag(context, d, "Manual review required", correlationId);
    return handled.compose(v -> settle(context, discrepancies, index + 1, correlationId));
  }

  private Future<Void> sync(Context context, JsonObject d, String correlationId) {
    JsonObject erp = d.getJsonObject("erp");
    boolean missing = d.getString("kind").equals("missing_in_mraos");
    JsonObject order = erp.copy();
    order.remove("status");
    order.remove("updated_at");
    JsonObject event = new JsonObject()
        .put("event_type", missing ? "work_order.created" : "work_order.updated")
        .put("timestamp", erp.getString("updated_at", Instant.now().toString()))
        .put("work_order", order);
    JsonArray violations = ErpOrderIntake.SCHEMA.violations(event);
    if (!violations.isEmpty()) {
      return flag(context, d, "Auto-sync impossible (ERP's order breaks the schema: " + violations.encode() + "); manual review required",
          correlationId);
    }
    if (intake == null) {
      intake = new ErpOrderIntake(workOrders(context), DeadLetters.of(context.config()), context.pool(), context.clock());
    }
    return intake.apply(event, correlationId, false).transform(ar -> {
      if (ar.succeeded()) {
        d.put("action", ar.result() instanceof IntakeOutcome.Stale ? "No change: MRAOS holds a newer ERP change"
            : "Auto-synced").put("mraos_work_order_id", ar.result().workOrder().workOrderId());
        return Future.succeededFuture();
      }
      String why = ar.cause() instanceof ApiError api ? api.getMessage() : String.valueOf(ar.cause().getMessage());
      d.put("risk", "high");
      return flag(context, d, "Auto-sync failed (" + why + "); manual review required", correlationId);
    });
  }

  private Future<Void> flag(Context context, JsonObject d, String action, String correlationId) {
    d.put("action", action);
    List<String> what = new ArrayList<>();
    d.getJsonArray("differences").forEach(x -> {
      JsonObject diff = (JsonObject) x;
      what.add(diff.getString("label") + " in ERP: " + diff.getValue("erp") + "; in MRAOS: " + diff.getValue("mraos"));
    });
    IntegrationFailure failure = IntegrationFailure.forReview(context.clock().instant(), INTEGRATION_TYPE, "inbound",
        ErpRoutes.SYSTEM, new JsonObject().put("erp_work_order_id", d.getString("erp_work_order_id"))
            .put("erp", d.getJsonObject("erp")).put("mraos", d.getJsonObject("mraos")).put("differences", d.getJsonArray("differences")),
        "RECONCILIATION_MISMATCH", "Work order " + d.getString("erp_work_order_id") + ": " + String.join("; ", what),
        correlationId);
    return DeadLetters.of(context.config()).record(context.pool(), failure)
        .map(recorded -> {
          d.put("failure_id", recorded.failureId());
          return null;
        });
  }

  private Future<JsonObject> keep(Context context, Instant slot, Instant windowStart, int erpCount, int mraosCount,
                                  List<JsonObject> discrepancies) {
    LocalDate date = slot.atZone(context.config().plantTimeZone()).toLocalDate();
    return ReconciliationReports.store(context.pool(), date, context.clock().instant(), windowStart, slot, erpCount,
            mraosCount, discrepancies)
        .map(reportId -> new JsonObject()
            .put("report_id", reportId)
            .put("erp_work_orders", erpCount)
            .put("mraos_work_orders", mraosCount)
            .put("discrepancies", discrepancies.size())
            .put("auto_synced", discrepancies.stream().filter(d -> "Auto-synced".equals(d.getString("action"))).count())
            .put("manual_review", discrepancies.stream().filter(d -> d.containsKey("failure_id")).count()));
  }

  private static JsonObject difference(String field, String label, Object erp, Object mraos, String risk) {
    return new JsonObject().put("field", field).put("label", label).put("erp", display(erp)).put("mraos", display(mraos))
        .put("risk", risk);
  }

  private static Object display(Object value) {
    if (value instanceof BigDecimal d) {
      return Json.number(d);
    }
    return value == null ? null : value instanceof Number || value instanceof Boolean ? value : value.toString();
  }

  /** "in_progress" → "In Progress", as the spec's report writes statuses. */
  static String label(String status) {
    StringBuilder out = new StringBuilder();
    for (String word : status.split("_")) {
      if (!word.isEmpty()) {
        out.append(out.length() == 0 ? "" : " ").append(Character.toUpperCase(word.charAt(0)))
            .append(word.substring(1).toLowerCase(Locale.ROOT));
      }
    }
    return out.toString();
  }

  /** Numbers by value, times by instant, text as text; null and "" are the same absence. */
  static boolean same(Object erp, Object mraos) {
    if (erp == null || "".equals(erp)) {
      return mraos == null || "".equals(mraos);
    }
    if (mraos == null) {
      return false;
    }
    if (erp instanceof Number n && mraos instanceof BigDecimal d) {
      return new BigDecimal(n.toString()).compareTo(d) == 0;
    }
    if (mraos instanceof Instant t) {
      try {
        return OffsetDateTime.parse(erp.toString()).toInstant().equals(t);
      } catch (RuntimeException e) {
        return false;
      }
    }
    return erp.toString().equals(mraos.toString());
  }
}
