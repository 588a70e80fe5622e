-- Calls out to ERP, MES, HR and Inventory (spec §7), scheduled jobs, material transactions, reconciliation.

-- A call MRAOS owes an external system. Written in the same transaction as the change that causes it, delivered by
-- that system's outbound verticle with retries by error class; kept until delivered or given up (then a dead letter).
CREATE TABLE outbound_messages (
    message_id        VARCHAR(64)   PRIMARY KEY,      -- also sent as Idempotency-Key
    external_system   VARCHAR(20)   NOT NULL,         -- ERP, MES, HR, INVENTORY
    integration_type  VARCHAR(50)   NOT NULL,         -- e.g. erp_completion_report
    method            VARCHAR(10)   NOT NULL,
    path              VARCHAR(500)  NOT NULL,
    payload           JSONB,
    reference_id      VARCHAR(64),                    -- what it is about, e.g. a work order id or a batch id
    correlation_id    VARCHAR(100),
    status            VARCHAR(20)   NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts          INTEGER       NOT NULL DEFAULT 0,
    retries           JSONB         NOT NULL DEFAULT '{}',   -- retries used per error class
    next_attempt_at   TIMESTAMPTZ   NOT NULL,
    last_attempt_at   TIMESTAMPTZ,
    last_status       INTEGER,
    last_error        TEXT,
    response          JSONB,
    failure_id        VARCHAR(40),                    -- the dead letter, once retries ran out
    created_at        TIMESTAMPTZ   NOT NULL DEFAULT now(),
    updated_at        TIMESTAMPTZ   NOT NULL DEFAULT now(),
    delivered_at      TIMESTAMPTZ
);
CREATE INDEX outbound_messages_due_idx ON outbound_messages (external_system, next_attempt_at) WHERE status = 'pending';
CREATE INDEX outbound_messages_reference_idx ON outbound_messages (reference_id);

-- Who did what to an integration failure, when (retry, edit & retry, resolve, discard).
CREATE TABLE integration_failure_actions (
    action_id     BIGSERIAL     PRIMARY KEY,
    failure_id    VARCHAR(40)   NOT NULL REFERENCES integration_failures (failure_id),
    action        VARCHAR(20)   NOT NULL CHECK (action IN ('retry', 'edit_and_retry', 'resolve', 'discard', 'retry_succeeded', 'retry_failed')),
    actor         VARCHAR(100)  NOT NULL,
    note          TEXT,
    payload       JSONB,
    acted_at      TIMESTAMPTZ   NOT NULL DEFAULT now()
);
CREATE INDEX integration_failure_actions_failure_idx ON integration_failure_actions (failure_id, acted_at);
ALTER TABLE integration_failures ADD COLUMN message_id VARCHAR(64);
CREATE INDEX integration_failures_type_time_idx ON integration_failures (integration_type, timestamp);

-- Materials moved in or out for a work order; consumption is reported to ERP in hourly batches (spec §3.2.2).
CREATE TABLE material_transactions (
    transaction_id       BIGSERIAL      PRIMARY KEY,
    material_id          VARCHAR(64)    NOT NULL REFERENCES materials (material_id),
    work_order_id        VARCHAR(32)    REFERENCES work_orders (work_order_id),
    transaction_type     VARCHAR(20)    NOT NULL CHECK (transaction_type IN ('consumption', 'scrap', 'return')),
    quantity             NUMERIC(14, 3) NOT NULL CHECK (quantity > 0),
    unit_of_measure      VARCHAR(16)    NOT NULL DEFAULT 'EA',
    occurred_at          TIMESTAMPTZ    NOT NULL,
    recorded_at          TIMESTAMPTZ    NOT NULL DEFAULT now(),
    erp_batch_id         VARCHAR(64),                 -- the hourly batch that reports it (set once: never reported twice)
    erp_synchronized_at  TIMESTAMPTZ
);
CREATE INDEX material_transactions_unreported_idx ON material_transactions (occurred_at) WHERE erp_batch_id IS NULL;
CREATE INDEX material_transactions_batch_idx ON material_transactions (erp_batch_id);

-- Each run of a scheduled job, one row per slot: claiming the slot makes a run happen once in the cluster.
CREATE TABLE scheduled_runs (
    job           VARCHAR(64)   NOT NULL,
    slot          TIMESTAMPTZ   NOT NULL,             -- the scheduled time the run is for
    status        VARCHAR(20)   NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'skipped')),
    trigger       VARCHAR(20)   NOT NULL DEFAULT 'schedule' CHECK (trigger IN ('schedule', 'catch_up', 'on_demand', 'first_start')),
    node          VARCHAR(100),
    started_at    TIMESTAMPTZ   NOT NULL DEFAULT now(),
    finished_at   TIMESTAMPTZ,
    summary       JSONB,
    error         TEXT,
    PRIMARY KEY (job, slot)
);

-- Daily ERP ↔ MRAOS reconciliation (spec §3.4).
CREATE TABLE reconciliation_reports (
    report_id            BIGSERIAL     PRIMARY KEY,
    report_date          DATE          NOT NULL,
    generated_at         TIMESTAMPTZ   NOT NULL,
    window_start         TIMESTAMPTZ   NOT NULL,
    window_end           TIMESTAMPTZ   NOT NULL,
    erp_work_orders      INTEGER       NOT NULL,
    mraos_work_orders    INTEGER       NOT NULL,
    discrepancies        JSONB         NOT NULL,
    report_text          TEXT          NOT NULL
);
CREATE INDEX reconciliation_reports_generated_idx ON reconciliation_reports (generated_at);

-- When a supervisor or MES completes a work order, and whether ERP has heard of it.
ALTER TABLE work_orders ADD COLUMN completed_by VARCHAR(100);
