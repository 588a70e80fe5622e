package verticles.inventory;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The inventory area's stock tables: {@code material_stock} (one row per material), {@code material_batches} and
 * {@code inventory_cdc_fields} (the newest warehouse time applied to each field of a material). Every statement on them
 * is here; each works on many materials at once (arrays), in the caller's transaction.
 */
final class StockStore {

  static final String COLUMNS = """
      material_id, part_number, on_hand_quantity, allocated_quantity, safety_stock, unit_of_measure, warehouse, location,
      last_updated, last_transaction_id, reorder_alert_at""";

  /** The materials' rows, locked (in material order, so two writers never wait for each other in a circle). */
  static final String LOCK = "SELECT " + COLUMNS + " FROM material_stock WHERE material_id = ANY($1) ORDER BY material_id"
      + " FOR UPDATE";

  static final String READ = "SELECT " + COLUMNS + " FROM material_stock WHERE material_id = ANY($1)";

  static final String READ_ALL = "SELECT " + COLUMNS + " FROM material_stock ORDER BY material_id";

  static final String WRITE = """
      INSERT INTO material_stock (material_id, part_number, on_hand_quantity, allocated_quantity, safety_stock,
          unit_of_measure, warehouse, location, last_updated, last_transaction_id, reorder_alert_at, updated_at)
      SELECT s.*, $12 FROM unnest($1::text[], $2::text[], $3::numeric[], $4::numeric[], $5::numeric[], $6::text[],
          $7::text[], $8::text[], $9::timestamptz[], $10::text[], $11::timestamptz[]) AS s
      ON CONFLICT (material_id) DO UPDATE SET part_number = COALESCE(EXCLUDED.part_number, material_stock.part_number),
          on_hand_quantity = EXCLUDED.on_hand_quantity, allocated_quantity = EXCLUDED.allocated_quantity,
          safety_stock = EXCLUDED.safety_stock, unit_of_measure = COALESCE(EXCLUDED.unit_of_measure, material_stock.unit_of_measure),
          warehouse = EXCLUDED.warehouse, location = EXCLUDED.location, last_updated = EXCLUDED.last_updated,
          last_transaction_id = EXCLUDED.last_transaction_id, reorder_alert_at = EXCLUDED.reorder_alert_at,
          updated_at = EXCLUDED.updated_at""";

  static final String DROP_BATCHES = "DELETE FROM material_batches WHERE material_id = ANY($1)";
  static final String ADD_BATCHES = """
      INSERT INTO material_batches (material_id, batch_number, quantity, expiration_date, updated_at)
      SELECT b.*, $5 FROM unnest($1::text[], $2::text[], $3::numeric[], $4::date[]) AS b
      ON CONFLICT (material_id, batch_number) DO UPDATE SET quantity = EXCLUDED.quantity,
          expiration_date = EXCLUDED.expiration_date, updated_at = EXCLUDED.updated_at""";
  static final String BATCHES = """
      SELECT material_id, batch_number, quantity, expiration_date FROM material_batches WHERE material_id = ANY($1)
       ORDER BY material_id, expiration_date NULLS LAST, batch_number""";

  static final String FIELD_TIMES = "SELECT material_id, field_changed, source_at FROM inventory_cdc_fields"
      + " WHERE material_id = ANY($1)";
  static final String WRITE_FIELD_TIMES = """
      INSERT INTO inventory_cdc_fields (material_id, field_changed, source_at)
      SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[])
      ON CONFLICT (material_id, field_changed) DO UPDATE SET source_at = GREATEST(inventory_cdc_fields.source_at,
          EXCLUDED.source_at)""";

  /** A batch of a material, as the warehouse lists it. */
  record Batch(String batchNumber, BigDecimal quantity, LocalDate expirationDate) {
  }

  private StockStore() {
  }

  /** The rows MRAOS holds for these materials, locked for the caller's transaction; those it holds none of are absent. */
  static Future<Map<String, Stock>> lock(SqlClient tx, Collection<String> materialIds) {
    return tx.preparedQuery(LOCK).execute(Tuple.of(materialIds.toArray(String[]::new))).map(StockStore::byId);
  }

  static Future<Map<String, Stock>> read(SqlClient db, Collection<String> materialIds) {
    return db.preparedQuery(READ).execute(Tuple.of(materialIds.toArray(String[]::new))).map(StockStore::byId);
  }

  static Future<List<Stock>> all(SqlClient db) {
    return db.preparedQuery(READ_ALL).execute().map(rows -> {
      List<Stock> all = new java.util.ArrayList<>();
      rows.forEach(row -> all.add(Stock.of(row)));
      return all;
    });
  }

  private static Map<String, Stock> byId(Iterable<Row> rows) {
    Map<String, Stock> held = new HashMap<>();
    rows.forEach(row -> held.put(row.getString("material_id"), Stock.of(row)));
    return held;
  }

  /** Writes these materials' rows as they are now. */
  static Future<Void> write(SqlClient tx, Collection<Stock> stocks, Instant now) {
    if (stocks.isEmpty()) {
      return Future.succeededFuture();
    }
    int n = stocks.size();
    String[] ids = new String[n];
    String[] parts = new String[n];
    BigDecimal[] onHand = new BigDecimal[n];
    BigDecimal[] allocated = new BigDecimal[n];
    BigDecimal[] safety = new BigDecimal[n];
    String[] units = new String[n];
    String[] warehouses = new String[n];
    String[] locations = new String[n];
    OffsetDateTime[] updated = new OffsetDateTime[n];
    String[] transactions = new String[n];
    OffsetDateTime[] alerts = new OffsetDateTime[n];
    int i = 0;
    for (Stock s : stocks) {
      ids[i] = s.materialId;
      parts[i] = s.partNumber;
      onHand[i] = s.onHand;
      allocated[i] = s.allocated;
      safety[i] = s.safetyStock;
      units[i] = s.unitOfMeasure;
      warehouses[i] = s.warehouse;
      locations[i] = s.location;
      updated[i] = utc(s.lastUpdated);
      transactions[i] = s.lastTransactionId;
      alerts[i] = utc(s.reorderAlertAt);
      i++;
    }
    return tx.preparedQuery(WRITE).execute(Tuple.from(new Object[] {ids, parts, onHand, allocated, safety, units, warehouses,
        locations, updated, transactions, alerts, utc(now)})).mapEmpty();
  }

  /** The materials' batches become exactly these (a material with none listed has none left). */
  static Future<Void> replaceBatches(SqlClient tx, Map<String, List<Batch>> batches, Instant now) {
    if (batches.isEmpty()) {
      return Future.succeededFuture();
    }
    List<String> materials = new java.util.ArrayList<>();
    List<String> numbers = new java.util.ArrayList<>();
    List<BigDecimal> quantities = new java.util.ArrayList<>();
    List<LocalDate> expiries = new java.util.ArrayList<>();
    batches.forEach((material, list) -> list.forEach(b -> {
      materials.add(material);
      numbers.add(b.batchNumber());
      quantities.add(b.quantity());
      expiries.add(b.expirationDate());
    }));
    return tx.preparedQuery(DROP_BATCHES).execute(Tuple.of(batches.keySet().toArray(String[]::new)))
        .compose(v -> materials.isEmpty() ? Future.<Void>succeededFuture() : tx.preparedQuery(ADD_BATCHES).execute(Tuple.of(
            materials.toArray(String[]::new), numbers.toArray(String[]::new), quantities.toArray(BigDecimal[]::new),
            expiries.toArray(LocalDate[]::new), utc(now))).<Void>mapEmpty());
  }

  /** Each material's batches, earliest expiry first (FEFO). */
  static Future<Map<String, List<Batch>>> batches(SqlClient db, Collection<String> materialIds) {
    return db.preparedQuery(BATCHES).execute(Tuple.of(materialIds.toArray(String[]::new))).map(rows -> {
      Map<String, List<Batch>> byMaterial = new HashMap<>();
      rows.forEach(row -> byMaterial.computeIfAbsent(row.getString("material_id"), k -> new java.util.ArrayList<>())
          .add(new Batch(row.getString("batch_number"), row.getBigDecimal("quantity"), row.getLocalDate("expiration_date"))));
      return byMaterial;
    });
  }

  /** material id → field → the newest warehouse time applied to it. */
  static Future<Map<String, Map<String, Instant>>> fieldTimes(SqlClient tx, Collection<String> materialIds) {
    return tx.preparedQuery(FIELD_TIMES).execute(Tuple.of(materialIds.toArray(String[]::new))).map(rows -> {
      Map<String, Map<String, Instant>> times = new HashMap<>();
      rows.forEach(row -> times.computeIfAbsent(row.getString("material_id"), k -> new HashMap<>())
          .put(row.getString("field_changed"), row.getOffsetDateTime("source_at").toInstant()));
      return times;
    });
  }

  /** Records the newest warehouse time applied to each (material, field); an older one never replaces a newer. */
  static Future<Void> writeFieldTimes(SqlClient tx, Map<String, Map<String, Instant>> times) {
    List<String> materials = new java.util.ArrayList<>();
    List<String> fields = new java.util.ArrayList<>();
    List<OffsetDateTime> at = new java.util.ArrayList<>();
    times.forEach((material, byField) -> byField.forEach((field, time) -> {
      materials.add(material);
      fields.add(field);
      at.add(utc(time));
    }));
    if (materials.isEmpty()) {
      return Future.succeededFuture();
    }
    return tx.preparedQuery(WRITE_FIELD_TIMES).execute(Tuple.of(materials.toArray(String[]::new),
        fields.toArray(String[]::new), at.toArray(OffsetDateTime[]::new))).mapEmpty();
  }

  static OffsetDateTime utc(Instant instant) {
    return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }
}
