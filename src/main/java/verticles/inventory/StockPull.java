package verticles.inventory;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import mraos.config.MraosConfig;
import mraos.events.Outbox;
import mraos.failures.DeadLetters;
import mraos.failures.IntegrationFailure;
import mraos.jobs.ScheduledJob;
import mraos.outbound.OutboundCall;
import mraos.outbound.RetrySchedule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The stock pull (spec §6.2.1): {@code GET stock-levels?location=...} through the warehouse's outbound path (token,
 * breaker, audit; retried by error class), then ONE transaction: each material's stock and batches into
 * {@code material_stock} and {@code material_batches} (a material whose state MRAOS holds is newer, by the warehouse's
 * time, is left alone), the changes and the reorder alerts raised or cleared on topic {@code inventory}, the entries
 * that cannot be read kept as integration failures. Every 5 minutes (scheduler), on demand
 * ({@code POST /api/v1/jobs/inventory-stock-pull/run}), after MRAOS's own reservations and consumption reports, and
 * for one material when the CDC replica finds a gap.
 */
public final class StockPull implements ScheduledJob {

  private static final Logger LOG = LoggerFactory.getLogger(StockPull.class);

  public static final String JOB = "inventory-stock-pull";
  public static final String INTEGRATION_TYPE = "inventory_stock_pull";

  @Override
  public String name() {
    return JOB;
  }

  @Override
  public Future<JsonObject> run(Context context, Instant slot) {
    return pull(context.vertx(), context.pool(), context.clock(), context.config(), null, "stock-pull-" + slot.toEpochMilli());
  }

  /** Pulls every material of the location, or only {@code materialId}; answers the summary. */
  static Future<JsonObject> pull(Vertx vertx, Pool pool, Clock clock, MraosConfig config, String materialId,
                                 String correlationId) {
    InventorySettings settings = InventorySettings.of(config);
    long startNanos = System.nanoTime();
    String path = settings.stockLevelsPath() + "?location=" + URLEncoder.encode(settings.location(), StandardCharsets.UTF_8)
        + (materialId == null ? "" : "&material_id=" + URLEncoder.encode(materialId, StandardCharsets.UTF_8));
    return OutboundCall.getRetried(vertx, MraosConfig.INVENTORY, INTEGRATION_TYPE, path, correlationId,
            config.inventory().requestTimeout().multipliedBy(2), new RetrySchedule(config.outbound()))
        .compose(answer -> apply(vertx, pool, clock.instant(), config, settings, StockLevels.read(answer), answer,
            correlationId))
        .map(summary -> summary.put("material_id", materialId)
            .put("duration_ms", Duration.ofNanos(System.nanoTime() - startNanos).toMillis()));
  }

  /** A pull for one material, after a reservation, a consumption report or a CDC gap; failures are logged only. */
  static void refresh(Vertx vertx, Pool pool, Clock clock, MraosConfig config, String materialId, String why) {
    pull(vertx, pool, clock, config, materialId, "stock-refresh-" + clock.millis())
        .onSuccess(summary -> LOG.info("Inventory: stock of {} pulled ({}): {}", materialId, why, summary.encode()))
        .onFailure(e -> LOG.warn("Inventory: stock of {} not pulled ({}): {}", materialId, why, e.getMessage()));
  }

  private static Future<JsonObject> apply(Vertx vertx, Pool pool, Instant now, MraosConfig config,
                                          InventorySettings settings, StockLevels pulled, JsonObject answer,
                                          String correlationId) {
    Map<String, StockLevels.Level> byId = new LinkedHashMap<>();
    pulled.levels().forEach(level -> byId.put(level.materialId(), level));
    StockEvents.Batch events = new StockEvents.Batch(settings.inventoryTopic(), now, correlationId, true);
    DeadLetters deadLetters = DeadLetters.of(config);
    int[] stale = new int[1];
    JsonArray refusedIds = new JsonArray();
    return pool.withTransaction(tx -> StockStore.lock(tx, byId.keySet()).compose(held -> {
      List<Stock> changed = new ArrayList<>();
      Map<String, List<StockStore.Batch>> batches = new HashMap<>();
      Map<String, Map<String, Instant>> fieldTimes = new HashMap<>();
      for (StockLevels.Level level : byId.values()) {
        Stock before = held.get(level.materialId());
        if (before != null && before.lastUpdated != null && level.lastUpdated().isBefore(before.lastUpdated)) {
          stale[0]++; // the replica already holds a newer state of it
          continue;
        }
        Stock after = before == null ? new Stock(level.materialId()) : before.copy();
        after.partNumber = level.partNumber() != null ? level.partNumber() : after.partNumber;
        after.onHand = level.onHand();
        after.allocated = level.allocated();
        after.safetyStock = level.safetyStock() != null ? level.safetyStock() : after.safetyStock;
        after.unitOfMeasure = level.unitOfMeasure() != null ? level.unitOfMeasure() : after.unitOfMeasure;
        after.warehouse = level.warehouse();
        after.location = level.location();
        after.lastUpdated = level.lastUpdated();
        events.compare(before, after, "stock_pull");
        changed.add(after);
        batches.put(level.materialId(), level.batches());
        Map<String, Instant> times = fieldTimes.computeIfAbsent(level.materialId(), k -> new HashMap<>());
        times.put("on_hand_quantity", level.lastUpdated());
        times.put("allocated_quantity", level.lastUpdated());
        if (level.safetyStock() != null) {
          times.put("safety_stock", level.lastUpdated());
        }
      }
      Future<Void> refused = Future.succeededFuture();
      for (StockLevels.Refused r : pulled.refused()) {
        refusedIds.add(r.entry().getValue("material_id"));
        LOG.warn("Inventory: a stock level could not be taken ({}); kept as an integration failure", r.reason());
        refused = refused.compose(v -> deadLetters.record(tx, IntegrationFailure.forReview(now, INTEGRATION_TYPE, "inbound",
            MraosConfig.INVENTORY, r.entry(), IntegrationFailure.VALIDATION_ERROR, r.reason(), correlationId)).mapEmpty());
      }
      Future<Void> deadLettered = refused;
      return StockStore.write(tx, changed, now)
          .compose(v -> StockStore.replaceBatches(tx, batches, now))
          .compose(v -> StockStore.writeFieldTimes(tx, fieldTimes))
          .compose(v -> Outbox.appendAll(tx, events.outbox))
          .compose(v -> deadLettered)
          .map(v -> new JsonObject()
              .put("received", pulled.levels().size() + pulled.refused().size())
              .put("applied", changed.size())
              .put("stale", stale[0])
              .put("events", events.size())
              .put("refused", refusedIds));
    })).onSuccess(summary -> events.committed(vertx));
  }
}
