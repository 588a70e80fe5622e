-- One batch of a line at saturation, as verticles/lines/LineBatch.COUNTS_WITH_EVENTS writes it (parameters as
-- generated values): 20 counts for the 20 work orders of line :l; :ev = 1 adds the progress events and the relay's DELETE.
\set l random(1, 10)
WITH input AS (
  SELECT 'count|M-' || lpad(:l::text, 2, '0') || '-' || lpad(g::text, 3, '0') || '|Bxyz-' || lpad(:l::text, 2, '0') || '-' || lpad(g::text, 3, '0')
         || '|2026-11-29T02:03:55.123456Z|' || nextval('bench_seq') || '|1' AS dedup_key,
         'Bxyz-' || lpad(:l::text, 2, '0') || '-' || lpad(g::text, 3, '0') AS work_order_id,
         'M-' || lpad(:l::text, 2, '0') || '-' || lpad(g::text, 3, '0') AS machine_id,
         1 AS units, 1 AS cumulative, 'pass'::text AS quality_status, 44.8::numeric AS cycle_time, now() AS produced_at
    FROM generate_series(1, 20) g
), logged AS (
  INSERT INTO production_logs (dedup_key, work_order_id, machine_id, line_id, units_produced, cumulative_units,
      quality_status, cycle_time_seconds, produced_at, recorded_at)
  SELECT dedup_key, work_order_id, machine_id, 'line' || :l, units, cumulative, quality_status, cycle_time, produced_at, now()
    FROM input
  ON CONFLICT (dedup_key) DO NOTHING
  RETURNING work_order_id, machine_id, units_produced, produced_at
), totals AS (
  SELECT work_order_id, sum(units_produced) AS units, min(produced_at) AS first_at, max(machine_id) AS machine_id
    FROM logged GROUP BY work_order_id
), updated AS (
UPDATE work_orders w
   SET quantity_produced = w.quantity_produced + totals.units,
       status = CASE WHEN w.status IN ('received', 'scheduled') THEN 'in_progress' ELSE w.status END,
       actual_start_time = COALESCE(w.actual_start_time, totals.first_at),
       machine_id = COALESCE(w.machine_id, totals.machine_id),
       line_id = COALESCE(w.line_id, 'line' || :l),
       updated_at = now()
  FROM totals WHERE w.work_order_id = totals.work_order_id
RETURNING w.work_order_id, w.erp_work_order_id, w.quantity_produced, w.quantity_ordered, w.progress_percentage, w.status
), events AS (
  INSERT INTO outbox_events (topic, message_key, envelope)
  SELECT 'work-orders', u.work_order_id, jsonb_build_object('version', '1.0', 'message_id', 'msg_20261129_020355_' || md5(u.work_order_id), 'timestamp', now()::text,
      'source_system', 'MRAOS', 'destination_system', 'MRAOS_CORE', 'correlation_id', NULL,
      'payload', jsonb_build_object('event_type', 'work_order.progress', 'work_order', jsonb_build_object(
          'mraos_work_order_id', u.work_order_id, 'erp_work_order_id', u.erp_work_order_id,
          'quantity_produced', u.quantity_produced, 'quantity_ordered', u.quantity_ordered, 'progress_percentage', u.progress_percentage,
          'status', u.status, 'line_id', 'line' || :l)))
    FROM updated u WHERE :ev = 1
   ORDER BY u.work_order_id
)
SELECT * FROM updated;
\if :ev
DELETE FROM outbox_events WHERE event_id IN (SELECT event_id FROM outbox_events ORDER BY event_id LIMIT 500) RETURNING envelope::text;
\endif
