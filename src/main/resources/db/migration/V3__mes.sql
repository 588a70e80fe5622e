-- MES in real time (spec §4): counts, inspections, downtime and machine status, applied by the line actors.

-- A count message may be delivered twice (MQTT QoS 1): its key makes the second one a no-op.
ALTER TABLE production_logs ADD COLUMN dedup_key VARCHAR(300);
ALTER TABLE production_logs ADD COLUMN line_id VARCHAR(32);
CREATE UNIQUE INDEX production_logs_dedup_idx ON production_logs (dedup_key);

-- Inline quality inspections (spec §4.2.1), one row per inspection id.
CREATE TABLE quality_inspections (
    inspection_id     VARCHAR(64)   PRIMARY KEY,
    work_order_id     VARCHAR(32)   REFERENCES work_orders (work_order_id),
    machine_id        VARCHAR(32)   NOT NULL REFERENCES machines (machine_id),
    inspection_type   VARCHAR(50),
    result            VARCHAR(16)   NOT NULL,
    defect_detected   BOOLEAN       NOT NULL DEFAULT FALSE,
    defect_type       VARCHAR(100),
    inspector         VARCHAR(100),
    inspected_at      TIMESTAMPTZ   NOT NULL,
    recorded_at       TIMESTAMPTZ   NOT NULL DEFAULT now()
);
CREATE INDEX quality_inspections_work_order_idx ON quality_inspections (work_order_id, inspected_at);

-- A downtime event may also be delivered twice.
ALTER TABLE machine_status_history ADD COLUMN dedup_key VARCHAR(300);
CREATE UNIQUE INDEX machine_status_history_dedup_idx ON machine_status_history (dedup_key);

-- Which line a work order runs on, once MES counts it there.
ALTER TABLE work_orders ADD COLUMN line_id VARCHAR(32);
CREATE INDEX work_orders_line_id_idx ON work_orders (line_id, status);
