package verticles.lines;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import io.vertx.sqlclient.data.Numeric;
import mraos.events.Envelope;
import mraos.events.Outbox;
import mraos.failures.IntegrationFailure;
import mraos.failures.IntegrationFailures;
import mraos.http.Json;
import verticles.lines.MesMessage.Count;
import verticles.lines.MesMessage.Downtime;
import verticles.lines.MesMessage.Inspection;
import verticles.lines.MesMessage.MachineStatus;
import verticles.lines.MesMessage.Refused;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Applies one batch of a line's MES messages in the caller's transaction, in their order: counts (a redelivered count
 * is logged once and counted once), inspections, downtime and machine status (history, alerts), dead letters for what
 * cannot be applied, and the events for Kafka (outbox). Round trips per batch: one per kind of message present, one for
 * the events, and one to look up work orders the line has not met before.
 */
final class LineBatch {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LineBatch.class);

  static final String KNOWN_ORDERS = "SELECT work_order_id FROM work_orders WHERE work_order_id = ANY($1)";

  static final String EVENTS = """
      INSERT INTO outbox_events (topic, message_key, envelope)
      SELECT topic, message_key, envelope::jsonb
        FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS e(topic, message_key, envelope, n)
       ORDER BY n""";

  /** Work orders a line remembers as known before it starts over. */
  static final int KNOWN_ORDERS_KEPT = 100_000;

  static final String COUNTS = """
      WITH input AS (
        SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::int[], $6::text[], $7::numeric[], $8::timestamptz[],
            $9::text[])
          AS t(dedup_key, work_order_id, machine_id, units, cumulative, quality_status, cycle_time, produced_at, line_id)
      ), logged AS (
        INSERT INTO production_logs (dedup_key, work_order_id, machine_id, line_id, units_produced, cumulative_units,
            quality_status, cycle_time_seconds, produced_at, recorded_at)
        SELECT dedup_key, work_order_id, machine_id, line_id, units, cumulative, quality_status, cycle_time, produced_at, $10
          FROM input
        ON CONFLICT (dedup_key) DO NOTHING
        RETURNING work_order_id, machine_id, line_id, units_produced, produced_at
      ), totals AS (
        SELECT work_order_id, sum(units_produced) AS units, min(produced_at) AS first_at, max(machine_id) AS machine_id,
               max(line_id) AS line_id
          FROM logged GROUP BY work_order_id
      )
      UPDATE work_orders w
         SET quantity_produced = w.quantity_produced + totals.units,
             status = CASE WHEN w.status IN ('received', 'scheduled') THEN 'in_progress' ELSE w.status END,
             actual_start_time = COALESCE(w.actual_start_time, totals.first_at),
             machine_id = COALESCE(w.machine_id, totals.machine_id),
             line_id = COALESCE(w.line_id, totals.line_id),
             updated_at = $10
        FROM totals WHERE w.work_order_id = totals.work_order_id
      RETURNING w.work_order_id, w.erp_work_order_id, w.quantity_produced, w.quantity_ordered, w.progress_percentage, w.status,
                totals.line_id AS reporting_line""";

  /** As {@link mraos.http.Json#number}: a whole number as a JSON integer, anything else as a double. */
  private static String jsonNumber(String column) {
    return "CASE WHEN " + column + " = trunc(" + column + ") THEN to_jsonb(trunc(" + column + ")::bigint) ELSE to_jsonb(" + column
        + "::float8) END";
  }

  /**
   * Batches of counts only, for work orders their lines know: {@link #COUNTS} and the orders' progress events (the
   * envelope {@link Envelope#wrap} makes, around the payload {@link #counts} makes) in one statement, so in one round
   * trip and one implicit transaction. One line's batch, or several lines' together ({@link CountsWriter}): each count
   * row carries its line ($9), each order its own figures. $11 topic, $12 envelope timestamp; per work order $13 its id,
   * $14 a message id, $15 whether its progress interval has passed and $16 the status of its last event (see
   * {@link ProgressThrottle#atOnce}: the same rule); $17/$18/$19 other orders whose held progress event is now due,
   * their message ids and lines. Returns the updated orders with {@code published} (whether their event was written)
   * and {@code reporting_line} (the line whose counts moved them).
   */
  static final String COUNTS_WITH_EVENTS = COUNTS.replace(")\nUPDATE work_orders w", "), updated AS (\nUPDATE work_orders w")
      .replace("totals.line_id AS reporting_line", "totals.line_id AS reporting_line)")
      + """
      , chosen AS (
        SELECT u.*, ids.message_id,
               (ids.due OR u.status IS DISTINCT FROM ids.last_status OR u.quantity_produced >= u.quantity_ordered) AS published
          FROM updated u JOIN unnest($13::text[], $14::text[], $15::bool[], $16::text[]) AS ids(work_order_id, message_id, due, last_status)
            ON ids.work_order_id = u.work_order_id
      ), events AS (
        INSERT INTO outbox_events (topic, message_key, envelope)
        SELECT $11, u.work_order_id, %s
          FROM chosen u WHERE u.published
         ORDER BY u.work_order_id
      ), carried AS (
        INSERT INTO outbox_events (topic, message_key, envelope)
        SELECT $11, u.work_order_id, %s
          FROM unnest($17::text[], $18::text[], $19::text[]) WITH ORDINALITY AS ids(work_order_id, message_id, line_id, n)
          JOIN work_orders u ON u.work_order_id = ids.work_order_id
         ORDER BY ids.n
      )
      SELECT * FROM chosen""".formatted(progressEnvelope("u", "u.message_id", "$12", "u.reporting_line"),
      progressEnvelope("u", "ids.message_id", "$12", "ids.line_id"));

  /**
   * Held progress events now due ({@link ProgressThrottle}), with the orders' figures as they are: $1 topic, $2
   * envelope timestamp, $3 line, $4/$5 work order ids and message ids.
   */
  static final String HELD_PROGRESS = """
      INSERT INTO outbox_events (topic, message_key, envelope)
      SELECT $1, u.work_order_id, %s
        FROM unnest($4::text[], $5::text[]) WITH ORDINALITY AS ids(work_order_id, message_id, n)
        JOIN work_orders u ON u.work_order_id = ids.work_order_id
       ORDER BY ids.n""".formatted(progressEnvelope("u", "ids.message_id", "$2", "$3"));

  /**
   * The envelope {@link Envelope#wrap} makes around a progress payload as {@link #progress} makes it, in SQL, from a
   * work order row {@code u} (work_order_id, erp_work_order_id, the quantities, progress_percentage, status).
   */
  private static String progressEnvelope(String u, String messageId, String timestamp, String line) {
    return """
        jsonb_build_object('version', '%s', 'message_id', %s, 'timestamp', %s::text,
            'source_system', '%s', 'destination_system', '%s', 'correlation_id', NULL,
            'payload', jsonb_build_object('event_type', 'work_order.progress', 'work_order', jsonb_build_object(
                'mraos_work_order_id', %s.work_order_id, 'erp_work_order_id', %s.erp_work_order_id,
                'quantity_produced', %s, 'quantity_ordered', %s, 'progress_percentage', %s,
                'status', %s.status, 'line_id', %s::text)))""".formatted(Envelope.VERSION, messageId, timestamp,
        Envelope.SOURCE_SYSTEM, Envelope.PLANT_SUBSCRIBERS, u, u, jsonNumber(u + ".quantity_produced"),
        jsonNumber(u + ".quantity_ordered"), jsonNumber(u + ".progress_percentage"), u, line);
  }

  static {
    if (!COUNTS_WITH_EVENTS.contains("), updated AS (\nUPDATE work_orders w") || !COUNTS_WITH_EVENTS.contains("reporting_line), chosen AS (")) {
      throw new IllegalStateException("COUNTS_WITH_EVENTS no longer matches COUNTS");
    }
  }

  static final String INSPECTIONS = """
      INSERT INTO quality_inspections (inspection_id, work_order_id, machine_id, inspection_type, result, defect_detected,
          defect_type, inspector, inspected_at, recorded_at)
      SELECT * , $10::timestamptz FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bool[],
          $7::text[], $8::text[], $9::timestamptz[])
      ON CONFLICT (inspection_id) DO NOTHING
      RETURNING inspection_id""";

  static final String QUALITY = """
      UPDATE work_orders w
         SET inspections_passed = w.inspections_passed + t.passed, inspections_failed = w.inspections_failed + t.failed,
             defect_count = w.defect_count + t.failed, updated_at = $4
        FROM unnest($1::text[], $2::int[], $3::int[]) AS t(work_order_id, passed, failed)
       WHERE w.work_order_id = t.work_order_id""";

  static final String HISTORY = """
      INSERT INTO machine_status_history (machine_id, status, previous_status, utilization_percentage, work_order_id,
          reason_code, reason_description, severity, estimated_repair_minutes, source, source_timestamp, recorded_at, dedup_key)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
      ON CONFLICT (dedup_key) DO NOTHING RETURNING dedup_key""";

  static final String MACHINE = """
      UPDATE machines SET current_status = $2::varchar,
             utilization_percentage = COALESCE($3, utilization_percentage),
             overall_equipment_effectiveness = COALESCE($4, overall_equipment_effectiveness),
             current_work_order_id = COALESCE($5, current_work_order_id),
             units_produced_this_cycle = COALESCE($6, units_produced_this_cycle),
             cycle_time_seconds = COALESCE($7, cycle_time_seconds),
             downtime_seconds = COALESCE($8, downtime_seconds),
             status_changed_at = CASE WHEN current_status <> $2::varchar THEN $9 ELSE status_changed_at END,
             last_update_at = $9, updated_at = $10
       WHERE machine_id = $1""";

  static final String ALERT = """
      INSERT INTO alerts (created_at, severity, alert_type, line_id, machine_id, work_order_id, message, details)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING alert_id""";

  /** What the batch changed, for the live feed, the line's memory and the completion workflow. */
  record Outcome(Map<String, String> machineStatuses, Map<String, Instant> statusTimes, List<JsonObject> live,
                 Set<String> completionsDue, int applied, int refused, List<Progress> progress) {
  }

  /** A work order a batch's counts moved: its status, and whether its progress event was written (or is held). */
  record Progress(String workOrderId, String status, boolean published) {
  }

  /**
   * What the batch needs to know about where it runs.
   *
   * @param statusTimes per machine, the time (the MES's) of the status the line holds: a status snapshot older than that
   *                    is stale (it arrived late, e.g. OPC UA's batch behind a newer MQTT downtime event) and not applied.
   * @param throttle    which progress events are due ({@link ProgressThrottle}; read only here, the line updates it
   *                    after the commit), as of {@code nanos} (System.nanoTime at the batch's start)
   * @param carried     held progress events now due, for orders not in the batch: written with it, with the orders'
   *                    figures as they are
   */
  record Context(String lineId, Instant now, String workOrdersTopic, String resourceStatusTopic, IntegrationFailures failures,
                 Map<String, Instant> statusTimes, ProgressThrottle throttle, long nanos, List<ProgressThrottle.Held> carried) {
    Context(String lineId, Instant now, String workOrdersTopic, String resourceStatusTopic, IntegrationFailures failures) {
      this(lineId, now, workOrdersTopic, resourceStatusTopic, failures, Map.of(), ProgressThrottle.EVERY_BATCH, 0, List.of());
    }
  }

  private final Context context;
  private final Map<String, String> statuses;
  private final Map<String, Instant> statusTimes;
  private final List<JsonObject> live = new ArrayList<>();
  private final List<Tuple> events = new ArrayList<>();
  private final Set<String> completionsDue = new LinkedHashSet<>();
  private final List<Progress> progress = new ArrayList<>();
  private int refused;

  private LineBatch(Context context, Map<String, String> statusesBefore) {
    this.context = context;
    this.statuses = new HashMap<>(statusesBefore);
    this.statusTimes = new HashMap<>(context.statusTimes());
  }

  private Outcome outcome(int applied) {
    return new Outcome(statuses, statusTimes, live, completionsDue, applied, refused, progress);
  }

  static Future<Outcome> apply(SqlConnection tx, Context context, List<MesMessage> messages, Map<String, String> statusesBefore) {
    return apply(tx, context, messages, statusesBefore, new HashSet<>());
  }

  /**
   * @param knownOrders work orders already found in MRAOS (they are never deleted): only the others are looked up, and
   *                    those found are added. Touched on the caller's context only.
   */
  static Future<Outcome> apply(SqlConnection tx, Context context, List<MesMessage> messages, Map<String, String> statusesBefore,
                               Set<String> knownOrders) {
    LineBatch batch = new LineBatch(context, statusesBefore);
    return batch.run(tx, messages, knownOrders);
  }

  private Future<Outcome> run(SqlConnection tx, List<MesMessage> messages, Set<String> knownOrders) {
    Set<String> unknown = new HashSet<>();
    for (MesMessage m : messages) {
      if (m instanceof Count c && !knownOrders.contains(c.workOrderId())) {
        unknown.add(c.workOrderId());
      } else if (m instanceof Inspection i && i.workOrderId() != null && !knownOrders.contains(i.workOrderId())) {
        unknown.add(i.workOrderId());
      }
    }
    Future<Set<String>> known = unknown.isEmpty() ? Future.succeededFuture(knownOrders)
        : tx.preparedQuery(KNOWN_ORDERS).execute(Tuple.of(unknown.toArray(String[]::new))).map(rows -> {
          if (knownOrders.size() > KNOWN_ORDERS_KEPT) {
            knownOrders.clear();
          }
          rows.forEach(r -> knownOrders.add(r.getString("work_order_id")));
          return knownOrders;
        });
    return known.compose(orders -> {
      List<MesMessage> checked = new ArrayList<>(messages.size());
      for (MesMessage m : messages) {
        checked.add(withKnownOrder(m, orders));
      }
      return heldProgress(tx)
          .compose(v -> counts(tx, checked))
          .compose(v -> inspections(tx, checked))
          .compose(v -> machines(tx, checked))
          .compose(v -> deadLetters(tx, checked))
          .compose(v -> appendEvents(tx))
          .map(v -> outcome(messages.size() - refused));
    });
  }

  /** A count or inspection for a work order MRAOS does not hold cannot be applied. */
  private static MesMessage withKnownOrder(MesMessage m, Set<String> orders) {
    if (m instanceof Count c && !orders.contains(c.workOrderId())) {
      return new Refused(c.machineId(), c.timestamp(), MesMessage.COUNT, "Work order " + c.workOrderId() + " is not known to MRAOS",
          new JsonObject().put("message", countJson(c)));
    }
    if (m instanceof Inspection i && i.workOrderId() != null && !orders.contains(i.workOrderId())) {
      return new Refused(i.machineId(), i.timestamp(), MesMessage.INSPECTION, "Work order " + i.workOrderId()
          + " is not known to MRAOS", new JsonObject().put("message", new JsonObject().put("inspection_id", i.inspectionId())
          .put("machine_id", i.machineId()).put("work_order_id", i.workOrderId())));
    }
    return m;
  }

  private Future<Void> counts(SqlConnection tx, List<MesMessage> messages) {
    Tuple params = countParams(messages);
    if (params == null) {
      return Future.succeededFuture();
    }
    return tx.preparedQuery(COUNTS).execute(params).map(rows -> {
      progress(rows, null);
      return null;
    });
  }

  /**
   * Whether a batch can go the one-statement way ({@link #applyCounts}): counts only, every work order known to the
   * line.
   */
  static boolean countsOnly(List<MesMessage> messages, Set<String> knownOrders) {
    for (MesMessage m : messages) {
      if (!(m instanceof Count c) || !knownOrders.contains(c.workOrderId())) {
        return false;
      }
    }
    return !messages.isEmpty();
  }

  /**
   * A batch that {@link #countsOnly} allows, in one statement on {@code client} (a pool: its own implicit transaction;
   * or a connection in a transaction). Same effect as {@link #apply}: logs, quantities, progress events in the outbox.
   */
  static Future<Outcome> applyCounts(SqlClient client, Context context, List<MesMessage> messages, Map<String, String> statuses) {
    Counts counts = counts(context, messages, statuses);
    return client.preparedQuery(COUNTS_WITH_EVENTS).execute(Counts.params(List.of(counts))).map(counts::outcome);
  }

  /** A batch that {@link #countsOnly} allows, as the parameters of {@link #COUNTS_WITH_EVENTS} ({@link Counts}). */
  static Counts counts(Context context, List<MesMessage> messages, Map<String, String> statuses) {
    LineBatch batch = new LineBatch(context, statuses);
    Set<String> orders = new LinkedHashSet<>();
    for (MesMessage m : messages) {
      orders.add(((Count) m).workOrderId());
    }
    String[] ids = orders.toArray(String[]::new);
    String[] messageIds = new String[ids.length];
    Boolean[] due = new Boolean[ids.length];
    String[] lastStatus = new String[ids.length];
    for (int i = 0; i < ids.length; i++) {
      messageIds[i] = Envelope.messageId(context.now());
      due[i] = context.throttle().due(ids[i], context.nanos());
      lastStatus[i] = context.throttle().lastStatus(ids[i]);
    }
    String[] carriedLines = new String[context.carried().size()];
    Arrays.fill(carriedLines, context.lineId());
    return new Counts(batch, messages.size(), batch.countRows(messages), ids, messageIds, due, lastStatus, batch.carriedIds(),
        batch.carriedMessageIds(), carriedLines);
  }

  /**
   * One line's batch of counts as the parameters of {@link #COUNTS_WITH_EVENTS}: alone, or with other lines' batches in
   * one statement ({@link CountsWriter}: their arrays one after the other). The orders it moves and the held events it
   * carries are its {@link #workOrders}; {@link #outcome} reads its part of the statement's rows.
   */
  static final class Counts {
    private final LineBatch batch;
    private final int messages;
    private final CountRows rows;
    private final String[] ids;
    private final String[] messageIds;
    private final Boolean[] due;
    private final String[] lastStatus;
    private final String[] carriedIds;
    private final String[] carriedMessageIds;
    private final String[] carriedLines;

    private Counts(LineBatch batch, int messages, CountRows rows, String[] ids, String[] messageIds, Boolean[] due,
                   String[] lastStatus, String[] carriedIds, String[] carriedMessageIds, String[] carriedLines) {
      this.batch = batch;
      this.messages = messages;
      this.rows = rows;
      this.ids = ids;
      this.messageIds = messageIds;
      this.due = due;
      this.lastStatus = lastStatus;
      this.carriedIds = carriedIds;
      this.carriedMessageIds = carriedMessageIds;
      this.carriedLines = carriedLines;
    }

    String lineId() {
      return batch.context.lineId();
    }

    /** Count rows in it. */
    int size() {
      return rows.size();
    }

    /** The work orders it moves or whose held progress event it writes. */
    Set<String> workOrders() {
      Set<String> all = new HashSet<>(Arrays.asList(ids));
      all.addAll(Arrays.asList(carriedIds));
      return all;
    }

    /** What it did, from the statement's rows for its line. */
    Outcome outcome(Iterable<Row> statementRows) {
      batch.progress(statementRows, "published");
      return batch.outcome(messages);
    }

    /**
     * The parameters of {@link #COUNTS_WITH_EVENTS} for these batches (of different lines, with no work order in
     * common) in one statement: the time (recorded_at, the envelopes' timestamp) is the latest of theirs.
     */
    static Tuple params(List<Counts> all) {
      Counts latest = all.get(0);
      for (Counts c : all) {
        if (c.batch.context.now().isAfter(latest.batch.context.now())) {
          latest = c;
        }
      }
      Context context = latest.batch.context;
      CountRows rows = all.size() == 1 ? all.get(0).rows : new CountRows(
          concat(all, c -> c.rows.keys(), String[]::new), concat(all, c -> c.rows.orders(), String[]::new),
          concat(all, c -> c.rows.machines(), String[]::new), concat(all, c -> c.rows.units(), Integer[]::new),
          concat(all, c -> c.rows.cumulative(), Integer[]::new), concat(all, c -> c.rows.quality(), String[]::new),
          concat(all, c -> c.rows.cycle(), Numeric[]::new), concat(all, c -> c.rows.producedAt(), OffsetDateTime[]::new),
          concat(all, c -> c.rows.lines(), String[]::new));
      return rows.params(Tuple.tuple()).addOffsetDateTime(utc(context.now()))
          .addString(context.workOrdersTopic()).addString(context.now().toString())
          .addArrayOfString(concat(all, c -> c.ids, String[]::new))
          .addArrayOfString(concat(all, c -> c.messageIds, String[]::new))
          .addArrayOfBoolean(concat(all, c -> c.due, Boolean[]::new))
          .addArrayOfString(concat(all, c -> c.lastStatus, String[]::new))
          .addArrayOfString(concat(all, c -> c.carriedIds, String[]::new))
          .addArrayOfString(concat(all, c -> c.carriedMessageIds, String[]::new))
          .addArrayOfString(concat(all, c -> c.carriedLines, String[]::new));
    }

    private static <T> T[] concat(List<Counts> all, java.util.function.Function<Counts, T[]> column,
                                  java.util.function.IntFunction<T[]> array) {
      if (all.size() == 1) {
        return column.apply(all.get(0));
      }
      int n = 0;
      for (Counts c : all) {
        n += column.apply(c).length;
      }
      T[] joined = array.apply(n);
      int at = 0;
      for (Counts c : all) {
        T[] part = column.apply(c);
        System.arraycopy(part, 0, joined, at, part.length);
        at += part.length;
      }
      return joined;
    }
  }

  private String[] carriedIds() {
    return context.carried().stream().map(ProgressThrottle.Held::workOrderId).toArray(String[]::new);
  }

  private String[] carriedMessageIds() {
    return context.carried().stream().map(h -> Envelope.messageId(context.now())).toArray(String[]::new);
  }

  /** The held progress events now due, for other orders than the batch's, before anything else the batch writes. */
  private Future<Void> heldProgress(SqlConnection tx) {
    if (context.carried().isEmpty()) {
      return Future.succeededFuture();
    }
    return tx.preparedQuery(HELD_PROGRESS).execute(Tuple.of(context.workOrdersTopic(), context.now().toString(), context.lineId(),
        carriedIds(), carriedMessageIds())).mapEmpty();
  }

  /** The counts' parameters for {@link #COUNTS} ($1..$10), or null if the batch has none. */
  private Tuple countParams(List<MesMessage> messages) {
    CountRows rows = countRows(messages);
    return rows == null ? null : rows.params(Tuple.tuple()).addOffsetDateTime(utc(context.now()));
  }

  /** A batch's counts as columns ($1..$9 of {@link #COUNTS}), a redelivery within the batch once; null if none. */
  private CountRows countRows(List<MesMessage> messages) {
    // one pass: each key computed once, the same message delivered twice in the batch written once
    Map<String, Count> unique = new LinkedHashMap<>();
    for (MesMessage m : messages) {
      if (m instanceof Count c) {
        unique.putIfAbsent(c.dedupKey(), c);
      }
    }
    int n = unique.size();
    if (n == 0) {
      return null;
    }
    String[] keys = new String[n];
    String[] orders = new String[n];
    String[] machines = new String[n];
    Integer[] units = new Integer[n];
    Integer[] cumulative = new Integer[n];
    String[] quality = new String[n];
    Numeric[] cycle = new Numeric[n];
    OffsetDateTime[] producedAt = new OffsetDateTime[n];
    String[] lines = new String[n];
    Arrays.fill(lines, context.lineId());
    int i = 0;
    for (Map.Entry<String, Count> e : unique.entrySet()) {
      Count c = e.getValue();
      keys[i] = e.getKey();
      orders[i] = c.workOrderId();
      machines[i] = c.machineId();
      units[i] = c.unitsProduced();
      cumulative[i] = c.cumulativeUnits();
      quality[i] = c.qualityStatus();
      cycle[i] = Numeric.create(c.cycleTimeSeconds());
      producedAt[i] = utc(c.timestamp());
      i++;
    }
    return new CountRows(keys, orders, machines, units, cumulative, quality, cycle, producedAt, lines);
  }

  /** Count rows as the columns of {@link #COUNTS}'s input ($1..$9). */
  record CountRows(String[] keys, String[] orders, String[] machines, Integer[] units, Integer[] cumulative, String[] quality,
                   Numeric[] cycle, OffsetDateTime[] producedAt, String[] lines) {

    int size() {
      return keys.length;
    }

    Tuple params(Tuple tuple) {
      return tuple.addArrayOfString(keys).addArrayOfString(orders).addArrayOfString(machines).addArrayOfInteger(units)
          .addArrayOfInteger(cumulative).addArrayOfString(quality).addValue(cycle).addArrayOfOffsetDateTime(producedAt)
          .addArrayOfString(lines);
    }
  }

  /**
   * The work orders a batch's counts moved: live progress, completions due, and their events: written here if due
   * ({@link ProgressThrottle}), unless the statement wrote them already and says so in {@code publishedColumn}.
   */
  private void progress(Iterable<Row> rows, String publishedColumn) {
      for (Row row : rows) {
        BigDecimal produced = row.getBigDecimal("quantity_produced");
        BigDecimal ordered = row.getBigDecimal("quantity_ordered");
        String status = row.getString("status");
        JsonObject figures = new JsonObject()
            .put("mraos_work_order_id", row.getString("work_order_id"))
            .put("erp_work_order_id", row.getString("erp_work_order_id"))
            .put("quantity_produced", Json.number(produced))
            .put("quantity_ordered", Json.number(ordered))
            .put("progress_percentage", Json.number(row.getBigDecimal("progress_percentage")))
            .put("status", status)
            .put("line_id", context.lineId());
        live.add(live("work_order_progress", figures));
        String id = row.getString("work_order_id");
        boolean published;
        if (publishedColumn != null) {
          published = row.getBoolean(publishedColumn);
        } else {
          published = context.throttle().due(id, context.nanos())
              || ProgressThrottle.atOnce(status, context.throttle().lastStatus(id), produced, ordered);
          if (published) {
            events.add(event(context.workOrdersTopic(), id, "work_order.progress", "work_order", figures));
          }
        }
        progress.add(new Progress(id, status, published));
        if (produced.compareTo(ordered) >= 0 && !status.equals("completed") && !status.equals("cancelled")) {
          completionsDue.add(row.getString("work_order_id"));
        }
      }
  }

  private Future<Void> inspections(SqlConnection tx, List<MesMessage> messages) {
    Map<String, Inspection> unique = new LinkedHashMap<>();
    messages.stream().filter(Inspection.class::isInstance).map(Inspection.class::cast).forEach(i -> unique.putIfAbsent(i.inspectionId(), i));
    if (unique.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Inspection> all = new ArrayList<>(unique.values());
    Tuple params = Tuple.tuple()
        .addArrayOfString(all.stream().map(Inspection::inspectionId).toArray(String[]::new))
        .addArrayOfString(all.stream().map(Inspection::workOrderId).toArray(String[]::new))
        .addArrayOfString(all.stream().map(Inspection::machineId).toArray(String[]::new))
        .addArrayOfString(all.stream().map(Inspection::inspectionType).toArray(String[]::new))
        .addArrayOfString(all.stream().map(Inspection::result).toArray(String[]::new))
        .addArrayOfBoolean(all.stream().map(Inspection::defectDetected).toArray(Boolean[]::new))
        .addArrayOfString(all.stream().map(Inspection::defectType).toArray(String[]::new))
        .addArrayOfString(all.stream().map(Inspection::inspector).toArray(String[]::new))
        .addArrayOfOffsetDateTime(all.stream().map(i -> utc(i.timestamp())).toArray(OffsetDateTime[]::new))
        .addOffsetDateTime(utc(context.now()));
    return tx.preparedQuery(INSPECTIONS).execute(params).compose(rows -> {
      Set<String> fresh = new HashSet<>();
      rows.forEach(r -> fresh.add(r.getString("inspection_id")));
      Map<String, int[]> perOrder = new LinkedHashMap<>();
      List<Tuple> alerts = new ArrayList<>();
      for (Inspection i : all) {
        if (!fresh.contains(i.inspectionId())) {
          continue; // delivered before: already counted and alerted
        }
        JsonObject data = new JsonObject().put("inspection_id", i.inspectionId()).put("machine_id", i.machineId())
            .put("work_order_id", i.workOrderId()).put("result", i.result()).put("defect_detected", i.defectDetected())
            .put("defect_type", i.defectType()).put("inspected_at", i.timestamp().toString()).put("line_id", context.lineId());
        live.add(live("inspection", data));
        if (i.workOrderId() != null) {
          perOrder.computeIfAbsent(i.workOrderId(), k -> new int[2])[i.defectDetected() ? 1 : 0]++;
        }
        if (i.defectDetected()) {
          String message = "Defect on " + i.machineId() + (i.workOrderId() == null ? "" : " for " + i.workOrderId()) + ": "
              + (i.defectType() == null ? "unspecified" : i.defectType()) + " (inspection " + i.inspectionId() + ")";
          alerts.add(alert("warning", "quality_defect", i.machineId(), i.workOrderId(), message, data));
        }
      }
      Future<?> quality = perOrder.isEmpty() ? Future.succeededFuture() : tx.preparedQuery(QUALITY).execute(Tuple.tuple()
          .addArrayOfString(perOrder.keySet().toArray(String[]::new))
          .addArrayOfInteger(perOrder.values().stream().map(c -> c[0]).toArray(Integer[]::new))
          .addArrayOfInteger(perOrder.values().stream().map(c -> c[1]).toArray(Integer[]::new))
          .addOffsetDateTime(utc(context.now())));
      return quality.compose(v -> insertAlerts(tx, alerts));
    });
  }

  /** Downtime and status messages in order: history rows, the machines' final state, alerts on breakdowns. */
  private Future<Void> machines(SqlConnection tx, List<MesMessage> messages) {
    List<Tuple> history = new ArrayList<>();
    List<JsonObject> historyData = new ArrayList<>();
    Map<String, Tuple> finalState = new LinkedHashMap<>();
    for (MesMessage m : messages) {
      if (m instanceof Downtime d) {
        String before = statuses.getOrDefault(d.machineId(), "unknown");
        String after = d.started() ? "breakdown" : "idle";
        // the event is recorded (and alerted) whenever it arrives; the machine's status moves only forward in time
        boolean current = !olderThanHeld(d.machineId(), d.timestamp());
        if (current) {
          statuses.put(d.machineId(), after);
          statusTimes.put(d.machineId(), d.timestamp());
        }
        history.add(Tuple.from(new Object[] {d.machineId(), after, before, null, d.workOrderAffected(), d.reasonCode(),
            d.reasonDescription(), d.severity(), d.estimatedRepairMinutes(), "mqtt", utc(d.timestamp()), utc(context.now()),
            d.dedupKey()}));
        historyData.add(new JsonObject().put("type", d.started() ? "downtime.started" : "downtime.ended")
            .put("machine_id", d.machineId()).put("status", after).put("previous_status", before)
            .put("reason_code", d.reasonCode()).put("reason_description", d.reasonDescription()).put("severity", d.severity())
            .put("estimated_repair_time_minutes", d.estimatedRepairMinutes()).put("work_order_affected", d.workOrderAffected())
            .put("timestamp", d.timestamp().toString()).put("line_id", context.lineId()));
        if (current) {
          finalState.put(d.machineId(), machineRow(d.machineId(), after, null, null, null, null, null, null, d.timestamp()));
        }
      } else if (m instanceof MachineStatus s) {
        if (olderThanHeld(s.machineId(), s.timestamp())) {
          LOG.debug("Line {}: status of {} at {} is older than the one held ({}); not applied", context.lineId(), s.machineId(),
              s.timestamp(), statusTimes.get(s.machineId()));
          continue;
        }
        String before = statuses.getOrDefault(s.machineId(), "unknown");
        statuses.put(s.machineId(), s.status());
        statusTimes.put(s.machineId(), s.timestamp());
        if (!before.equals(s.status())) {
          history.add(Tuple.from(new Object[] {s.machineId(), s.status(), before, numeric(s.utilization()), s.currentWorkOrderId(),
              null, null, s.status().equals("breakdown") ? "high" : null, null, "opcua", utc(s.timestamp()), utc(context.now()),
              s.dedupKey()}));
          historyData.add(new JsonObject().put("type", "machine.status_changed").put("machine_id", s.machineId())
              .put("status", s.status()).put("previous_status", before).put("mes_status", s.mesStatus())
              .put("timestamp", s.timestamp().toString()).put("line_id", context.lineId()));
        }
        finalState.put(s.machineId(), machineRow(s.machineId(), s.status(), s.utilization(), s.oee(), s.currentWorkOrderId(),
            s.unitsThisCycle(), s.cycleTimeSeconds(), s.downtimeSeconds(), s.timestamp()));
        live.add(live("machine_status", new JsonObject().put("machine_id", s.machineId()).put("status", s.status())
            .put("mes_status", s.mesStatus()).put("utilization_percentage", Json.number(s.utilization()))
            .put("current_work_order_id", s.currentWorkOrderId()).put("timestamp", s.timestamp().toString())
            .put("line_id", context.lineId())));
      }
    }
    if (history.isEmpty() && finalState.isEmpty()) {
      return Future.succeededFuture();
    }
    Future<Set<String>> fresh = history.isEmpty() ? Future.succeededFuture(Set.of())
        : tx.preparedQuery(HISTORY).executeBatch(history).map(LineBatch::returnedKeys);
    return fresh.compose(keys -> {
      List<Tuple> alerts = new ArrayList<>();
      for (int i = 0; i < history.size(); i++) {
        if (!keys.contains(history.get(i).getString(12))) {
          continue; // a redelivered event: already recorded and alerted
        }
        JsonObject data = historyData.get(i);
        events.add(event(context.resourceStatusTopic(), data.getString("machine_id"), data.getString("type"), "machine", data));
        live.add(live(data.getString("type").startsWith("downtime") ? "downtime" : "machine_status_changed", data));
        if ("breakdown".equals(data.getString("status"))) {
          alerts.add(alert("high", "machine_breakdown", data.getString("machine_id"), data.getString("work_order_affected"),
              breakdownMessage(data), data));
        }
      }
      return tx.preparedQuery(MACHINE).executeBatch(new ArrayList<>(finalState.values()))
          .compose(v -> insertAlerts(tx, alerts));
    });
  }

  private boolean olderThanHeld(String machineId, Instant at) {
    Instant held = statusTimes.get(machineId);
    return held != null && at.isBefore(held);
  }

  private static String breakdownMessage(JsonObject d) {
    StringBuilder text = new StringBuilder("Machine ").append(d.getString("machine_id")).append(" is down");
    if (d.getString("reason_description") != null) {
      text.append(": ").append(d.getString("reason_description"));
    }
    if (d.getString("reason_code") != null) {
      text.append(" (").append(d.getString("reason_code")).append(")");
    }
    if (d.getInteger("estimated_repair_time_minutes") != null) {
      text.append(", estimated repair ").append(d.getInteger("estimated_repair_time_minutes")).append(" min");
    }
    if (d.getString("work_order_affected") != null) {
      text.append("; work order ").append(d.getString("work_order_affected")).append(" is affected");
    }
    return text.toString();
  }

  private Future<Void> insertAlerts(SqlConnection tx, List<Tuple> alerts) {
    if (alerts.isEmpty()) {
      return Future.succeededFuture();
    }
    return tx.preparedQuery(ALERT).executeBatch(alerts).map(rows -> {
      int i = 0;
      for (RowSet<Row> rs = rows; rs != null; rs = rs.next(), i++) {
        Tuple alert = alerts.get(i);
        live.add(live("alert", new JsonObject()
            .put("alert_id", rs.iterator().next().getLong("alert_id"))
            .put("severity", alert.getString(1)).put("alert_type", alert.getString(2)).put("line_id", alert.getString(3))
            .put("machine_id", alert.getString(4)).put("work_order_id", alert.getString(5)).put("message", alert.getString(6))
            .put("details", alert.getValue(7)).put("created_at", context.now().toString())));
      }
      return null;
    });
  }

  /** The batch's events into the outbox in one statement, in order (what {@link Outbox#appendAll} does row by row). */
  private Future<Void> appendEvents(SqlConnection tx) {
    if (events.isEmpty()) {
      return Future.succeededFuture();
    }
    if (events.size() == 1) {
      return Outbox.appendAll(tx, events);
    }
    String[] topics = new String[events.size()];
    String[] keys = new String[events.size()];
    String[] envelopes = new String[events.size()];
    for (int i = 0; i < events.size(); i++) {
      Tuple e = events.get(i);
      topics[i] = e.getString(0);
      keys[i] = e.getString(1);
      envelopes[i] = e.getJsonObject(2).encode();
    }
    return tx.preparedQuery(EVENTS).execute(Tuple.of(topics, keys, envelopes)).mapEmpty();
  }

  private Future<Void> deadLetters(SqlConnection tx, List<MesMessage> messages) {
    Future<Void> chain = Future.succeededFuture();
    for (MesMessage m : messages) {
      if (m instanceof Refused r) {
        refused++;
        IntegrationFailure failure = IntegrationFailure.forReview(context.now(), r.integrationType(), "inbound", "MES",
            r.original().put("line_id", context.lineId()), IntegrationFailure.VALIDATION_ERROR, r.reason(), null);
        chain = chain.compose(v -> context.failures().record(tx, failure)).mapEmpty();
      }
    }
    return chain;
  }

  private Tuple alert(String severity, String type, String machineId, String workOrderId, String message, JsonObject details) {
    return Tuple.from(new Object[] {utc(context.now()), severity, type, context.lineId(), machineId, workOrderId, message, details});
  }

  private static Tuple machineRow(String machineId, String status, BigDecimal utilization, BigDecimal oee, String workOrderId,
                                  Integer units, BigDecimal cycle, Integer downtime, Instant at) {
    return Tuple.from(new Object[] {machineId, status, numeric(utilization), numeric(oee), workOrderId, units, numeric(cycle),
        downtime, utc(at), utc(Instant.now())});
  }

  private Tuple event(String topic, String key, String eventType, String field, JsonObject data) {
    return Tuple.of(topic, key, Envelope.wrap(context.now(), Envelope.PLANT_SUBSCRIBERS, null,
        new JsonObject().put("event_type", eventType).put(field, data)));
  }

  private JsonObject live(String type, JsonObject data) {
    return new JsonObject().put("type", type).put("line_id", context.lineId()).put("data", data);
  }

  static JsonObject countJson(Count c) {
    return new JsonObject().put("machine_id", c.machineId()).put("work_order_id", c.workOrderId())
        .put("timestamp", c.timestamp().toString()).put("units_produced", c.unitsProduced())
        .put("cumulative_units", c.cumulativeUnits());
  }

  private static Set<String> returnedKeys(RowSet<Row> rows) {
    Set<String> keys = new HashSet<>();
    for (RowSet<Row> rs = rows; rs != null; rs = rs.next()) {
      rs.forEach(r -> keys.add(r.getString("dedup_key")));
    }
    return keys;
  }

  private static Numeric numeric(BigDecimal value) {
    return value == null ? null : Numeric.create(value);
  }

  private static OffsetDateTime utc(Instant instant) {
    return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }
}
