#!/usr/bin/env bash
# A throw-away PostgreSQL 15 (the system's binaries; run as root it runs the server as user postgres) on 127.0.0.1:15544,
# data in /tmp/mqtt-pgprof, with MRAOS's schema and the benchmark plant's 200 machines and work orders: for cpu.sh.
# Stop it with: runuser -u postgres -- /usr/lib/postgresql/15/bin/pg_ctl -D /tmp/mqtt-pgprof stop
set -euo pipefail
PGBIN=/usr/lib/postgresql/15/bin
D=/tmp/mqtt-pgprof
PORT=15544
rm -rf $D
mkdir -p $D && chown postgres $D && runuser -u postgres -- $PGBIN/initdb -D $D -U mraos --auth=trust >/dev/null
cat >> $D/postgresql.conf <<CONF
port=$PORT
listen_addresses='127.0.0.1'
unix_socket_directories='/tmp/mqtt-pgprof'
shared_preload_libraries='pg_stat_statements'
pg_stat_statements.track=all
shared_buffers=128MB
CONF
runuser -u postgres -- $PGBIN/pg_ctl -D $D -l $D/log -w start >/dev/null
$PGBIN/createdb -h 127.0.0.1 -p $PORT -U mraos mraos
P="$PGBIN/psql -q -h 127.0.0.1 -p $PORT -U mraos -d mraos -v ON_ERROR_STOP=1"
HERE="$(cd "$(dirname "$0")" && pwd)"
# the schema as of V3 (with production_logs' foreign keys); later migrations are what the variants try
for f in "$HERE"/../../../src/main/resources/db/migration/V[1-3]__*.sql; do $P -f "$f"; done
$P <<SQL
CREATE EXTENSION pg_stat_statements;
INSERT INTO production_lines (line_id, name) SELECT 'line' || l, 'Line ' || l FROM generate_series(1, 10) l;
INSERT INTO machines (machine_id, line_id, name) SELECT 'M-' || lpad(l::text, 2, '0') || '-' || lpad(m::text, 3, '0'), 'line' || l, 'm'
  FROM generate_series(1, 10) l, generate_series(1, 20) m;
INSERT INTO work_orders (work_order_id, erp_work_order_id, product_id, quantity_ordered, status, due_date, erp_event_at, machine_id, line_id)
SELECT 'Bxyz-' || lpad(l::text, 2, '0') || '-' || lpad(m::text, 3, '0'), 'E' || l || '-' || m, 'BENCH', 1000000000, 'in_progress',
       now() + interval '1 day', now(), 'M-' || lpad(l::text, 2, '0') || '-' || lpad(m::text, 3, '0'), 'line' || l
  FROM generate_series(1, 10) l, generate_series(1, 20) m;
CREATE SEQUENCE bench_seq;
SQL
echo ready
