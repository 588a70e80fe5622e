package verticles.workorders;

import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import io.vertx.sqlclient.data.Numeric;
import mraos.events.Envelope;
import mraos.events.Outbox;
import mraos.workorders.CountOutcome;
import mraos.workorders.OrderProgress;
import mraos.workorders.OrderRun;
import mraos.workorders.ProducedCounts;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * A batch of production counts in one statement ({@link #STATEMENT}): each count logged once (a redelivery is logged
 * and counted once, by its key), the orders' quantities moved, and their progress events in the outbox, in one round
 * trip and one transaction. One line's batch, or several lines' together ({@link CountsWriter}): each count row carries
 * its line, each order its own figures.
 */
final class ProductionCounts {

  /**
   * $1..$9 the counts (key, order, machine, units, cumulative, quality, cycle time, produced at, line), $10 the time
   * recorded; $11 topic, $12 envelope timestamp; per work order counted $13 its id, $14 a message id, $15 whether its
   * progress interval has passed and $16 the status of its last event; $17/$18/$19 other orders whose held progress
   * event is now due, their message ids and lines. An order's event is written when its interval has passed, its status
   * changed, or it reached its quantity ({@code published}).
   * <p>
   * A count not logged before is applied only if its order runs on its machine ({@link OrderRun}: read under a row lock,
   * so a completion or cancellation committed meanwhile is seen) and had not reached its quantity before it, counting
   * the batch's earlier counts in their order ({@code before}); the others are refused.
   * <p>
   * Rows ({@code kind}): 'moved', an order the counts moved, with the line whose counts moved it ({@code reporting_line});
   * 'refused', a count not applied, with its key, its order's state and the line it came from.
   */
  static final String STATEMENT = """
      WITH input AS (
        SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::int[], $6::text[], $7::numeric[],
                             $8::timestamptz[], $9::text[]) WITH ORDINALITY
          AS t(dedup_key, work_order_id, machine_id, units, cumulative, quality_status, cycle_time, produced_at, line_id, n)
      ), orders AS (
        SELECT w.work_order_id, w.status, w.machine_id, w.quantity_produced, w.quantity_ordered
          FROM work_orders w WHERE w.work_order_id IN (SELECT work_order_id FROM input)
         ORDER BY w.work_order_id FOR NO KEY UPDATE
      ), fresh AS (
        SELECT i.*, o.status, o.machine_id AS order_machine, o.quantity_produced AS produced, o.quantity_ordered AS ordered,
               COALESCE(o.status IN ('scheduled', 'in_progress') AND o.machine_id = i.machine_id, false) AS running
          FROM input i LEFT JOIN orders o ON o.work_order_id = i.work_order_id
         WHERE NOT EXISTS (SELECT 1 FROM production_logs p WHERE p.dedup_key = i.dedup_key)
      ), judged AS (
        SELECT f.*, f.running AND f.produced + COALESCE(sum(f.units) FILTER (WHERE f.running) OVER (PARTITION BY f.work_order_id
                   ORDER BY f.n ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) < f.ordered AS accepted,
               f.produced + COALESCE(sum(f.units) FILTER (WHERE f.running) OVER (PARTITION BY f.work_order_id
                   ORDER BY f.n ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS before
          FROM fresh f
      ), logged AS (
        INSERT INTO production_logs (dedup_key, work_order_id, machine_id, line_id, units_produced, cumulative_units,
            quality_status, cycle_time_seconds, produced_at, recorded_at)
        SELECT dedup_key, work_order_id, machine_id, line_id, units, cumulative, quality_status, cycle_time, produced_at, $10
          FROM judged WHERE accepted
         ORDER BY n
        ON CONFLICT (dedup_key) DO NOTHING
        RETURNING work_order_id, machine_id, line_id, units_produced, produced_at
      ), totals AS (
        SELECT work_order_id, sum(units_produced) AS units, min(produced_at) AS first_at, max(machine_id) AS machine_id,
               max(line_id) AS line_id
          FROM logged GROUP BY work_order_id
      ), updated AS (
        UPDATE work_orders w
           SET quantity_produced = w.quantity_produced + totals.units,
               status = CASE WHEN w.status IN ('received', 'scheduled') THEN 'in_progress' ELSE w.status END,
               actual_start_time = COALESCE(w.actual_start_time, totals.first_at),
               machine_id = COALESCE(w.machine_id, totals.machine_id),
               line_id = COALESCE(w.line_id, totals.line_id),
               updated_at = $10
          FROM totals WHERE w.work_order_id = totals.work_order_id
        RETURNING w.work_order_id, w.erp_work_order_id, w.quantity_produced, w.quantity_ordered, w.progress_percentage,
                  w.status, totals.line_id AS reporting_line
      ), chosen AS (
        SELECT u.*, ids.message_id,
               (ids.due OR u.status IS DISTINCT FROM ids.last_status OR u.quantity_produced >= u.quantity_ordered) AS published
          FROM updated u
          JOIN unnest($13::text[], $14::text[], $15::bool[], $16::text[]) AS ids(work_order_id, message_id, due, last_status)
            ON ids.work_order_id = u.work_order_id
      ), events AS (
        %1$s
        SELECT $11, u.work_order_id, %2$s
          FROM chosen u WHERE u.published
         ORDER BY u.work_order_id
      ), carried AS (
        %1$s
        SELECT $11, u.work_order_id, %3$s
          FROM unnest($17::text[], $18::text[], $19::text[]) WITH ORDINALITY AS ids(work_order_id, message_id, line_id, n)
          JOIN work_orders u ON u.work_order_id = ids.work_order_id
         ORDER BY ids.n
      )
      SELECT 'moved' AS kind, c.work_order_id, c.erp_work_order_id, c.quantity_produced, c.quantity_ordered,
             c.progress_percentage, c.status, c.reporting_line, c.published, NULL::text AS dedup_key,
             NULL::text AS order_machine, NULL::text AS count_machine
        FROM chosen c
      UNION ALL
      SELECT 'refused', j.work_order_id, NULL, j.before, j.ordered, NULL, j.status, j.line_id, NULL, j.dedup_key,
             j.order_machine, j.machine_id
        FROM judged j WHERE NOT j.accepted""".formatted(Outbox.APPEND, ProgressEvent.envelope("u", "u.message_id", "$12", "u.reporting_line"),
      ProgressEvent.envelope("u", "ids.message_id", "$12", "ids.line_id"));

  private ProductionCounts() {
  }

  /**
   * The statement's parameters for these batches (of different lines, with no work order in common): the time (recorded
   * at, the events' timestamp) is the latest of theirs.
   */
  static Tuple params(List<ProducedCounts> batches, String topic) {
    Instant at = batches.get(0).at();
    for (ProducedCounts c : batches) {
      at = c.at().isAfter(at) ? c.at() : at;
    }
    Instant now = at;
    List<ProducedCounts.Unit> units = batches.size() == 1 ? batches.get(0).units()
        : batches.stream().flatMap(b -> b.units().stream()).toList();
    List<String> unitLines = new ArrayList<>(units.size());
    List<ProducedCounts.EventDue> orders = new ArrayList<>();
    List<String> carried = new ArrayList<>();
    List<String> carriedLines = new ArrayList<>();
    for (ProducedCounts b : batches) {
      b.units().forEach(u -> unitLines.add(b.lineId()));
      orders.addAll(b.orders());
      carried.addAll(b.carried());
      b.carried().forEach(c -> carriedLines.add(b.lineId()));
    }
    return Tuple.tuple()
        .addArrayOfString(column(units, ProducedCounts.Unit::dedupKey, String[]::new))
        .addArrayOfString(column(units, ProducedCounts.Unit::workOrderId, String[]::new))
        .addArrayOfString(column(units, ProducedCounts.Unit::machineId, String[]::new))
        .addArrayOfInteger(column(units, ProducedCounts.Unit::units, Integer[]::new))
        .addArrayOfInteger(column(units, ProducedCounts.Unit::cumulativeUnits, Integer[]::new))
        .addArrayOfString(column(units, ProducedCounts.Unit::qualityStatus, String[]::new))
        .addValue(column(units, u -> Numeric.create(u.cycleTimeSeconds()), Numeric[]::new))
        .addArrayOfOffsetDateTime(column(units, u -> utc(u.producedAt()), OffsetDateTime[]::new))
        .addArrayOfString(unitLines.toArray(String[]::new))
        .addOffsetDateTime(utc(now))
        .addString(topic)
        .addString(now.toString())
        .addArrayOfString(column(orders, ProducedCounts.EventDue::workOrderId, String[]::new))
        .addArrayOfString(column(orders, o -> Envelope.messageId(now), String[]::new))
        .addArrayOfBoolean(column(orders, ProducedCounts.EventDue::due, Boolean[]::new))
        .addArrayOfString(column(orders, ProducedCounts.EventDue::lastStatus, String[]::new))
        .addArrayOfString(carried.toArray(String[]::new))
        .addArrayOfString(column(carried, id -> Envelope.messageId(now), String[]::new))
        .addArrayOfString(carriedLines.toArray(String[]::new));
  }

  /** The statement's rows as what it made of the counts (those of every line in it, when {@code line} is null). */
  static CountOutcome outcome(Iterable<Row> rows, String line) {
    List<OrderProgress> moved = new ArrayList<>();
    List<CountOutcome.Refusal> refused = new ArrayList<>();
    for (Row row : rows) {
      if (line != null && !line.equals(row.getString("reporting_line"))) {
        continue;
      }
      if ("moved".equals(row.getString("kind"))) {
        moved.add(progress(row));
      } else {
        String order = row.getString("work_order_id");
        String why = new OrderRun(order, row.getString("status"), row.getString("order_machine"))
            .refusal(row.getString("count_machine"));
        refused.add(new CountOutcome.Refusal(row.getString("dedup_key"), why != null ? why
            : OrderRun.reachedQuantity(order, row.getBigDecimal("quantity_produced").stripTrailingZeros().toPlainString(),
                row.getBigDecimal("quantity_ordered").stripTrailingZeros().toPlainString())));
      }
    }
    return new CountOutcome(moved, refused);
  }

  /** A statement row as the order it moved. */
  static OrderProgress progress(Row row) {
    return new OrderProgress(row.getString("work_order_id"), row.getString("erp_work_order_id"),
        row.getBigDecimal("quantity_produced"), row.getBigDecimal("quantity_ordered"), row.getBigDecimal("progress_percentage"),
        row.getString("status"), row.getBoolean("published"));
  }

  private static <S, T> T[] column(List<S> rows, Function<S, T> field, IntFunction<T[]> array) {
    T[] values = array.apply(rows.size());
    for (int i = 0; i < values.length; i++) {
      values[i] = field.apply(rows.get(i));
    }
    return values;
  }

  private static OffsetDateTime utc(Instant instant) {
    return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }
}
