package simulators;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

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

  private final ErpBookings bookings = new ErpBookings(clock);
  private final ErpMasterData masterData = new ErpMasterData(clock);

  private ErpSimulator(Vertx vertx) {
    super(vertx, "ERP", Access.bearer());
    router().post(COMPLETION_PATH).handler(bookings::completionReport);
    router().post(CONSUMPTION_PATH).handler(bookings::consumptionBatch);
    router().get(MATERIALS_PATH).handler(masterData::materialsPage);
    router().get(WORK_ORDERS_PATH).handler(masterData::workOrdersUpdatedSince);

    router().post(CONTROL + "materials").handler(masterData::seedMaterialsFromBody);
    router().post(CONTROL + "work-orders").handler(masterData::seedWorkOrdersFromBody);
    router().get(CONTROL + "completions").handler(bookings::listCompletions);
    router().get(CONTROL + "consumption-batches").handler(bookings::listConsumptionBatches);
  }

  /** @param port the port to listen on, 0 for any free one */
  public static Future<ErpSimulator> start(Vertx vertx, int port) {
    ErpSimulator erp = new ErpSimulator(vertx);
    return erp.listen(port).map(erp);
  }

  // ---- what ERP holds, for tests

  /** Adds materials (§3.2.1 material objects) or replaces those with the same material_id. */
  public void seedMaterials(List<JsonObject> seeded) {
    masterData.seedMaterials(seeded);
  }

  /**
   * Adds work orders (the §3.2.1 work_order plus "status" and "updated_at") or replaces those with the same
   * erp_work_order_id. Without a status one is {@value #DEFAULT_STATUS}; without updated_at it was updated now.
   */
  public void seedWorkOrders(List<JsonObject> seeded) {
    masterData.seedWorkOrders(seeded);
  }

  /** A copy of the work order ERP holds under this id, if any. */
  public Optional<JsonObject> workOrder(String erpWorkOrderId) {
    return masterData.workOrder(erpWorkOrderId);
  }

  /** Tells {@code listener} of every completion report accepted from now on, once each (not of repeats). */
  public void onCompletion(Consumer<Receipt> listener) {
    bookings.onCompletion(listener);
  }

  /** The completion reports accepted, each once however often it was sent, oldest first. */
  public List<JsonObject> completions() {
    return completionReceipts().stream().map(Receipt::body).toList();
  }

  public List<Receipt> completionReceipts() {
    return bookings.completionReceipts();
  }

  /** The consumption batches accepted, each once, oldest first. */
  public List<JsonObject> consumptionBatches() {
    return consumptionReceipts().stream().map(Receipt::body).toList();
  }

  public List<Receipt> consumptionReceipts() {
    return bookings.consumptionReceipts();
  }

  /** Also forgets completions, consumption batches, materials and work orders. */
  @Override
  public void reset() {
    super.reset();
    bookings.clear();
    masterData.clear();
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
