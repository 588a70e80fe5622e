package verticles.inventory;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import mraos.events.Addresses;
import mraos.events.Envelope;
import mraos.events.Outbox;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What changes in the warehouse's stock, told to the plant: each material whose stock changed, and each reorder alert
 * raised or cleared, as an event on Kafka topic {@code inventory} (Appendix B envelope, keyed by material, written to
 * the outbox in the change's own transaction), and on the supervisors' live feed (plant-wide) once committed.
 */
final class StockEvents {

  static final String STOCK_UPDATED = "material.stock_updated";
  static final String REORDER_ALERT = "material.reorder_alert";
  static final String REORDER_ALERT_CLEARED = "material.reorder_alert_cleared";

  /** The events of one transaction, and what the live feed is told after its commit. */
  static final class Batch {
    private final String topic;
    private final Instant at;
    private final String correlationId;
    final List<Tuple> outbox = new ArrayList<>();
    private final JsonArray live = new JsonArray();
    private final boolean changes;

    /** @param changes whether each changed material is published, or only reorder alerts raised and cleared */
    Batch(String topic, Instant at, String correlationId, boolean changes) {
      this.topic = topic;
      this.at = at;
      this.correlationId = correlationId;
      this.changes = changes;
    }

    /** Compares a material's stock before (null: new) and after: its change and any alert raised or cleared. */
    void compare(Stock before, Stock after, String source) {
      boolean wasAlerted = before != null && before.reorderAlertAt != null;
      String alert = null;
      if (after.belowSafetyStock() && !wasAlerted) {
        after.reorderAlertAt = at;
        alert = REORDER_ALERT;
      } else if (!after.belowSafetyStock() && wasAlerted) {
        after.reorderAlertAt = null;
        alert = REORDER_ALERT_CLEARED;
      } else if (before != null) {
        after.reorderAlertAt = before.reorderAlertAt;
      }
      if (changes && after.differsFrom(before)) {
        add(STOCK_UPDATED, after, source);
      }
      if (alert != null) {
        add(alert, after, source);
      }
    }

    private void add(String type, Stock stock, String source) {
      JsonObject payload = new JsonObject().put("event_type", type).put("source", source).put("material", stock.toJson());
      outbox.add(Tuple.of(topic, stock.materialId, Envelope.wrap(at, Envelope.PLANT_SUBSCRIBERS, correlationId, payload)));
      live.add(payload);
    }

    int size() {
      return outbox.size();
    }

    /** Tells this node's outbox relay and the supervisors' screens, after the commit. */
    void committed(Vertx vertx) {
      if (outbox.isEmpty()) {
        return;
      }
      Outbox.wakeUp(vertx.eventBus());
      vertx.eventBus().publish(Addresses.LIVE, new JsonObject().put("type", "inventory").putNull("line_id")
          .put("data", new JsonObject().put("changes", live)));
    }
  }

  private StockEvents() {
  }
}
