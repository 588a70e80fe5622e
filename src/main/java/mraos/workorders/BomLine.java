package mraos.workorders;

import io.vertx.core.json.JsonObject;
import mraos.http.Json;

import java.math.BigDecimal;

/** One line of a work order's bill of materials. */
public record BomLine(int lineNo, String materialId, String partNumber, String partName, BigDecimal quantityRequired,
                      String unitOfMeasure) {

  public JsonObject toJson() {
    return new JsonObject()
        .put("line_no", lineNo)
        .put("material_id", materialId)
        .put("part_number", partNumber)
        .put("part_name", partName)
        .put("quantity_required", Json.number(quantityRequired))
        .put("unit_of_measure", unitOfMeasure);
  }
}
