package simulators;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import mraos.http.ErrorCode;
import mraos.http.Responses;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The plant's warehouse system as MRAOS sees it (spec §6, Appendix A), every API route requiring a bearer token:
 * <pre>
 * GET  /api/v1/materials/stock-levels?location=&amp;material_id=   stock with batches and expiry dates (§6.2.1)
 * POST /api/v1/reservations                     reserve, FEFO; the same reservation_id gets the same answer (§6.2.2)
 * POST /api/v1/reservations/{id}/release        what is still allocated goes back
 * POST /api/v1/transactions/consumption         consumption (§6.2.2), once per Idempotency-Key or transaction_id
 * </pre>
 * Every change of a material's on-hand or allocated quantity is published as a CDC event ({@code
 * material.stock_updated}, §6.3) on a Kafka topic, keyed by material id, when it was started with a broker. Besides
 * {@link SystemSimulator}'s control routes (faults, outages, what was received):
 * <pre>
 * POST /_simulator/materials                    {"materials": [...]}: add or replace (stock-levels shape)
 * GET  /_simulator/consumption                  the consumption reports accepted, each once
 * </pre>
 */
public final class InventorySimulator extends SystemSimulator {

  public static final String STOCK_LEVELS_PATH = "/api/v1/materials/stock-levels";
  public static final String RESERVATIONS_PATH = "/api/v1/reservations";
  public static final String CONSUMPTION_PATH = "/api/v1/transactions/consumption";

  private final Warehouse warehouse;
  private final Journal consumption = new Journal();
  private volatile KafkaProducer<String, String> producer;
  private volatile String topic;
  private final AtomicInteger dropCdc = new AtomicInteger();
  private final List<JsonObject> published = new CopyOnWriteArrayList<>();

  private InventorySimulator(Vertx vertx) {
    super(vertx, "INVENTORY", Access.bearer());
    this.warehouse = new Warehouse(clock, this::publish);
    router().get(STOCK_LEVELS_PATH).handler(ctx -> Responses.json(ctx, 200, new JsonObject()
        .put("materials", warehouse.levels(ctx.queryParams().get("material_id")))));
    router().post(RESERVATIONS_PATH).handler(this::reserve);
    router().post(RESERVATIONS_PATH + "/:id/release").handler(ctx -> {
      JsonObject released = warehouse.release(ctx.pathParam("id"));
      if (released == null) {
        Responses.json(ctx, 404, Answers.error(ErrorCode.INT_004, "No reservation " + ctx.pathParam("id")));
      } else {
        Responses.json(ctx, 200, released);
      }
    });
    router().post(CONSUMPTION_PATH).handler(this::consumption);
    router().post(CONTROL + "materials").handler(ctx -> {
      JsonObject body = JsonBodies.object(ctx);
      body.getJsonArray("materials", new JsonArray()).forEach(m -> warehouse.seed((JsonObject) m));
      Responses.json(ctx, 200, new JsonObject().put("seeded", body.getJsonArray("materials", new JsonArray()).size()));
    });
    router().get(CONTROL + "consumption").handler(ctx -> Responses.json(ctx, 200, new JsonObject()
        .put("consumption", new JsonArray(consumption.receipts().stream().map(Receipt::toJson).toList()))));
  }

  /**
   * @param port             the port to listen on, 0 for any free one
   * @param bootstrapServers the Kafka broker its CDC events go to; null or empty: none are published
   * @param topic            the CDC topic (MRAOS's {@code inventory.cdc.topic})
   */
  public static Future<InventorySimulator> start(Vertx vertx, int port, String bootstrapServers, String topic) {
    InventorySimulator inventory = new InventorySimulator(vertx);
    if (bootstrapServers != null && !bootstrapServers.isBlank()) {
      inventory.publishTo(bootstrapServers, topic);
    }
    return inventory.listen(port).map(inventory);
  }

  /** From now on its CDC events go to this broker and topic (a node's embedded broker is known only once it runs). */
  public synchronized void publishTo(String bootstrapServers, String cdcTopic) {
    if (producer == null) {
      topic = cdcTopic;
      producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrapServers, "acks", "all", "linger.ms", "0"),
          new StringSerializer(), new StringSerializer());
    }
  }

  /** Adds materials (stock-levels shape: material_id, part_number, safety_stock, batch_details...) or replaces them. */
  public void seed(List<JsonObject> materials) {
    materials.forEach(warehouse::seed);
  }

  /** Stock received (positive) or issued by others (negative) on the material's earliest-expiring batch. */
  public void adjust(String materialId, BigDecimal delta) {
    warehouse.adjust(materialId, delta, delta.signum() >= 0 ? "receipt" : "issue");
  }

  /** On hand and allocated now. */
  public JsonObject stock(String materialId) {
    return warehouse.stock(materialId);
  }

  /** The next {@code n} CDC events are not published (a gap in the stream). */
  public void dropCdcEvents(int n) {
    dropCdc.set(n);
  }

  /** The CDC events published, oldest first. */
  public List<JsonObject> cdcPublished() {
    return List.copyOf(published);
  }

  /** The consumption reports accepted, each once however often it was sent, oldest first. */
  public List<JsonObject> consumptionReports() {
    return consumption.receipts().stream().map(Receipt::body).toList();
  }

  @Override
  public void reset() {
    super.reset();
    warehouse.clear();
    consumption.clear();
    published.clear();
  }

  @Override
  public Future<Void> stop() {
    KafkaProducer<String, String> open = producer;
    producer = null;
    if (open != null) {
      open.close(java.time.Duration.ofSeconds(5));
    }
    return super.stop();
  }

  private void publish(JsonObject event) {
    if (dropCdc.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      return;
    }
    published.add(event);
    KafkaProducer<String, String> open = producer;
    if (open != null) {
      open.send(new ProducerRecord<>(topic, event.getString("material_id"), event.encode()));
    }
  }

  private void reserve(RoutingContext ctx) {
    JsonObject request = JsonBodies.object(ctx);
    if (!(request.getValue("reservation_id") instanceof String) || !(request.getValue("materials") instanceof JsonArray)) {
      Responses.json(ctx, 400, Answers.error(ErrorCode.INT_003, "reservation_id and materials are required"));
      return;
    }
    Responses.json(ctx, 200, warehouse.reserve(request));
  }

  private void consumption(RoutingContext ctx) {
    JsonObject report = JsonBodies.object(ctx);
    if (!(report.getValue("transaction_id") instanceof String txn)
        || !(report.getValue("materials_consumed") instanceof JsonArray)) {
      Responses.json(ctx, 400, Answers.error(ErrorCode.INT_003, "transaction_id and materials_consumed are required"));
      return;
    }
    String key = ctx.request().getHeader(ErpSimulator.IDEMPOTENCY_KEY);
    int before = consumption.receipts().size();
    Receipt receipt = consumption.accept(key == null || key.isBlank() ? null : key.trim(), txn, report, clock.instant(),
        () -> "INV-TXN-C-" + (consumption.receipts().size() + 1));
    if (consumption.receipts().size() > before) {
      warehouse.consume(report);
    }
    Responses.json(ctx, 200, new JsonObject().put("status", "success").put("transaction_id", txn)
        .put("inventory_transaction_id", receipt.confirmationId()));
  }
}
