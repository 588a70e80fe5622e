-- JSON payloads are kept for people and for replays; no query filters, joins or sorts on what is inside them. ANALYZE
-- still computed statistics on them (sorting and comparing sampled jsonb values), which on the busiest tables was most
-- of its work: on an audit table of 150,000 intake rows (1 KB request, small response) ANALYZE took 1.7 s of CPU with
-- these statistics and 0.65 s without, and autovacuum analyzes such a table every ~7 s at 2,000 orders/s while it is
-- young. Statistics target 0: ANALYZE leaves these columns out; the planner never needed them.
ALTER TABLE integration_audit_log
    ALTER COLUMN request_payload SET STATISTICS 0,
    ALTER COLUMN response_payload SET STATISTICS 0;
ALTER TABLE outbox_events ALTER COLUMN envelope SET STATISTICS 0;
ALTER TABLE integration_failures ALTER COLUMN original_message SET STATISTICS 0;
ALTER TABLE idempotency_keys ALTER COLUMN response_body SET STATISTICS 0;
ALTER TABLE alerts ALTER COLUMN details SET STATISTICS 0;
ALTER TABLE outbound_messages
    ALTER COLUMN payload SET STATISTICS 0,
    ALTER COLUMN retries SET STATISTICS 0,
    ALTER COLUMN response SET STATISTICS 0;
ALTER TABLE integration_failure_actions ALTER COLUMN payload SET STATISTICS 0;
ALTER TABLE scheduled_runs ALTER COLUMN summary SET STATISTICS 0;
ALTER TABLE reconciliation_reports ALTER COLUMN discrepancies SET STATISTICS 0;
