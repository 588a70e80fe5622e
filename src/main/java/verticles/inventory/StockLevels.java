package verticles.inventory;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import mraos.http.Json;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * The warehouse's answer to a stock pull (spec §6.2.1), read and checked: each material as MRAOS will hold it, and
 * each entry that cannot be taken with the reason (kept as an integration failure with the entry as it came).
 */
record StockLevels(List<Level> levels, List<Refused> refused) {

  /** A material's stock as the warehouse reports it. {@code safetyStock} is null when the warehouse did not say. */
  record Level(String materialId, String partNumber, String warehouse, String location, BigDecimal onHand,
               BigDecimal allocated, BigDecimal safetyStock, String unitOfMeasure, List<StockStore.Batch> batches,
               Instant lastUpdated) {
  }

  record Refused(JsonObject entry, String reason) {
  }

  static StockLevels read(JsonObject answer) {
    if (!(answer.getValue("materials") instanceof JsonArray materials)) {
      throw new IllegalStateException("The warehouse's stock levels have no materials list");
    }
    List<Level> levels = new ArrayList<>();
    List<Refused> refused = new ArrayList<>();
    for (Object item : materials) {
      if (!(item instanceof JsonObject entry)) {
        refused.add(new Refused(new JsonObject().put("entry", item), "materials[] entry is not an object"));
        continue;
      }
      try {
        levels.add(level(entry));
      } catch (IllegalArgumentException e) {
        refused.add(new Refused(entry, e.getMessage()));
      }
    }
    return new StockLevels(levels, refused);
  }

  private static Level level(JsonObject m) {
    String id = text(m, "material_id", true);
    BigDecimal onHand = quantity(m, "on_hand_quantity", true);
    BigDecimal allocated = quantity(m, "allocated_quantity", true);
    List<StockStore.Batch> batches = new ArrayList<>();
    Object details = m.getValue("batch_details");
    if (details != null && !(details instanceof JsonArray)) {
      throw new IllegalArgumentException(id + ": batch_details must be a list");
    }
    if (details instanceof JsonArray list) {
      for (int i = 0; i < list.size(); i++) {
        if (!(list.getValue(i) instanceof JsonObject b)) {
          throw new IllegalArgumentException(id + ": batch_details[" + i + "] is not an object");
        }
        String expiry = text(b, "expiration_date", false);
        LocalDate expires;
        try {
          expires = expiry == null ? null : LocalDate.parse(expiry);
        } catch (RuntimeException e) {
          throw new IllegalArgumentException(id + ": batch_details[" + i + "].expiration_date '" + expiry
              + "' is not a date (YYYY-MM-DD)");
        }
        batches.add(new StockStore.Batch(text(b, "batch_number", true), quantity(b, "quantity", true), expires));
      }
    }
    String updated = text(m, "last_updated", true);
    Instant lastUpdated;
    try {
      lastUpdated = OffsetDateTime.parse(updated).toInstant();
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(id + ": last_updated '" + updated + "' is not an ISO-8601 time with an offset");
    }
    return new Level(id, text(m, "part_number", false), text(m, "warehouse", false), text(m, "location", false), onHand,
        allocated, quantity(m, "safety_stock", false), text(m, "unit_of_measure", false), batches, lastUpdated);
  }

  static String text(JsonObject o, String field, boolean required) {
    Object v = o.getValue(field);
    if (v == null || (v instanceof String s && s.isBlank())) {
      if (required) {
        throw new IllegalArgumentException(field + " is required (" + o.getValue("material_id", "entry") + ")");
      }
      return null;
    }
    if (!(v instanceof String s)) {
      throw new IllegalArgumentException(field + " must be text, not " + v);
    }
    return s.trim();
  }

  static BigDecimal quantity(JsonObject o, String field, boolean required) {
    Object v = o.getValue(field);
    if (v == null) {
      if (required) {
        throw new IllegalArgumentException(field + " is required (" + o.getValue("material_id", "entry") + ")");
      }
      return null;
    }
    if (!(v instanceof Number)) {
      throw new IllegalArgumentException(field + " must be a number, not " + v);
    }
    BigDecimal q = Json.decimal(v);
    if (q.signum() < 0) {
      throw new IllegalArgumentException(field + " must not be negative (" + q.toPlainString() + ")");
    }
    return q;
  }
}
