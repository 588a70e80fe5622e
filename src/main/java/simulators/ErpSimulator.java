package simulators;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import mraos.http.ErrorCode;
import mraos.http.Responses;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The plant's ERP as MRAOS sees it (spec §3.2, §3.4, Appendix A), every API route requiring a bearer token:
 * <pre>
 * POST /api/production/work-order-completion   a completion report (§3.2.2), idempotent by Idempotency-Key or mraos_work_order_id
 * POST /api/production/material-consumption    an hourly consumption batch, idempotent by Idempotency-Key or batch_id
 * GET  /api/v1/materials?page=&page_size=      the material master (§3.2.1), paged
 * GET  /api/v1/work-orders?updated_since=&page=&page_size=   work orders changed since then (reconciliation, §3.4)
 * </pre>
 * Pages count from 1 (default 1, page size 100, at most 1000). Besides {@link SystemSimulator}'s control routes:
 * <pre>
 * POST /_simulator/materials                   {"materials": [...]} or [...]: add or replace by material_id
 * POST /_simulator/work-orders                 {"work_orders": [...]} or [...]: add or replace by erp_work_order_id
 * GET  /_simulator/completions                 the completion reports accepted, each once, with their confirmation ids
 * GET  /_simulator/consumption-batches         the consumption batches accepted
 * </pre>
 * Standalone for a demo: {@code java -cp "target/mraos.jar:target/lib/*" simulators.ErpSimulator 8280}.
 */
public final class ErpSimulator extends SystemSimulator {

  public static final String COMPLETION_PATH = "/api/production/work-order-completion";
  public static final String CONSUMPTION_PATH = "/api/production/material-consumption";
  public static final String MATERIALS_PATH = "/api/v1/materials";
  public static final String WORK_ORDERS_PATH = "/api/v1/work-orders";
  public static final String IDEMPOTENCY_KEY = "Idempotency-Key";
  /** A seeded work order without a status is one ERP has released to production. */
  public static final String DEFAULT_STATUS = "released";

  private final Journal completions = new Journal();
  private final Journal consumptionBatches = new Journal();
  /** Keyed by material_id / erp_work_order_id, in the order first seeded; guarded by themselves. */
  private final Map<String, JsonObject> materials = new LinkedHashMap<>();
  private final Map<String, JsonObject> workOrders = new LinkedHashMap<>();
  /** Never reset, so a confirmation id is never handed out twice by one simulator. */
  private final AtomicLong confirmations = new AtomicLong();
  /** Told of each completion report the first time it is accepted (on the server's event loop). */
  private volatile Consumer<Receipt> completionListener = receipt -> { };

  private ErpSimulator(Vertx vertx) {
    super(vertx, "ERP", Access.bearer());
    router().post(COMPLETION_PATH).handler(this::completionReport);
    router().post(CONSUMPTION_PATH).handler(this::consumptionBatch);
    router().get(MATERIALS_PATH).handler(ctx ->
        Responses.json(ctx, 200, Paging.of(ctx).answer("materials", snapshot(materials))));
    router().get(WORK_ORDERS_PATH).handler(this::workOrdersUpdatedSince);

    router().post(CONTROL + "materials").handler(ctx -> {
      seedMaterials(documents(JsonBodies.objectOrArray(ctx), "materials"));
      Responses.json(ctx, 200, new JsonObject().put("material_count", snapshot(materials).size()));
    });
    router().post(CONTROL + "work-orders").handler(ctx -> {
      seedWorkOrders(documents(JsonBodies.objectOrArray(ctx), "work_orders"));
      Responses.json(ctx, 200, new JsonObject().put("work_order_count", snapshot(workOrders).size()));
    });
    router().get(CONTROL + "completions").handler(ctx ->
        Responses.json(ctx, 200, new JsonObject().put("completions", receiptsJson(completions))));
    router().get(CONTROL + "consumption-batches").handler(ctx ->
        Responses.json(ctx, 200, new JsonObject().put("consumption_batches", receiptsJson(consumptionBatches))));
  }

  /** @param port the port to listen on, 0 for any free one */
  public static Future<ErpSimulator> start(Vertx vertx, int port) {
    ErpSimulator erp = new ErpSimulator(vertx);
    return erp.listen(port).map(erp);
  }

  // ---- what ERP holds, for tests

  /** Adds materials (§3.2.1 material objects) or replaces those with the same material_id. */
  public void seedMaterials(List<JsonObject> seeded) {
    List<JsonObject> checked = new ArrayList<>();
    for (JsonObject material : seeded) {
      requireText(material, "material_id", "a material");
      checked.add(material.copy());
    }
    synchronized (materials) {
      checked.forEach(material -> materials.put(material.getString("material_id"), material));
    }
  }

  /**
   * Adds work orders (the §3.2.1 work_order plus "status" and "updated_at") or replaces those with the same
   * erp_work_order_id. Without a status one is {@value #DEFAULT_STATUS}; without updated_at it was updated now.
   */
  public void seedWorkOrders(List<JsonObject> seeded) {
    List<JsonObject> checked = new ArrayList<>();
    for (JsonObject workOrder : seeded) {
      requireText(workOrder, "erp_work_order_id", "a work order");
      JsonObject copy = workOrder.copy();
      if (copy.getValue("status") == null) {
        copy.put("status", DEFAULT_STATUS);
      }
      if (copy.getValue("updated_at") == null) {
        copy.put("updated_at", clock.instant().toString());
      }
      if (!(copy.getValue("updated_at") instanceof String updatedAt)) {
        throw new IllegalArgumentException("updated_at must be an ISO-8601 date-time: " + copy.encode());
      }
      instant(updatedAt, "updated_at");
      checked.add(copy);
    }
    synchronized (workOrders) {
      checked.forEach(workOrder -> workOrders.put(workOrder.getString("erp_work_order_id"), workOrder));
    }
  }

  /** A copy of the work order ERP holds under this id, if any. */
  public Optional<JsonObject> workOrder(String erpWorkOrderId) {
    synchronized (workOrders) {
      return Optional.ofNullable(workOrders.get(erpWorkOrderId)).map(JsonObject::copy);
    }
  }

  /** Tells {@code listener} of every completion report accepted from now on, once each (not of repeats). */
  public void onCompletion(Consumer<Receipt> listener) {
    completionListener = Objects.requireNonNull(listener, "listener");
  }

  /** The completion reports accepted, each once however often it was sent, oldest first. */
  public List<JsonObject> completions() {
    return completions.receipts().stream().map(Receipt::body).toList();
  }

  public List<Receipt> completionReceipts() {
    return completions.receipts();
  }

  /** The consumption batches accepted, each once, oldest first. */
  public List<JsonObject> consumptionBatches() {
    return consumptionBatches.receipts().stream().map(Receipt::body).toList();
  }

  public List<Receipt> consumptionReceipts() {
    return consumptionBatches.receipts();
  }

  /** Also forgets completions, consumption batches, materials and work orders. */
  @Override
  public void reset() {
    super.reset();
    completions.clear();
    consumptionBatches.clear();
    synchronized (materials) {
      materials.clear();
    }
    synchronized (workOrders) {
      workOrders.clear();
    }
  }

  // ---- routes

  private void completionReport(RoutingContext ctx) {
    JsonObject report = JsonBodies.object(ctx);
    List<String> invalid = invalidFields(report, "", List.of("erp_work_order_id", "mraos_work_order_id"), List.of("quantity_produced"));
    book(ctx, completions, report, "mraos_work_order_id", invalid, receipt -> new JsonObject()
        .put("erp_work_order_id", receipt.body().getString("erp_work_order_id")), completionListener);
  }

  private void consumptionBatch(RoutingContext ctx) {
    JsonObject batch = JsonBodies.object(ctx);
    List<String> invalid = invalidFields(batch, "", List.of("batch_id"), List.of());
    if (!(batch.getValue("lines") instanceof JsonArray lines)) {
      invalid.add("lines");
    } else {
      for (int i = 0; i < lines.size(); i++) {
        if (lines.getValue(i) instanceof JsonObject line) {
          invalid.addAll(invalidFields(line, "lines[" + i + "].", List.of("material_id", "work_order_id"), List.of("quantity_consumed")));
        } else {
          invalid.add("lines[" + i + "]");
        }
      }
    }
    book(ctx, consumptionBatches, batch, "batch_id", invalid, receipt -> new JsonObject()
        .put("batch_id", receipt.body().getString("batch_id"))
        .put("lines_accepted", receipt.body().getJsonArray("lines").size()), receipt -> { });
  }

  /** Refuses a document with invalid fields (400), else books it once and answers with the (first) receipt. */
  private void book(RoutingContext ctx, Journal journal, JsonObject document, String idField, List<String> invalid,
      Function<Receipt, JsonObject> details, Consumer<Receipt> whenNew) {
    if (!invalid.isEmpty()) {
      Responses.json(ctx, 400, Answers.error(ErrorCode.INT_003, "Mandatory fields missing or invalid: " + String.join(", ", invalid))
          .put("fields", new JsonArray(invalid)));
      return;
    }
    boolean[] fresh = {false}; // a confirmation id is drawn only for a document not accepted before
    Receipt receipt = journal.accept(idempotencyKey(ctx), document.getString(idField), document, clock.instant(), () -> {
      fresh[0] = true;
      return nextConfirmationId();
    });
    if (fresh[0]) {
      whenNew.accept(receipt);
    }
    Responses.json(ctx, 200, new JsonObject()
        .put("status", "success")
        .put("erp_confirmation_id", receipt.confirmationId())
        .mergeIn(details.apply(receipt)));
  }

  /** The fields (named with this prefix) that are not non-blank texts or not numbers as they must be. */
  private static List<String> invalidFields(JsonObject document, String prefix, List<String> texts, List<String> numbers) {
    List<String> invalid = new ArrayList<>();
    for (String field : texts) {
      if (!(document.getValue(field) instanceof String text) || text.isBlank()) {
        invalid.add(prefix + field);
      }
    }
    for (String field : numbers) {
      if (!(document.getValue(field) instanceof Number)) {
        invalid.add(prefix + field);
      }
    }
    return invalid;
  }

  private void workOrdersUpdatedSince(RoutingContext ctx) {
    String since = ctx.queryParams().get("updated_since");
    // an unencoded '+' of a UTC offset arrives as a space
    Instant from = since == null || since.isBlank() ? Instant.MIN : instant(since.trim().replace(' ', '+'), "updated_since");
    Paging paging = Paging.of(ctx);
    List<JsonObject> changed = snapshot(workOrders).stream()
        .filter(workOrder -> !updatedAt(workOrder).isBefore(from))
        .sorted(Comparator.comparing(ErpSimulator::updatedAt)
            .thenComparing(workOrder -> workOrder.getString("erp_work_order_id")))
        .toList();
    Responses.json(ctx, 200, paging.answer("work_orders", changed));
  }

  // ---- helpers

  private static String idempotencyKey(RoutingContext ctx) {
    String key = ctx.request().getHeader(IDEMPOTENCY_KEY);
    return key == null || key.isBlank() ? null : key.trim();
  }

  private String nextConfirmationId() {
    return String.format("CONF-%06d", confirmations.incrementAndGet());
  }

  private static List<JsonObject> snapshot(Map<String, JsonObject> held) {
    synchronized (held) {
      return List.copyOf(held.values());
    }
  }

  private static Instant updatedAt(JsonObject workOrder) {
    return instant(workOrder.getString("updated_at"), "updated_at");
  }

  private static Instant instant(String text, String what) {
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(what + " must be an ISO-8601 date-time with an offset (2025-11-18T14:30:00Z), not " + text);
    }
  }

  private static void requireText(JsonObject document, String field, String what) {
    Objects.requireNonNull(document, what);
    if (!(document.getValue(field) instanceof String text) || text.isBlank()) {
      throw new IllegalArgumentException(what + " needs a " + field + ": " + document.encode());
    }
  }

  /** The documents of a seeding body: a bare array or the array under this key. */
  private static List<JsonObject> documents(Object body, String key) {
    JsonArray list = body instanceof JsonArray array ? array
        : body instanceof JsonObject json && json.getValue(key) instanceof JsonArray array ? array : null;
    if (list == null) {
      throw new IllegalArgumentException("the body must be {\"" + key + "\": [...]} or [...]");
    }
    List<JsonObject> documents = new ArrayList<>();
    for (Object item : list) {
      if (!(item instanceof JsonObject document)) {
        throw new IllegalArgumentException("each of " + key + " must be an object, not " + item);
      }
      documents.add(document);
    }
    return documents;
  }

  private static JsonArray receiptsJson(Journal journal) {
    return new JsonArray(journal.receipts().stream().map(Receipt::toJson).toList());
  }

  /** Runs ERP on its own for a demo or manual testing: {@code ErpSimulator <port>} (0 = any free port). */
  public static void main(String[] args) {
    if (args.length != 1 || !args[0].matches("\\d{1,5}")) {
      System.err.println("Usage: java -cp \"target/mraos.jar:target/lib/*\" simulators.ErpSimulator <port>   (0 = any free port)");
      System.exit(2);
      return;
    }
    Vertx vertx = Vertx.vertx();
    ErpSimulator erp;
    try {
      erp = start(vertx, Integer.parseInt(args[0])).await();
    } catch (Exception e) { // await() rethrows the bind failure as it is, checked or not
      System.err.println("The ERP simulator could not start: " + e.getMessage());
      vertx.close();
      System.exit(1);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> vertx.close().await(), "erp-simulator-shutdown"));
    System.out.println("ERP simulator at " + erp.baseUrl() + "  (any bearer token is accepted)\n"
        + "  seed:     curl -X POST " + erp.baseUrl() + CONTROL + "materials -d '{\"materials\":[{\"material_id\":\"MAT-A-1234\"}]}'\n"
        + "  outage:   curl -X POST '" + erp.baseUrl() + CONTROL + "down?seconds=30'\n"
        + "  faults:   curl -X POST " + erp.baseUrl() + CONTROL + "faults -d '{\"path\":\"" + COMPLETION_PATH
        + "\",\"faults\":[{\"status\":503},{\"status\":429,\"headers\":{\"Retry-After\":\"2\"}}]}'\n"
        + "  received: curl " + erp.baseUrl() + CONTROL + "received\n"
        + "  accepted: curl " + erp.baseUrl() + CONTROL + "completions");
  }
}
