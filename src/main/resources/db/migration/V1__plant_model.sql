-- MRAOS data model: the plant's picture (work orders, materials, machines, operators) and MRAOS's own records
-- (audit, integration failures, idempotency keys, alerts, material change audit, event outbox).
-- Times are TIMESTAMPTZ throughout (the spec's §9.3 sketch says TIMESTAMP; a plant spanning zones needs the offset).

-- ---------------------------------------------------------------- materials (ERP master data + Inventory stock)
CREATE TABLE materials (
    material_id         VARCHAR(64)    PRIMARY KEY,
    part_number         VARCHAR(64)    NOT NULL,
    part_name           VARCHAR(200),
    description         TEXT,
    category            VARCHAR(100),
    unit_of_measure     VARCHAR(16)    NOT NULL DEFAULT 'EA',
    standard_cost       NUMERIC(14, 4),
    currency            CHAR(3),
    is_active           BOOLEAN        NOT NULL DEFAULT TRUE,
    on_hand_quantity    NUMERIC(14, 3) NOT NULL DEFAULT 0,
    allocated_quantity  NUMERIC(14, 3) NOT NULL DEFAULT 0,
    available_quantity  NUMERIC(14, 3) GENERATED ALWAYS AS (on_hand_quantity - allocated_quantity) STORED,
    safety_stock        NUMERIC(14, 3) NOT NULL DEFAULT 0,
    warehouse           VARCHAR(64),
    location            VARCHAR(100),
    stock_updated_at    TIMESTAMPTZ,
    created_at          TIMESTAMPTZ    NOT NULL DEFAULT now(),
    updated_at          TIMESTAMPTZ    NOT NULL DEFAULT now(),
    CONSTRAINT materials_quantities_non_negative CHECK (on_hand_quantity >= 0 AND allocated_quantity >= 0 AND safety_stock >= 0)
);
CREATE INDEX materials_part_number_idx ON materials (part_number);

-- Every changed field of a material, old -> new, and who changed it.
CREATE TABLE material_change_audit (
    change_id       BIGSERIAL    PRIMARY KEY,
    material_id     VARCHAR(64)  NOT NULL REFERENCES materials (material_id),
    field_name      VARCHAR(64)  NOT NULL,
    old_value       TEXT,
    new_value       TEXT,
    source          VARCHAR(32)  NOT NULL,   -- erp_push, erp_pull, inventory, ...
    changed_by      VARCHAR(100),
    correlation_id  VARCHAR(100),
    changed_at      TIMESTAMPTZ  NOT NULL DEFAULT now()
);
CREATE INDEX material_change_audit_material_idx ON material_change_audit (material_id, changed_at);

-- ---------------------------------------------------------------- plant model
CREATE TABLE production_lines (
    line_id     VARCHAR(32)  PRIMARY KEY,   -- e.g. line2 (as in the MES topics)
    name        VARCHAR(100) NOT NULL UNIQUE, -- e.g. Line 2 (as ERP names it)
    created_at  TIMESTAMPTZ  NOT NULL DEFAULT now()
);

CREATE TABLE machines (
    machine_id                       VARCHAR(32)   PRIMARY KEY,
    line_id                          VARCHAR(32)   NOT NULL REFERENCES production_lines (line_id),
    name                             VARCHAR(100)  NOT NULL,
    machine_type                     VARCHAR(64),
    current_status                   VARCHAR(20)   NOT NULL DEFAULT 'unknown'
        CHECK (current_status IN ('running', 'idle', 'stopped', 'breakdown', 'maintenance', 'offline', 'unknown')),
    utilization_percentage           NUMERIC(5, 2),
    overall_equipment_effectiveness  NUMERIC(5, 2),
    current_work_order_id            VARCHAR(32),
    units_produced_this_cycle        INTEGER,
    cycle_time_seconds               NUMERIC(10, 3),
    downtime_seconds                 INTEGER,
    status_changed_at                TIMESTAMPTZ,
    last_update_at                   TIMESTAMPTZ,
    created_at                       TIMESTAMPTZ   NOT NULL DEFAULT now(),
    updated_at                       TIMESTAMPTZ   NOT NULL DEFAULT now()
);
CREATE INDEX machines_line_idx ON machines (line_id);

CREATE TABLE machine_status_history (
    history_id                   BIGSERIAL     PRIMARY KEY,
    machine_id                   VARCHAR(32)   NOT NULL REFERENCES machines (machine_id),
    status                       VARCHAR(20)   NOT NULL,
    previous_status              VARCHAR(20),
    utilization_percentage       NUMERIC(5, 2),
    work_order_id                VARCHAR(32),
    reason_code                  VARCHAR(64),
    reason_description           TEXT,
    severity                     VARCHAR(16),
    estimated_repair_minutes     INTEGER,
    source                       VARCHAR(16)   NOT NULL,   -- opcua, mqtt
    source_timestamp             TIMESTAMPTZ   NOT NULL,
    recorded_at                  TIMESTAMPTZ   NOT NULL DEFAULT now()
);
CREATE INDEX machine_status_history_machine_idx ON machine_status_history (machine_id, source_timestamp);

-- ---------------------------------------------------------------- work orders (ERP orders as MRAOS runs them)
CREATE SEQUENCE work_order_number_seq START WITH 1000;

CREATE TABLE work_orders (
    work_order_id               VARCHAR(32)    PRIMARY KEY,            -- MRAOS id, WO-<n>
    erp_work_order_id           VARCHAR(64)    NOT NULL UNIQUE,
    work_order_number           VARCHAR(64),
    product_id                  VARCHAR(64)    NOT NULL,
    product_name                VARCHAR(200),
    product_variant             VARCHAR(200),
    quantity_ordered            NUMERIC(14, 3) NOT NULL CHECK (quantity_ordered >= 1),
    quantity_produced           NUMERIC(14, 3) NOT NULL DEFAULT 0 CHECK (quantity_produced >= 0),
    quantity_scrapped           NUMERIC(14, 3) NOT NULL DEFAULT 0 CHECK (quantity_scrapped >= 0),
    progress_percentage         NUMERIC(5, 2)  GENERATED ALWAYS AS (LEAST(100, round(quantity_produced * 100 / quantity_ordered, 2))) STORED,
    unit_of_measure             VARCHAR(16)    NOT NULL DEFAULT 'EA',
    priority                    VARCHAR(16)    NOT NULL DEFAULT 'normal',
    status                      VARCHAR(20)    NOT NULL DEFAULT 'received'
        CHECK (status IN ('received', 'scheduled', 'in_progress', 'on_hold', 'completed', 'cancelled')),
    due_date                    TIMESTAMPTZ    NOT NULL,
    customer_order_id           VARCHAR(64),
    production_line             VARCHAR(100),                          -- ERP's preference, e.g. "Line 2"
    special_instructions        TEXT,
    -- MES execution
    mes_job_id                  VARCHAR(64),
    machine_id                  VARCHAR(32),
    operator_id                 VARCHAR(32),
    actual_start_time           TIMESTAMPTZ,
    actual_end_time             TIMESTAMPTZ,
    -- quality
    inspections_passed          INTEGER        NOT NULL DEFAULT 0,
    inspections_failed          INTEGER        NOT NULL DEFAULT 0,
    defect_count                INTEGER        NOT NULL DEFAULT 0,
    -- ERP synchronisation
    erp_event_at                TIMESTAMPTZ    NOT NULL,               -- time of the last ERP event applied
    erp_synchronized_at         TIMESTAMPTZ,
    cancelled_at                TIMESTAMPTZ,
    created_at                  TIMESTAMPTZ    NOT NULL DEFAULT now(),
    updated_at                  TIMESTAMPTZ    NOT NULL DEFAULT now()
);
CREATE INDEX work_orders_status_idx ON work_orders (status);
CREATE INDEX work_orders_line_idx ON work_orders (production_line);
CREATE INDEX work_orders_created_idx ON work_orders (created_at);

CREATE TABLE work_order_bom (
    work_order_id      VARCHAR(32)    NOT NULL REFERENCES work_orders (work_order_id) ON DELETE CASCADE,
    line_no            INTEGER        NOT NULL,
    material_id        VARCHAR(64)    NOT NULL REFERENCES materials (material_id),
    part_number        VARCHAR(64),
    part_name          VARCHAR(200),
    quantity_required  NUMERIC(14, 3) NOT NULL CHECK (quantity_required > 0),
    unit_of_measure    VARCHAR(16)    NOT NULL DEFAULT 'EA',
    PRIMARY KEY (work_order_id, line_no)
);
CREATE INDEX work_order_bom_material_idx ON work_order_bom (material_id);

CREATE TABLE production_logs (
    log_id              BIGSERIAL     PRIMARY KEY,
    work_order_id       VARCHAR(32)   NOT NULL REFERENCES work_orders (work_order_id),
    machine_id          VARCHAR(32)   NOT NULL REFERENCES machines (machine_id),
    units_produced      INTEGER       NOT NULL,
    cumulative_units    INTEGER,
    quality_status      VARCHAR(16),
    cycle_time_seconds  NUMERIC(10, 3) NOT NULL DEFAULT 0,
    produced_at         TIMESTAMPTZ   NOT NULL,
    recorded_at         TIMESTAMPTZ   NOT NULL DEFAULT now()
);
CREATE INDEX production_logs_work_order_idx ON production_logs (work_order_id, produced_at);

-- ---------------------------------------------------------------- people (HR)
CREATE TABLE operators (
    operator_id      VARCHAR(32)   PRIMARY KEY,           -- MRAOS id, e.g. O-156
    employee_id      VARCHAR(32)   NOT NULL UNIQUE,       -- HR id, e.g. EMP-2024-0156
    first_name       VARCHAR(100),
    last_name        VARCHAR(100),
    email            VARCHAR(200),
    phone            VARCHAR(50),
    department       VARCHAR(100),
    job_title        VARCHAR(100),
    hire_date        DATE,
    location         VARCHAR(100),
    is_active        BOOLEAN       NOT NULL DEFAULT TRUE,
    current_status   VARCHAR(20)   NOT NULL DEFAULT 'off_shift'
        CHECK (current_status IN ('available', 'assigned', 'on_break', 'off_shift', 'absent')),
    created_at       TIMESTAMPTZ   NOT NULL DEFAULT now(),
    updated_at       TIMESTAMPTZ   NOT NULL DEFAULT now()
);

CREATE TABLE operator_skills (
    operator_id           VARCHAR(32)  NOT NULL REFERENCES operators (operator_id) ON DELETE CASCADE,
    skill_code            VARCHAR(32)  NOT NULL,
    skill_name            VARCHAR(100),
    proficiency_level     SMALLINT,
    certification_date    DATE,
    certification_expiry  DATE,
    PRIMARY KEY (operator_id, skill_code)
);

CREATE TABLE operator_shifts (
    shift_record_id    BIGSERIAL    PRIMARY KEY,
    employee_id        VARCHAR(32)  NOT NULL,
    shift_id           VARCHAR(64),
    shift_date         DATE         NOT NULL,
    shift_name         VARCHAR(64)  NOT NULL,
    start_time         TIME         NOT NULL,
    end_time           TIME         NOT NULL,
    break_start        TIME,
    break_end          TIME,
    is_overtime        BOOLEAN      NOT NULL DEFAULT FALSE,
    actual_clock_in    TIMESTAMPTZ,
    actual_clock_out   TIMESTAMPTZ,
    UNIQUE (employee_id, shift_date, shift_name)
);

-- ---------------------------------------------------------------- MRAOS's own records
-- Spec §9.3: every integration transaction, inbound or outbound, accepted or refused.
CREATE TABLE integration_audit_log (
    log_id              BIGSERIAL     PRIMARY KEY,
    timestamp           TIMESTAMPTZ   NOT NULL DEFAULT now(),
    integration_type    VARCHAR(50)   NOT NULL,
    direction           VARCHAR(10)   NOT NULL CHECK (direction IN ('inbound', 'outbound')),
    external_system     VARCHAR(50)   NOT NULL,
    request_payload     JSONB,
    response_payload    JSONB,
    http_status_code    INT,
    processing_time_ms  INT,
    success             BOOLEAN       NOT NULL,
    error_message       TEXT,
    user_id             VARCHAR(50),
    correlation_id      VARCHAR(100),
    http_method         VARCHAR(10),
    endpoint            VARCHAR(300),
    node                VARCHAR(100)
);
CREATE INDEX integration_audit_log_timestamp_idx ON integration_audit_log (timestamp);
CREATE INDEX integration_audit_log_correlation_idx ON integration_audit_log (correlation_id);

-- Spec §7.2: messages that could not be integrated, kept for review (the dead-letter queue's system of record).
CREATE SEQUENCE integration_failure_seq;
CREATE TABLE integration_failures (
    failure_id        VARCHAR(40)   PRIMARY KEY,          -- FAIL-<yyyymmdd>-<n>
    timestamp         TIMESTAMPTZ   NOT NULL DEFAULT now(),
    integration_type  VARCHAR(50)   NOT NULL,
    direction         VARCHAR(10)   NOT NULL CHECK (direction IN ('inbound', 'outbound')),
    external_system   VARCHAR(50)   NOT NULL,
    original_message  JSONB         NOT NULL,
    error_code        VARCHAR(50)   NOT NULL,
    error_message     TEXT          NOT NULL,
    stack_trace       TEXT,
    retry_count       INTEGER       NOT NULL DEFAULT 0,
    last_retry_at     TIMESTAMPTZ,
    status            VARCHAR(32)   NOT NULL DEFAULT 'pending_manual_review'
        CHECK (status IN ('pending_manual_review', 'retrying', 'resolved', 'discarded')),
    correlation_id    VARCHAR(100),
    resolved_by       VARCHAR(100),
    resolved_at       TIMESTAMPTZ,
    resolution_note   TEXT,
    updated_at        TIMESTAMPTZ   NOT NULL DEFAULT now()
);
CREATE INDEX integration_failures_status_idx ON integration_failures (status, integration_type, timestamp);

-- Idempotency-Key header: a repeated request gets the first answer instead of a second effect.
CREATE TABLE idempotency_keys (
    client_id        VARCHAR(100)  NOT NULL,
    idempotency_key  VARCHAR(200)  NOT NULL,
    request_hash     VARCHAR(64)   NOT NULL,
    status_code      INTEGER       NOT NULL,
    response_body    JSONB,
    created_at       TIMESTAMPTZ   NOT NULL DEFAULT now(),
    expires_at       TIMESTAMPTZ   NOT NULL,
    PRIMARY KEY (client_id, idempotency_key)
);
CREATE INDEX idempotency_keys_expiry_idx ON idempotency_keys (expires_at);

CREATE TABLE alerts (
    alert_id          BIGSERIAL     PRIMARY KEY,
    created_at        TIMESTAMPTZ   NOT NULL DEFAULT now(),
    severity          VARCHAR(16)   NOT NULL CHECK (severity IN ('info', 'warning', 'high', 'critical')),
    alert_type        VARCHAR(50)   NOT NULL,
    line_id           VARCHAR(32),
    machine_id        VARCHAR(32),
    work_order_id     VARCHAR(32),
    message           TEXT          NOT NULL,
    details           JSONB,
    acknowledged_by   VARCHAR(100),
    acknowledged_at   TIMESTAMPTZ
);
CREATE INDEX alerts_open_idx ON alerts (created_at) WHERE acknowledged_at IS NULL;

-- Transactional outbox: events written in the same transaction as the change they describe, relayed to Kafka
-- afterwards, deleted once Kafka has them. Nothing committed is lost if the node dies before the relay runs.
CREATE TABLE outbox_events (
    event_id     BIGSERIAL     PRIMARY KEY,
    topic        VARCHAR(100)  NOT NULL,
    message_key  VARCHAR(100),
    envelope     JSONB         NOT NULL,
    created_at   TIMESTAMPTZ   NOT NULL DEFAULT now()
);
