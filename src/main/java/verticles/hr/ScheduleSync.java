package verticles.hr;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import mraos.events.Outbox;
import mraos.jobs.ScheduledJob;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * The shift schedule sync (spec §5.2.1, daily at 05:00 before the first shift, and on demand): HR's shifts of the
 * slot's day (in the plant's time zone) into {@code operator_shifts}, in one transaction with its summary and its
 * {@code hr-updates} event. Shifts of employees MRAOS does not know are warnings in the summary; the rest lands.
 */
public final class ScheduleSync implements ScheduledJob {

  public static final String JOB = "hr-schedule-sync";
  public static final String INTEGRATION_TYPE = "hr_schedule_sync";

  @Override
  public String name() {
    return JOB;
  }

  @Override
  public Future<JsonObject> run(Context context, Instant slot) {
    HrSettings settings = HrSettings.of(context.config());
    Instant started = context.clock().instant();
    long startNanos = System.nanoTime();
    LocalDate date = LocalDate.ofInstant(slot, context.config().plantTimeZone());
    String correlationId = "hr-schedule-sync-" + slot.toEpochMilli();
    String path = settings.schedulesPath() + "?date=" + date + "&department="
        + URLEncoder.encode(settings.department(), StandardCharsets.UTF_8);
    return new HrPull(context.vertx(), context.config())
        .all(INTEGRATION_TYPE, path, "schedules", settings.pageSize(), correlationId)
        .compose(pulled -> {
          List<JsonObject> warnings = new ArrayList<>();
          List<Shift> shifts = new ArrayList<>();
          pulled.items().forEach(item -> {
            Shift shift = Shift.read(item, warnings);
            if (shift != null) {
              shifts.add(shift);
            }
          });
          Instant now = context.clock().instant();
          return context.pool().withTransaction(tx -> ShiftSchedule.apply(tx, shifts, warnings, now).compose(outcome -> {
            JsonObject summary = new JsonObject().put("date", date.toString()).put("received", pulled.items().size())
                .put("added", outcome.added()).put("updated", outcome.updated()).put("unchanged", outcome.unchanged())
                .put("skipped", pulled.items().size() - outcome.added() - outcome.updated() - outcome.unchanged())
                .put("warnings", new JsonArray(outcome.warnings())).put("pages", pulled.pages())
                .put("duration_ms", Duration.ofNanos(System.nanoTime() - startNanos).toMillis());
            return Outbox.appendAll(tx, List.of(HrEvents.event(settings.hrUpdatesTopic(), now, correlationId, null,
                    new JsonObject().put("event_type", "shift_schedule.synced").put("summary", summary))))
                .compose(v -> SyncRuns.succeeded(tx, SyncRuns.SCHEDULES, started, context.clock().instant(), summary))
                .map(summary);
          }));
        })
        .onSuccess(summary -> HrEvents.committed(context.vertx(), null))
        .recover(err -> SyncRuns.failed(context.pool(), SyncRuns.SCHEDULES, started, context.clock().instant(),
                String.valueOf(err.getMessage()))
            .transform(v -> Future.failedFuture(err)));
  }
}
