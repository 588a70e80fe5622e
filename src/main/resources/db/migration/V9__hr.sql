-- HR (spec §5, issue 16): people, skills, shifts and attendance, and hours worked back to HR.
-- operators, operator_skills, operator_shifts and the hr_* tables are written only by verticles.hr;
-- work_order_assignments only by verticles.workorders (the supervisor's start call names the operator).

-- MRAOS's operator ids (O-<n>), given when HR's employee first arrives.
CREATE SEQUENCE operator_number_seq START WITH 100;

-- HR's own id of the shift (the attendance webhook's shift_id, e.g. SH-20251118-A), one per employee; when the shift
-- was last changed; and the hours report that carried it to HR (each completed shift is reported once).
ALTER TABLE operator_shifts ADD COLUMN updated_at TIMESTAMPTZ NOT NULL DEFAULT now();
ALTER TABLE operator_shifts ADD COLUMN time_entry_message_id VARCHAR(64);
ALTER TABLE operator_shifts ADD COLUMN hours_reported_at TIMESTAMPTZ;
CREATE UNIQUE INDEX operator_shifts_employee_shift_idx ON operator_shifts (employee_id, shift_id);
CREATE INDEX operator_shifts_date_idx ON operator_shifts (shift_date);
CREATE INDEX operator_shifts_unreported_idx ON operator_shifts (shift_date) WHERE time_entry_message_id IS NULL;

-- The time clock's API keys, as hashes only (SHA-256 of the key). Several may be active at once so that a key is
-- rotated without downtime: the new one is added, the old one expires at a set time.
CREATE TABLE hr_api_keys (
    key_id        VARCHAR(40)   PRIMARY KEY,               -- hrk-<n>, shown to people; the key itself never is again
    client_id     VARCHAR(100)  NOT NULL,                  -- who uses it (rate limit and audit rows count per client)
    key_hash      CHAR(64)      NOT NULL UNIQUE,
    key_prefix    VARCHAR(16)   NOT NULL,                  -- the key's first characters, to recognise it
    note          TEXT,
    created_by    VARCHAR(100)  NOT NULL,
    created_at    TIMESTAMPTZ   NOT NULL,
    expires_at    TIMESTAMPTZ,                             -- null: until it is expired
    last_used_at  TIMESTAMPTZ
);
CREATE SEQUENCE hr_api_key_seq;

-- Idempotency-Key of the attendance webhook: the first answer, kept at least hr.attendance.idempotency-retention.
CREATE TABLE hr_idempotency_keys (
    client_id        VARCHAR(100)  NOT NULL,
    idempotency_key  VARCHAR(200)  NOT NULL,
    request_hash     CHAR(64)      NOT NULL,
    status_code      INTEGER,
    response_body    JSONB,
    created_at       TIMESTAMPTZ   NOT NULL,
    expires_at       TIMESTAMPTZ   NOT NULL,
    PRIMARY KEY (client_id, idempotency_key)
);
CREATE INDEX hr_idempotency_keys_expiry_idx ON hr_idempotency_keys (expires_at);

-- Each employee master or shift schedule sync: what it did (the summary) or why it failed.
CREATE TABLE hr_sync_runs (
    run_id        BIGSERIAL     PRIMARY KEY,
    kind          VARCHAR(20)   NOT NULL CHECK (kind IN ('employees', 'schedules')),
    status        VARCHAR(20)   NOT NULL CHECK (status IN ('succeeded', 'failed')),
    started_at    TIMESTAMPTZ   NOT NULL,
    finished_at   TIMESTAMPTZ   NOT NULL,
    summary       JSONB,
    error         TEXT
);
CREATE INDEX hr_sync_runs_kind_idx ON hr_sync_runs (kind, finished_at);

-- Which operator was put on which work order, when: work_orders.operator_id holds only the latest, the hours report
-- names every order an operator was assigned that day.
CREATE TABLE work_order_assignments (
    work_order_id  VARCHAR(32)   NOT NULL REFERENCES work_orders (work_order_id),
    operator_id    VARCHAR(32)   NOT NULL,
    machine_id     VARCHAR(32),
    assigned_at    TIMESTAMPTZ   NOT NULL,
    PRIMARY KEY (work_order_id, operator_id, assigned_at)
);
CREATE INDEX work_order_assignments_operator_idx ON work_order_assignments (operator_id, assigned_at);
INSERT INTO work_order_assignments (work_order_id, operator_id, machine_id, assigned_at)
SELECT work_order_id, operator_id, machine_id, COALESCE(actual_start_time, updated_at)
  FROM work_orders WHERE operator_id IS NOT NULL;

-- Payloads are kept, never searched: no statistics on them (as V6 does for the others; PayloadStatisticsTest).
ALTER TABLE hr_idempotency_keys ALTER COLUMN response_body SET STATISTICS 0;
ALTER TABLE hr_sync_runs ALTER COLUMN summary SET STATISTICS 0;
