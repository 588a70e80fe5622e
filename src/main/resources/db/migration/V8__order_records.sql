-- What a work order's records must carry so that ERP and a reviewer can trust them (issue 14).
-- Written only by verticles.workorders, like the rest of work_orders.

-- The correlation id the order came with (ERP's webhook X-Correlation-ID, or the one MRAOS gave the request): the calls
-- MRAOS makes about the order (the MES's start, ERP's completion report) and their dead letters carry it, so one id
-- follows the order from ERP through the MES back to ERP. Null for orders taken in before this column.
ALTER TABLE work_orders ADD COLUMN correlation_id VARCHAR(100);

-- The distinct defect types recorded for the order (the MES's inspections that found a defect, and what a supervisor
-- named when completing it), in the order they were first recorded: the completion report's quality_results.defect_types.
ALTER TABLE work_orders ADD COLUMN defect_types TEXT[] NOT NULL DEFAULT '{}';

UPDATE work_orders w
   SET defect_types = d.types
  FROM (SELECT work_order_id, array_agg(defect_type ORDER BY first_at, defect_type) AS types
          FROM (SELECT work_order_id, defect_type, min(inspected_at) AS first_at
                  FROM quality_inspections
                 WHERE defect_detected AND defect_type IS NOT NULL AND work_order_id IS NOT NULL
                 GROUP BY work_order_id, defect_type) first_seen
         GROUP BY work_order_id) d
 WHERE w.work_order_id = d.work_order_id;
