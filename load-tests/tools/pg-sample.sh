#!/usr/bin/env bash
# Samples what the node's PostgreSQL backends are doing, every 50 ms for N seconds, over one psql session (so the
# sampling costs one connection, not a process per sample). It connects to the "postgres" database, so its own
# pg_sleep does not count in database mraos's pg_stat_database.active_time. Prints one line per sample and state:
#   <sample#> <state> <wait_event_type> <wait_event> <count>
# Usage: tools/pg-sample.sh PG_PORT SECONDS > samples.txt   (then tools/pg-sample-report.sh samples.txt)
port=$1 seconds=$2
n=$((seconds * 20))
{
  echo "\\pset format unaligned"
  echo "\\pset tuples_only on"
  echo "\\pset fieldsep ' '"
  for ((i = 1; i <= n; i++)); do
    echo "SELECT $i, state, coalesce(wait_event_type, 'CPU'), coalesce(wait_event, '-'), count(*) FROM pg_stat_activity
          WHERE datname = 'mraos' AND pid <> pg_backend_pid() AND backend_type = 'client backend'
          GROUP BY 2, 3, 4;"
    echo "SELECT pg_sleep(0.05);"
  done
} | PGPASSWORD="${PG_PASSWORD:-mraos}" psql -X -q -h 127.0.0.1 -p "$port" -U "${PG_USER:-mraos}" -d postgres 2>/dev/null | grep -v '^$'
