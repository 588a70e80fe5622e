package verticles.erp;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import io.vertx.sqlclient.data.Numeric;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * ERP's material master in MRAOS (spec §3.2.1): upserts materials and records every field that changed, old and new,
 * in {@code material_change_audit}, all in one transaction. Materials marked inactive can no longer be reserved.
 */
public final class MaterialMaster {

  static final String LOCK = """
      SELECT material_id, part_number, part_name, description, category, unit_of_measure, standard_cost, currency, is_active
        FROM materials WHERE material_id = ANY($1) FOR UPDATE""";

  static final String UPSERT = """
      INSERT INTO materials (material_id, part_number, part_name, description, category, unit_of_measure, standard_cost,
                             currency, is_active, created_at, updated_at)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)
      ON CONFLICT (material_id) DO UPDATE SET
          part_number = EXCLUDED.part_number, part_name = EXCLUDED.part_name, description = EXCLUDED.description,
          category = EXCLUDED.category, unit_of_measure = EXCLUDED.unit_of_measure, standard_cost = EXCLUDED.standard_cost,
          currency = EXCLUDED.currency, is_active = EXCLUDED.is_active, updated_at = EXCLUDED.updated_at""";

  static final String AUDIT = """
      INSERT INTO material_change_audit (material_id, field_name, old_value, new_value, source, changed_by, correlation_id, changed_at)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8)""";

  /** Values a new material takes for the fields its sender left out. */
  private static final Map<String, Object> NEW_MATERIAL_DEFAULTS = defaults();

  /** How many materials the upsert created, changed and found unchanged. */
  public record Result(int created, int updated, int unchanged) {
  }

  /** Who changed master data: where it came from (erp_push, erp_pull), which client, which request. */
  public record Change(String source, String changedBy, String correlationId) {
  }

  private final Pool pool;
  private final Clock clock;

  public MaterialMaster(Pool pool, Clock clock) {
    this.pool = Objects.requireNonNull(pool);
    this.clock = Objects.requireNonNull(clock);
  }

  public Future<Result> upsert(List<MaterialRecord> materials, Change change) {
    if (materials.isEmpty()) {
      return Future.succeededFuture(new Result(0, 0, 0));
    }
    return pool.withTransaction(tx -> lock(tx, materials).compose(existing -> write(tx, materials, existing, change)));
  }

  private Future<Map<String, Map<String, Object>>> lock(SqlConnection tx, List<MaterialRecord> materials) {
    String[] ids = materials.stream().map(MaterialRecord::materialId).toArray(String[]::new);
    return tx.preparedQuery(LOCK).execute(Tuple.of(ids)).map(rows -> {
      Map<String, Map<String, Object>> existing = new HashMap<>();
      for (Row row : rows) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (String field : MaterialRecord.MASTER_FIELDS) {
          values.put(field, field.equals("standard_cost") ? row.getBigDecimal(field) : row.getValue(field));
        }
        existing.put(row.getString("material_id"), values);
      }
      return existing;
    });
  }

  private Future<Result> write(SqlConnection tx, List<MaterialRecord> materials, Map<String, Map<String, Object>> existing,
                               Change change) {
    OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    List<Tuple> upserts = new ArrayList<>();
    List<Tuple> audits = new ArrayList<>();
    int created = 0;
    int updated = 0;
    for (MaterialRecord material : materials) {
      Map<String, Object> before = existing.get(material.materialId());
      Map<String, Object> after = new LinkedHashMap<>(before != null ? before : NEW_MATERIAL_DEFAULTS);
      after.putAll(material.fields());
      boolean changed = false;
      for (String field : MaterialRecord.MASTER_FIELDS) {
        Object old = before == null ? null : before.get(field);
        Object value = after.get(field);
        if (before == null ? value != null : !same(old, value)) {
          audits.add(Tuple.from(new Object[] {material.materialId(), field, text(old), text(value), change.source(),
              change.changedBy(), change.correlationId(), now}));
          changed = true;
        }
      }
      if (before == null) {
        created++;
      } else if (changed) {
        updated++;
      } else {
        continue;
      }
      existing.put(material.materialId(), after); // a later duplicate in the same batch compares with this one
      upserts.add(Tuple.from(new Object[] {material.materialId(), after.get("part_number"), after.get("part_name"),
          after.get("description"), after.get("category"), after.get("unit_of_measure"), numeric(after.get("standard_cost")),
          after.get("currency"), after.get("is_active"), now}));
    }
    Result result = new Result(created, updated, materials.size() - created - updated);
    Future<?> written = upserts.isEmpty() ? Future.succeededFuture() : tx.preparedQuery(UPSERT).executeBatch(upserts);
    return written
        .compose(v -> audits.isEmpty() ? Future.succeededFuture() : tx.preparedQuery(AUDIT).executeBatch(audits))
        .map(v -> result);
  }

  private static boolean same(Object a, Object b) {
    if (a instanceof BigDecimal x && b instanceof BigDecimal y) {
      return x.compareTo(y) == 0;
    }
    return Objects.equals(a, b);
  }

  private static String text(Object value) {
    if (value instanceof BigDecimal d) {
      return d.stripTrailingZeros().toPlainString();
    }
    return value == null ? null : value.toString();
  }

  private static Numeric numeric(Object value) {
    return value == null ? null : Numeric.create((BigDecimal) value);
  }

  private static Map<String, Object> defaults() {
    Map<String, Object> defaults = new HashMap<>();
    defaults.put("unit_of_measure", "EA");
    defaults.put("is_active", Boolean.TRUE);
    return defaults;
  }
}
