package verticles.workorders;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import mraos.http.Json;
import mraos.workorders.BomLine;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks a bill of materials against the materials MRAOS knows: which are unknown (the order cannot be taken), and
 * which are short or inactive (taken, with a warning worded as the spec does).
 */
final class MaterialAvailability {

  /**
   * ERP's master (known? active?) with the warehouse's live availability, which the inventory area keeps in
   * {@code material_stock} (pulled and replicated from the warehouse; read here, never written): a material the
   * warehouse has not reported has none.
   */
  static final String MATERIALS = """
      SELECT m.material_id, m.part_number, m.is_active, COALESCE(s.available_quantity, 0) AS available_quantity
        FROM materials m LEFT JOIN material_stock s ON s.material_id = m.material_id
       WHERE m.material_id = ANY($1)""";

  /** @param unknown one entry per BOM line whose material is unknown: field, material_id, message */
  public record Result(JsonArray unknown, List<String> warnings) {
    boolean allKnown() {
      return unknown.isEmpty();
    }
  }

  /** A known material, as the availability check reads it (part_number, is_active, available_quantity). */
  record Material(String partNumber, boolean active, BigDecimal available) {
    static Material of(Row row) {
      return new Material(row.getString("part_number"), row.getBoolean("is_active"), row.getBigDecimal("available_quantity"));
    }
  }

  private MaterialAvailability() {
  }

  static Future<Result> check(SqlClient db, List<BomLine> bom) {
    if (bom == null || bom.isEmpty()) {
      return Future.succeededFuture(new Result(new JsonArray(), List.of()));
    }
    String[] ids = bom.stream().map(BomLine::materialId).distinct().toArray(String[]::new);
    return db.preparedQuery(MATERIALS).execute(Tuple.of(ids)).map(rows -> {
      Map<String, Material> known = new HashMap<>();
      for (Row row : rows) {
        known.put(row.getString("material_id"), Material.of(row));
      }
      return evaluate(bom, known);
    });
  }

  /** Which of the BOM's materials are unknown, and the warnings for the known ones that are short or inactive. */
  static Result evaluate(List<BomLine> bom, Map<String, Material> known) {
    JsonArray unknown = new JsonArray();
    Map<String, BigDecimal> required = new LinkedHashMap<>();
    Map<String, String> partNumbers = new HashMap<>();
    for (BomLine line : bom) {
      if (!known.containsKey(line.materialId())) {
        unknown.add(new JsonObject()
            .put("field", "work_order.bill_of_materials." + (line.lineNo() - 1) + ".material_id")
            .put("material_id", line.materialId())
            .put("part_number", line.partNumber())
            .put("message", "Material " + line.materialId() + " not found in MRAOS database"));
        continue;
      }
      required.merge(line.materialId(), line.quantityRequired(), BigDecimal::add);
      if (line.partNumber() != null) {
        partNumbers.putIfAbsent(line.materialId(), line.partNumber());
      }
    }
    List<String> warnings = new ArrayList<>();
    required.forEach((materialId, needed) -> {
      Material material = known.get(materialId);
      String part = material.partNumber() != null ? material.partNumber() : partNumbers.getOrDefault(materialId, materialId);
      if (!material.active()) {
        warnings.add("Part " + part + " (" + materialId + ") is inactive and can no longer be reserved.");
      }
      if (material.available().compareTo(needed) < 0) {
        BigDecimal available = material.available().max(BigDecimal.ZERO);
        warnings.add("Part " + part + " has only " + Json.plain(available) + " units available (" + Json.plain(needed)
            + " required). Shortage of " + Json.plain(needed.subtract(available)) + " units.");
      }
    });
    return new Result(unknown, List.copyOf(warnings));
  }
}
