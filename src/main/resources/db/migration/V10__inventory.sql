-- Inventory (spec §6, issue 17): the warehouse's live stock, its batches, MRAOS's reservations and the CDC replica's
-- bookkeeping. Every table here is written only by verticles.inventory; others read them (the ERP intake's material
-- check and shortage warning, the supervisor's start). materials stays ERP's material master, written only by
-- verticles.erp: its stock columns (never written by any code until now) move to material_stock and are dropped.

-- The warehouse's stock of each material (§6.2.1 stock levels; §6.3 CDC replica). No foreign key to materials: the
-- warehouse may hold a material before ERP's master names it.
CREATE TABLE material_stock (
    material_id          VARCHAR(64)    PRIMARY KEY,
    part_number          VARCHAR(64),
    on_hand_quantity     NUMERIC(14, 3) NOT NULL DEFAULT 0,
    allocated_quantity   NUMERIC(14, 3) NOT NULL DEFAULT 0,
    available_quantity   NUMERIC(14, 3) GENERATED ALWAYS AS (on_hand_quantity - allocated_quantity) STORED,
    safety_stock         NUMERIC(14, 3) NOT NULL DEFAULT 0,
    unit_of_measure      VARCHAR(16),
    warehouse            VARCHAR(64),
    location             VARCHAR(100),
    last_updated         TIMESTAMPTZ,                -- the warehouse's own time of the state held (pull or CDC event)
    last_transaction_id  VARCHAR(100),               -- the last CDC event applied
    reorder_alert_at     TIMESTAMPTZ,                -- below safety stock since then (alert raised once); null: not below
    updated_at           TIMESTAMPTZ    NOT NULL DEFAULT now()
);

INSERT INTO material_stock (material_id, part_number, on_hand_quantity, allocated_quantity, safety_stock, warehouse,
                            location, last_updated, unit_of_measure)
SELECT material_id, part_number, on_hand_quantity, allocated_quantity, safety_stock, warehouse, location,
       stock_updated_at, unit_of_measure
  FROM materials
 WHERE on_hand_quantity <> 0 OR allocated_quantity <> 0 OR safety_stock <> 0 OR warehouse IS NOT NULL
    OR stock_updated_at IS NOT NULL;

ALTER TABLE materials DROP CONSTRAINT materials_quantities_non_negative;
ALTER TABLE materials DROP COLUMN available_quantity;
ALTER TABLE materials DROP COLUMN on_hand_quantity;
ALTER TABLE materials DROP COLUMN allocated_quantity;
ALTER TABLE materials DROP COLUMN safety_stock;
ALTER TABLE materials DROP COLUMN warehouse;
ALTER TABLE materials DROP COLUMN location;
ALTER TABLE materials DROP COLUMN stock_updated_at;

-- The batches of each material the warehouse holds, as its last stock pull listed them (FEFO: earliest expiry first).
CREATE TABLE material_batches (
    material_id      VARCHAR(64)    NOT NULL,
    batch_number     VARCHAR(64)    NOT NULL,
    quantity         NUMERIC(14, 3) NOT NULL,
    expiration_date  DATE,
    updated_at       TIMESTAMPTZ    NOT NULL,
    PRIMARY KEY (material_id, batch_number)
);

-- CDC events applied, by the warehouse's transaction id: a replayed or duplicated event changes nothing.
CREATE TABLE inventory_cdc_applied (
    transaction_id  VARCHAR(100)  NOT NULL,
    material_id     VARCHAR(64)   NOT NULL,
    field_changed   VARCHAR(64)   NOT NULL,
    outcome         VARCHAR(16)   NOT NULL CHECK (outcome IN ('applied', 'stale', 'gap')),
    source_at       TIMESTAMPTZ   NOT NULL,
    applied_at      TIMESTAMPTZ   NOT NULL,
    PRIMARY KEY (transaction_id, material_id, field_changed)
);
CREATE INDEX inventory_cdc_applied_time_idx ON inventory_cdc_applied (applied_at);

-- The newest source timestamp applied per field of a material: an event older than it is stale.
CREATE TABLE inventory_cdc_fields (
    material_id    VARCHAR(64)   NOT NULL,
    field_changed  VARCHAR(64)   NOT NULL,
    source_at      TIMESTAMPTZ   NOT NULL,
    PRIMARY KEY (material_id, field_changed)
);

-- Reservation numbers per plant day: RES-MRAOS-<yyyyMMdd>-<n>, n counted per day, never reused.
CREATE TABLE reservation_days (
    day      DATE     PRIMARY KEY,
    last_no  INTEGER  NOT NULL
);

-- MRAOS's reservation for a work order (§6.2.2), and what the warehouse allocated.
CREATE TABLE material_reservations (
    reservation_id            VARCHAR(40)   PRIMARY KEY,
    work_order_id             VARCHAR(32)   NOT NULL,
    status                    VARCHAR(20)   NOT NULL CHECK (status IN ('requested', 'reserved', 'partial', 'refused',
                                                                     'failed', 'releasing', 'released')),
    inventory_reservation_id  VARCHAR(64),
    message_id                VARCHAR(64)   NOT NULL,
    requested                 JSONB         NOT NULL,   -- the §6.2.2 materials asked for
    shortages                 JSONB,                    -- material_id, part_number, requested, reserved, short
    error                     TEXT,
    requested_at              TIMESTAMPTZ   NOT NULL,
    answered_at               TIMESTAMPTZ,
    released_at               TIMESTAMPTZ
);
CREATE INDEX material_reservations_order_idx ON material_reservations (work_order_id);

-- The batches the warehouse allocated to a reservation (FEFO), in its order.
CREATE TABLE material_reservation_batches (
    reservation_id  VARCHAR(40)    NOT NULL REFERENCES material_reservations (reservation_id),
    material_id     VARCHAR(64)    NOT NULL,
    batch_number    VARCHAR(64)    NOT NULL,
    quantity        NUMERIC(14, 3) NOT NULL,
    location        VARCHAR(100),
    position        INTEGER        NOT NULL,
    PRIMARY KEY (reservation_id, material_id, batch_number)
);

-- Consumption reported to the warehouse (§6.2.2): material issued during an order (any number), and the order's
-- completion (one per order, less what was issued before); each sent once (the outbound message id).
CREATE TABLE inventory_consumption_reports (
    transaction_id  VARCHAR(40)   PRIMARY KEY,
    work_order_id   VARCHAR(32)   NOT NULL,
    kind            VARCHAR(12)   NOT NULL CHECK (kind IN ('issue', 'completion')),
    materials       JSONB,                      -- material_id -> quantity reported
    message_id      VARCHAR(64)   NOT NULL,
    created_at      TIMESTAMPTZ   NOT NULL,
    delivered_at    TIMESTAMPTZ
);
CREATE UNIQUE INDEX inventory_consumption_reports_completion_idx ON inventory_consumption_reports (work_order_id)
    WHERE kind = 'completion';
CREATE SEQUENCE inventory_transaction_seq;

-- Payloads are kept, never searched: no statistics on them (as V6 does for the others; PayloadStatisticsTest).
ALTER TABLE material_reservations ALTER COLUMN requested SET STATISTICS 0, ALTER COLUMN shortages SET STATISTICS 0;
ALTER TABLE inventory_consumption_reports ALTER COLUMN materials SET STATISTICS 0;
