package verticles.erp;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import mraos.http.ApiError;
import mraos.http.PayloadSchema;
import mraos.http.PlainText;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * ERP's material master payload, JSON ({@code {"materials":[...]}}) or CSV (a header row naming the same fields),
 * split into the materials that can be taken and the rows refused, each refusal naming its index (and CSV line).
 */
public final class MaterialPayload {

  static final PayloadSchema SCHEMA = PayloadSchema.fromResource("verticles/erp/material.schema.json");
  static final int MAX_MATERIALS = 10_000;

  /** @param rejected one entry per refused row: index, line (CSV), material_id, errors */
  public record Parsed(List<MaterialRecord> accepted, JsonArray rejected, int received) {
  }

  private MaterialPayload() {
  }

  public static Parsed fromJson(JsonObject body) {
    Object materials = body.getValue("materials");
    if (!(materials instanceof JsonArray array)) {
      throw ApiError.badRequest("The payload must be {\"materials\": [ ... ]}")
          .detail(new JsonObject().put("field", "materials").put("message", "is required and must be an array"));
    }
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      rows.add(new Row(i, null, array.getValue(i), null));
    }
    return validate(rows);
  }

  public static Parsed fromCsv(Buffer body) {
    if (body == null || body.length() == 0) {
      throw ApiError.badRequest("The request body is empty; a CSV with a header row is expected");
    }
    String text = PlainText.utf8(body, "The CSV");
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1); // spreadsheet exports often start with a byte-order mark
    }
    CSVFormat format = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).setTrim(true)
        .setIgnoreEmptyLines(true)
        .setDuplicateHeaderMode(org.apache.commons.csv.DuplicateHeaderMode.DISALLOW).get();
    try (CSVParser parser = CSVParser.parse(new StringReader(text), format)) {
      List<String> header = parser.getHeaderNames();
      if (!header.contains("material_id")) {
        throw ApiError.badRequest("The CSV header must name the columns, material_id and part_number among them (found "
            + header + ")");
      }
      List<Row> rows = new ArrayList<>();
      int index = 0;
      long line = 1;
      int cursor = 0;
      for (CSVRecord record : parser) {
        // the line where the row starts (a quoted cell may span lines; blank lines before it are skipped)
        int start = (int) record.getCharacterPosition();
        while (start < text.length() && (text.charAt(start) == '\r' || text.charAt(start) == '\n')) {
          start++;
        }
        for (; cursor < start; cursor++) {
          char c = text.charAt(cursor);
          if (c == '\n' || (c == '\r' && (cursor + 1 == text.length() || text.charAt(cursor + 1) != '\n'))) {
            line++;
          }
        }
        rows.add(new Row(index++, line, fromCsvRecord(record, header), shapeError(record, header)));
      }
      return validate(rows);
    } catch (IOException | IllegalStateException | IllegalArgumentException | UncheckedIOException e) {
      throw ApiError.badRequest("The CSV cannot be read: " + e.getMessage());
    }
  }

  /** @param shapeError why the row cannot be read as a material at all (a CSV row with too few or too many cells) */
  private record Row(int index, Long line, Object value, String shapeError) {
  }

  /** A CSV row must have one cell per header column: a missing or an extra cell shifts or loses a field. */
  private static String shapeError(CSVRecord record, List<String> header) {
    if (record.size() == header.size()) {
      return null;
    }
    return "has " + record.size() + " cell(s) where the header names " + header.size() + " column(s) ("
        + (record.size() < header.size() ? "a cell is missing" : "there is a cell too many") + ")";
  }

  private static Parsed validate(List<Row> rows) {
    if (rows.isEmpty()) {
      throw ApiError.badRequest("The payload holds no materials");
    }
    if (rows.size() > MAX_MATERIALS) {
      throw ApiError.of(413, mraos.http.ErrorCode.INT_003, "At most " + MAX_MATERIALS + " materials per request ("
          + rows.size() + " sent); send them in several requests");
    }
    List<MaterialRecord> accepted = new ArrayList<>();
    JsonArray rejected = new JsonArray();
    Map<String, Integer> firstIndex = new HashMap<>();
    for (Row row : rows) {
      JsonArray errors = row.shapeError() != null
          ? new JsonArray().add(new JsonObject().put("field", "(row)").put("message", row.shapeError()))
          : row.value() instanceof JsonObject ? SCHEMA.violations(row.value())
          : new JsonArray().add(new JsonObject().put("field", "(row)").put("message", "must be a JSON object"));
      String materialId = row.value() instanceof JsonObject o && o.getValue("material_id") instanceof String s ? s : null;
      if (errors.isEmpty() && firstIndex.containsKey(materialId)) {
        errors.add(new JsonObject().put("field", "material_id")
            .put("message", "appears more than once in this payload (first at index " + firstIndex.get(materialId) + ")"));
      }
      if (!errors.isEmpty()) {
        JsonObject refusal = new JsonObject().put("index", row.index());
        if (row.line() != null) {
          refusal.put("line", row.line());
        }
        rejected.add(refusal.put("material_id", materialId).put("errors", errors));
        continue;
      }
      firstIndex.put(materialId, row.index());
      accepted.add(MaterialRecord.from((JsonObject) row.value()));
    }
    return new Parsed(accepted, rejected, rows.size());
  }

  /** CSV cells are text: numbers and booleans are read as such when they can be; empty cells mean "not given". */
  private static JsonObject fromCsvRecord(CSVRecord record, List<String> header) {
    JsonObject json = new JsonObject();
    for (String column : header) {
      if (!record.isSet(column)) {
        continue;
      }
      String cell = record.get(column);
      if (cell == null || cell.isEmpty()) {
        continue;
      }
      json.put(column, switch (column) {
        case "standard_cost" -> number(cell);
        case "is_active" -> bool(cell);
        default -> cell;
      });
    }
    return json;
  }

  private static Object number(String cell) {
    try {
      return new java.math.BigDecimal(cell).doubleValue();
    } catch (NumberFormatException e) {
      return cell; // the schema names it
    }
  }

  private static Object bool(String cell) {
    return switch (cell.toLowerCase(Locale.ROOT)) {
      case "true", "yes", "y", "1" -> Boolean.TRUE;
      case "false", "no", "n", "0" -> Boolean.FALSE;
      default -> cell;
    };
  }
}
