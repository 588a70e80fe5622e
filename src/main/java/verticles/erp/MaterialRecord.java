package verticles.erp;

import io.vertx.core.json.JsonObject;
import mraos.http.Json;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One material of ERP's master data as sent: its id and the master fields the sender gave (a field left out is kept
 * as MRAOS has it). Values are String, BigDecimal (standard_cost), Boolean (is_active) or null.
 */
public record MaterialRecord(String materialId, Map<String, Object> fields) {

  /** The master-data columns of {@code materials}, named as ERP names them. */
  public static final List<String> MASTER_FIELDS = List.of(
      "part_number", "part_name", "description", "category", "unit_of_measure", "standard_cost", "currency", "is_active");

  /** Reads a material that {@code material.schema.json} accepted. */
  public static MaterialRecord from(JsonObject json) {
    Map<String, Object> fields = new LinkedHashMap<>();
    for (String field : MASTER_FIELDS) {
      if (json.containsKey(field)) {
        Object value = json.getValue(field);
        fields.put(field, field.equals("standard_cost") ? Json.decimal(value) : value);
      }
    }
    return new MaterialRecord(json.getString("material_id"), fields);
  }
}
