-- MES counts at line speed (issue 4): production_logs loses its two foreign keys.
--
-- Each count row made PostgreSQL run two referential checks (a query and a row lock on work_orders and on machines,
-- the lock a WAL record of its own). Measured on the line's counts statement (20 counts for 20 work orders per
-- batch, prepared, one session's backend CPU, PostgreSQL 15, 2026-11-29): ~100-120 µs of CPU per count with the keys,
-- ~50-80 µs without. The integrity they guarded holds by construction: rows are written only by the line actors
-- (verticles/lines/LineBatch), which apply a count only if its machine is in the plant model (stored in machines at
-- every node start, before any line runs; machines are never deleted) and its work order is in work_orders (looked up
-- before a line first applies it; work orders are never deleted, only completed or cancelled). Anything else
-- becomes a dead letter, not a row.
ALTER TABLE production_logs DROP CONSTRAINT IF EXISTS production_logs_work_order_id_fkey;
ALTER TABLE production_logs DROP CONSTRAINT IF EXISTS production_logs_machine_id_fkey;
