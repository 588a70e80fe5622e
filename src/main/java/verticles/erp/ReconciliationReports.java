package verticles.erp;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import mraos.http.Json;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

/**
 * The reconciliation reports (spec §3.4) as kept ({@code reconciliation_reports}) and served: the figures, every
 * discrepancy with what was done about it, and the text the spec shows for the operations manager.
 */
final class ReconciliationReports {

  static final String INSERT = """
      INSERT INTO reconciliation_reports (report_date, generated_at, window_start, window_end, erp_work_orders,
          mraos_work_orders, discrepancies, report_text)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING report_id""";
  static final String LATEST = """
      SELECT report_id, report_date, generated_at, window_start, window_end, erp_work_orders, mraos_work_orders,
             discrepancies, report_text
        FROM reconciliation_reports ORDER BY generated_at DESC, report_id DESC LIMIT 1""";

  private ReconciliationReports() {
  }

  /** Keeps a report; its id. */
  static Future<Long> store(SqlClient db, LocalDate date, Instant generatedAt, Instant windowStart, Instant windowEnd,
                            int erpCount, int mraosCount, List<JsonObject> discrepancies) {
    JsonArray list = new JsonArray();
    discrepancies.forEach(list::add);
    return db.preparedQuery(INSERT).execute(Tuple.from(new Object[] {date, utc(generatedAt), utc(windowStart),
            utc(windowEnd), erpCount, mraosCount, list, text(date, erpCount, mraosCount, discrepancies)}))
        .map(rows -> rows.iterator().next().getLong("report_id"));
  }

  /** The latest report as the API answers it, or null when no reconciliation has run yet. */
  static Future<JsonObject> latest(SqlClient db) {
    return db.query(LATEST).execute().map(rows -> {
      if (rows.size() == 0) {
        return null;
      }
      Row row = rows.iterator().next();
      return new JsonObject()
          .put("report_id", row.getLong("report_id"))
          .put("report_date", row.getLocalDate("report_date").toString())
          .put("generated_at", Json.time(Json.instant(row.getOffsetDateTime("generated_at"))))
          .put("window_start", Json.time(Json.instant(row.getOffsetDateTime("window_start"))))
          .put("window_end", Json.time(Json.instant(row.getOffsetDateTime("window_end"))))
          .put("total_work_orders_in_erp", row.getInteger("erp_work_orders"))
          .put("total_work_orders_in_mraos", row.getInteger("mraos_work_orders"))
          .put("discrepancies", row.getValue("discrepancies"))
          .put("text", row.getString("report_text"));
    });
  }

  /** The report as the spec shows it (§3.4), for the operations manager. */
  static String text(LocalDate date, int erpCount, int mraosCount, List<JsonObject> discrepancies) {
    StringBuilder out = new StringBuilder()
        .append("Date: ").append(date).append('\n')
        .append("Total Work Orders in ERP: ").append(erpCount).append('\n')
        .append("Total Work Orders in MRAOS: ").append(mraosCount).append("\n\n")
        .append("Discrepancies Found: ").append(discrepancies.size()).append('\n');
    int n = 1;
    for (JsonObject d : discrepancies) {
      out.append('\n').append(n++).append(". Work Order ").append(d.getString("erp_work_order_id")).append('\n');
      for (Object x : d.getJsonArray("differences")) {
        JsonObject diff = (JsonObject) x;
        out.append("   - ").append(diff.getString("label")).append(" in ERP: ").append(diff.getValue("erp")).append('\n')
            .append("   - ").append(diff.getString("label")).append(" in MRAOS: ").append(diff.getValue("mraos")).append('\n');
      }
      out.append("   - Action: ").append(d.getString("action")).append('\n');
    }
    return out.toString();
  }

  private static OffsetDateTime utc(Instant instant) {
    return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }
}
