package verticles.erp;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import io.vertx.sqlclient.data.Numeric;
import mraos.config.ErpConfig;
import mraos.events.Addresses;
import mraos.http.Json;
import mraos.jobs.ScheduledJob;
import mraos.outbound.DeliveryEffect;
import mraos.outbound.OutboundMessage;
import mraos.outbound.OutboundQueue;
import mraos.outbound.OutboundRequest;
import mraos.workorders.Completion;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The hourly material consumption report to ERP (spec §3.2.2, "every hour at :05"): the consumption transactions of
 * the hours before the slot, aggregated by material and work order, sent to ERP through its outbound path (or written
 * as a file into the drop directory, the SFTP alternative), then marked synchronized. A transaction joins exactly one
 * batch, in the transaction that builds it, so it is never reported twice; a run after hours without one (the node was
 * down) reports everything not yet reported, once.
 */
public final class ConsumptionBatch implements ScheduledJob, DeliveryEffect {

  public static final String JOB = "erp-consumption-batch";
  public static final String INTEGRATION_TYPE = "erp_consumption_batch";

  static final String CLAIM = """
      UPDATE material_transactions SET erp_batch_id = $1
       WHERE erp_batch_id IS NULL AND transaction_type = 'consumption' AND occurred_at < $2
      RETURNING material_id, work_order_id, quantity, unit_of_measure, occurred_at""";
  /** A completed order's consumption, one transaction per material (reported with the next batch). */
  static final String CONSUMED = """
      INSERT INTO material_transactions (material_id, work_order_id, transaction_type, quantity, unit_of_measure, occurred_at)
      SELECT m, $1, 'consumption', q, u, $2 FROM unnest($3::text[], $4::numeric[], $5::text[]) AS t(m, q, u)""";
  static final String SYNCHRONIZED = """
      UPDATE material_transactions SET erp_synchronized_at = $2 WHERE erp_batch_id = $1 AND erp_synchronized_at IS NULL""";

  private static final DateTimeFormatter BATCH_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmm");

  @Override
  public String name() {
    return JOB;
  }

  @Override
  public String integrationType() {
    return INTEGRATION_TYPE;
  }

  /** Reports what happened before the hour the slot falls in (10:05 reports up to 10:00). */
  @Override
  public Future<JsonObject> run(Context context, Instant slot) {
    ZoneId zone = context.config().plantTimeZone();
    Instant cutoff = slot.atZone(zone).truncatedTo(ChronoUnit.HOURS).toInstant();
    Instant now = context.clock().instant();
    String batchId = "CB-" + BATCH_TIME.format(cutoff.atZone(zone)) + "-" + UUID.randomUUID().toString().substring(0, 8);
    ErpConfig erp = context.config().erp();
    return context.pool().withTransaction(tx -> tx.preparedQuery(CLAIM).execute(Tuple.of(batchId, utc(cutoff))).compose(rows -> {
      if (rows.size() == 0) {
        return Future.succeededFuture(new JsonObject().put("batch_id", (String) null).put("transactions", 0));
      }
      JsonObject batch = batch(batchId, rows, cutoff);
      JsonObject summary = new JsonObject().put("batch_id", batchId).put("transactions", rows.size())
          .put("lines", batch.getJsonArray("lines").size()).put("period_end", cutoff.toString());
      if (!erp.consumptionDropDir().isEmpty()) {
        return writeFile(context, erp, batchId, batch)
            .compose(file -> tx.preparedQuery(SYNCHRONIZED).execute(Tuple.of(batchId, utc(now)))
                .map(v -> summary.put("file", file)));
      }
      return OutboundQueue.enqueue(tx, OutboundRequest.post(now, ErpRoutes.SYSTEM, INTEGRATION_TYPE,
              erp.consumptionReportPath(), batch, batchId, batchId), now)
          .map(v -> summary.put("sent_to", "ERP"));
    })).onSuccess(summary -> context.vertx().eventBus().publish(Addresses.outboundWakeUp(ErpRoutes.SYSTEM), null));
  }

  /** Keeps what a completed work order consumed, in the completing transaction, for the next batch to report. */
  static Future<Void> record(SqlClient tx, Completion completion) {
    List<Completion.MaterialConsumed> consumed = completion.materials();
    if (consumed.isEmpty()) {
      return Future.succeededFuture();
    }
    return tx.preparedQuery(CONSUMED).execute(Tuple.of(completion.workOrder().workOrderId(),
            utc(completion.workOrder().execution().actualEndTime()))
        .addArrayOfString(consumed.stream().map(Completion.MaterialConsumed::materialId).toArray(String[]::new))
        .addValue(consumed.stream().map(m -> Numeric.create(m.quantity())).toArray(Numeric[]::new))
        .addArrayOfString(consumed.stream().map(Completion.MaterialConsumed::unitOfMeasure).toArray(String[]::new)))
        .mapEmpty();
  }

  /** ERP has the batch: its transactions are synchronized. */
  @Override
  public Future<Void> delivered(SqlConnection tx, OutboundMessage message, Object response, Instant at) {
    return tx.preparedQuery(SYNCHRONIZED).execute(Tuple.of(message.referenceId(), utc(at))).mapEmpty();
  }

  static JsonObject batch(String batchId, Iterable<Row> rows, Instant cutoff) {
    Map<String, BigDecimal> totals = new LinkedHashMap<>();
    Map<String, String[]> keys = new LinkedHashMap<>();
    Instant first = cutoff;
    for (Row row : rows) {
      String key = row.getString("material_id") + "|" + row.getString("work_order_id");
      totals.merge(key, row.getBigDecimal("quantity"), BigDecimal::add);
      keys.putIfAbsent(key, new String[] {row.getString("material_id"), row.getString("work_order_id"),
          row.getString("unit_of_measure")});
      Instant at = row.getOffsetDateTime("occurred_at").toInstant();
      first = at.isBefore(first) ? at : first;
    }
    JsonArray lines = new JsonArray();
    totals.forEach((key, quantity) -> lines.add(new JsonObject()
        .put("material_id", keys.get(key)[0])
        .put("work_order_id", keys.get(key)[1])
        .put("quantity_consumed", Json.number(quantity))
        .put("unit_of_measure", keys.get(key)[2])));
    return new JsonObject()
        .put("batch_id", batchId)
        .put("period_start", first.toString())
        .put("period_end", cutoff.toString())
        .put("lines", lines);
  }

  /** Written under a temporary name and then renamed, so whoever collects the drop never sees half a file. */
  private static Future<String> writeFile(Context context, ErpConfig erp, String batchId, JsonObject batch) {
    Path dir = Path.of(erp.consumptionDropDir());
    String name = "consumption-" + batchId + "." + erp.consumptionFileFormat();
    String target = dir.resolve(name).toString();
    String temporary = dir.resolve("." + name + ".tmp").toString();
    Buffer content = erp.consumptionFileFormat().equals("csv") ? Buffer.buffer(csv(batch)) : batch.toBuffer();
    return context.vertx().fileSystem().mkdirs(dir.toString())
        .compose(v -> context.vertx().fileSystem().writeFile(temporary, content))
        .compose(v -> context.vertx().fileSystem().move(temporary, target))
        .map(v -> target);
  }

  static String csv(JsonObject batch) {
    StringWriter out = new StringWriter();
    try (CSVPrinter printer = new CSVPrinter(out, CSVFormat.DEFAULT.builder().setHeader("batch_id", "period_start", "period_end",
        "material_id", "work_order_id", "quantity_consumed", "unit_of_measure").get())) {
      for (Object l : batch.getJsonArray("lines")) {
        JsonObject line = (JsonObject) l;
        printer.printRecord(batch.getString("batch_id"), batch.getString("period_start"), batch.getString("period_end"),
            line.getString("material_id"), line.getString("work_order_id"), line.getValue("quantity_consumed"),
            line.getString("unit_of_measure"));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private static OffsetDateTime utc(Instant instant) {
    return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }
}
