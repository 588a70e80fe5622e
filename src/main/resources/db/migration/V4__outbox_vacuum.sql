-- outbox_events is a queue: every event is inserted, relayed within milliseconds and deleted. With the default
-- autovacuum thresholds (20 % of a table that holds a handful of live rows, at most once per autovacuum_naptime) its
-- dead rows pile up under load (tens of MB for a few live rows), and the relay's "oldest first" index scan then steps
-- over thousands of them on every round. Vacuum it after every few thousand deleted rows, at full speed (it is small).
-- autovacuum_naptime is the server's: the embedded PostgreSQL runs with 10 s; see docs/operations.md for a real one.
ALTER TABLE outbox_events SET (
    autovacuum_vacuum_scale_factor = 0,
    autovacuum_vacuum_threshold = 5000,
    autovacuum_vacuum_insert_scale_factor = 0,
    autovacuum_vacuum_insert_threshold = 5000,
    autovacuum_vacuum_cost_delay = 0);
