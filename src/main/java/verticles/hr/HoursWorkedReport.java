package verticles.hr;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import mraos.config.MraosConfig;
import mraos.events.Addresses;
import mraos.http.Json;
import mraos.jobs.ScheduledJob;
import mraos.outbound.OutboundQueue;
import mraos.outbound.OutboundRequest;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Hours worked back to HR (spec §5.2.2, daily at 23:00): the completed shifts (clocked in and out) of the last
 * {@code hr.hours-report.look-back} days not yet reported, one {@code POST time-entries} per shift date with an entry
 * per employee ({@link TimeEntries}). The calls are queued for HR's outbound path (retries by error class, breaker,
 * audit, dead letters) in the same transaction that marks the shifts as reported, so each is reported once, whenever
 * HR takes it. A shift still open (no clock out yet) is reported by a later run.
 */
public final class HoursWorkedReport implements ScheduledJob {

  public static final String JOB = "hr-hours-report";
  public static final String INTEGRATION_TYPE = "hr_time_entries";

  static final String COMPLETED = """
      SELECT s.shift_record_id, s.employee_id, o.operator_id, s.shift_date, s.start_time, s.end_time, s.break_start,
             s.break_end, s.is_overtime, s.actual_clock_in, s.actual_clock_out
        FROM operator_shifts s JOIN operators o ON o.employee_id = s.employee_id
       WHERE s.shift_date BETWEEN $1 AND $2 AND s.actual_clock_in IS NOT NULL AND s.actual_clock_out IS NOT NULL
         AND s.time_entry_message_id IS NULL
       ORDER BY s.shift_date, s.employee_id, s.start_time
         FOR UPDATE OF s""";
  static final String OPEN = """
      SELECT count(*) AS open FROM operator_shifts
       WHERE shift_date BETWEEN $1 AND $2 AND actual_clock_in IS NOT NULL AND actual_clock_out IS NULL""";
  /** Read from the work-order area's record of who was put on which order (written when a supervisor starts one). */
  static final String ASSIGNED = """
      SELECT operator_id, work_order_id, assigned_at FROM work_order_assignments
       WHERE operator_id = ANY($1::text[]) AND assigned_at >= $2 AND assigned_at < $3
       ORDER BY assigned_at, work_order_id""";
  static final String REPORTED = "UPDATE operator_shifts SET time_entry_message_id = $1 WHERE shift_record_id = ANY($2::bigint[])";

  @Override
  public String name() {
    return JOB;
  }

  @Override
  public String integrationType() {
    return INTEGRATION_TYPE;
  }

  @Override
  public Future<JsonObject> run(Context context, Instant slot) {
    HrSettings settings = HrSettings.of(context.config());
    ZoneId zone = context.config().plantTimeZone();
    LocalDate reportDate = LocalDate.ofInstant(slot, zone);
    LocalDate from = reportDate.minusDays(settings.hoursLookBack().toDays());
    String correlationId = "hr-hours-report-" + slot.toEpochMilli();
    Instant now = context.clock().instant();
    return context.pool().withTransaction(tx -> tx.preparedQuery(COMPLETED).execute(Tuple.of(from, reportDate))
        .compose(rows -> {
          Map<LocalDate, List<TimeEntries.Attended>> byDate = new TreeMap<>();
          for (Row row : rows) {
            byDate.computeIfAbsent(row.getLocalDate("shift_date"), d -> new ArrayList<>()).add(attended(row));
          }
          JsonArray reports = new JsonArray();
          Future<Void> chain = Future.succeededFuture();
          for (Map.Entry<LocalDate, List<TimeEntries.Attended>> day : byDate.entrySet()) {
            chain = chain.compose(v -> report(tx, context, settings, day.getKey(), day.getValue(), correlationId, now)
                .map(reports::add).mapEmpty());
          }
          return chain.compose(v -> tx.preparedQuery(OPEN).execute(Tuple.of(from, reportDate)))
              .map(open -> new JsonObject().put("report_date", reportDate.toString()).put("from", from.toString())
                  .put("shifts_reported", rows.size()).put("reports", reports)
                  .put("open_shifts", open.iterator().next().getLong("open")));
        }))
        .onSuccess(summary -> {
          if (!summary.getJsonArray("reports").isEmpty()) {
            context.vertx().eventBus().publish(Addresses.outboundWakeUp(MraosConfig.HR), null);
          }
        });
  }

  /** One shift date's entries: their work orders read, the call queued, the shifts marked as carried by it. */
  private Future<JsonObject> report(SqlConnection tx, Context context, HrSettings settings, LocalDate date,
                                    List<TimeEntries.Attended> shifts, String correlationId, Instant now) {
    ZoneId zone = context.config().plantTimeZone();
    TimeEntries entries = new TimeEntries(date, zone, settings.overtimeIncrement());
    String[] operators = shifts.stream().map(TimeEntries.Attended::operatorId).distinct().toArray(String[]::new);
    return tx.preparedQuery(ASSIGNED).execute(Tuple.of(operators, SyncRuns.utc(entries.windowStart(shifts)),
            SyncRuns.utc(entries.windowEnd(shifts))))
        .compose(assigned -> {
          List<TimeEntries.Assignment> assignments = new ArrayList<>();
          assigned.forEach(row -> assignments.add(new TimeEntries.Assignment(row.getString("operator_id"),
              row.getString("work_order_id"), Json.instant(row.getOffsetDateTime("assigned_at")))));
          JsonObject payload = entries.payload(shifts, assignments);
          OutboundRequest call = OutboundRequest.post(now, MraosConfig.HR, INTEGRATION_TYPE, settings.timeEntriesPath(),
              payload, "hours-" + date, correlationId);
          Long[] ids = shifts.stream().map(TimeEntries.Attended::shiftRecordId).toArray(Long[]::new);
          return OutboundQueue.enqueue(tx, call, now)
              .compose(v -> tx.preparedQuery(REPORTED).execute(Tuple.of(call.messageId(), (Object) ids)))
              .map(v -> new JsonObject().put("date", date.toString()).put("message_id", call.messageId())
                  .put("time_entries", payload.getJsonArray("time_entries").size()));
        });
  }

  private static TimeEntries.Attended attended(Row row) {
    return new TimeEntries.Attended(row.getLong("shift_record_id"), row.getString("employee_id"), row.getString("operator_id"),
        new HoursWorked.Plan(row.getLocalDate("shift_date"), row.getLocalTime("start_time"), row.getLocalTime("end_time"),
            row.getLocalTime("break_start"), row.getLocalTime("break_end"), row.getBoolean("is_overtime")),
        Json.instant(row.getOffsetDateTime("actual_clock_in")), Json.instant(row.getOffsetDateTime("actual_clock_out")));
  }
}
