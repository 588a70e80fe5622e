package simulators;

import io.vertx.core.json.JsonObject;
import mraos.config.SimulationConfig;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Random;

/**
 * The work orders the simulated ERP releases: numbered within the run (so a restarted simulation never repeats an
 * id MRAOS already holds), of a quantity between the configured bounds, for the product of the machine's line, due
 * within the shift. Used on one Vert.x context.
 */
final class ErpOrders {

  private static final String[] PRIORITIES = {"normal", "normal", "normal", "high", "high", "urgent"};

  /** One order as ERP holds it and as its webhook sends it. */
  record Order(String erpWorkOrderId, ProductCatalogue.Product product, int quantity, String lineName, JsonObject workOrder) {

    /** The webhook's event (spec §3.2.1). */
    JsonObject createdEvent(Instant at) {
      return new JsonObject().put("event_type", "work_order.created").put("timestamp", at.toString())
          .put("work_order", workOrder.copy());
    }
  }

  private final String run;
  private final SimulationConfig settings;
  private final Random random;
  private int sequence;

  ErpOrders(String run, SimulationConfig settings, Random random) {
    this.run = Objects.requireNonNull(run, "run");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.random = Objects.requireNonNull(random, "random");
  }

  /** A run tag from the start time: base 36 seconds, e.g. "T5K2QZ". */
  static String runTag(Instant start) {
    return Long.toString(start.getEpochSecond(), 36).toUpperCase(java.util.Locale.ROOT);
  }

  Order next(ProductCatalogue.Product product, String lineName, Instant now) {
    sequence++;
    String number = run + "-" + String.format("%04d", sequence);
    int quantity = settings.workOrderQuantityMin()
        + random.nextInt(settings.workOrderQuantityMax() - settings.workOrderQuantityMin() + 1);
    // due when the order would be done three times over: a plan with slack, as a planner would make it
    Duration due = settings.cycleTime().multipliedBy(3L * quantity).plusHours(1);
    JsonObject workOrder = new JsonObject()
        .put("erp_work_order_id", "WO-ERP-" + number)
        .put("work_order_number", number)
        .put("product_id", product.productId())
        .put("product_name", product.name())
        .put("product_variant", product.variant())
        .put("quantity_ordered", quantity)
        .put("unit_of_measure", "EA")
        .put("priority", PRIORITIES[random.nextInt(PRIORITIES.length)])
        .put("due_date", now.plus(due).truncatedTo(ChronoUnit.SECONDS).toString())
        .put("customer_order_id", "CO-" + (10_000 + random.nextInt(90_000)))
        .put("production_line_preference", lineName)
        .put("bill_of_materials", product.billOfMaterials(quantity))
        .put("special_instructions", "Quality inspection required before packaging");
    return new Order("WO-ERP-" + number, product, quantity, lineName, workOrder);
  }
}
