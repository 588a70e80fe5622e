#!/usr/bin/env bash
# cpu.sh label ev [sql first]: 1500 batches of a line's counts statement (batch.sql: 20 counts for 20 work orders, as
# at saturation; ev=1 with the progress events and a relay-like DELETE of the outbox per batch), prepared, autocommit,
# in one session; prints that backend's CPU µs per count (from /proc: robust to other load on the machine, though
# not to its cache effects) and wall ms per batch. Optional: SQL run first (e.g. drop a constraint), PRE= SQL for
# the session (e.g. SET plan_cache_mode). Needs setup.sh's database.
set -euo pipefail
cd "$(dirname "$0")"
PGBIN=/usr/lib/postgresql/15/bin
P="$PGBIN/psql -qAt -h 127.0.0.1 -p 15544 -U mraos -d mraos -v ON_ERROR_STOP=1"
label=$1 ev=$2
[[ -n "${3:-}" ]] && $P -c "$3"
$P -c "TRUNCATE production_logs, outbox_events" -c "VACUUM ANALYZE" -c "CHECKPOINT" -c "SELECT pg_stat_reset()" >/dev/null
f=$(mktemp)
{
  echo "SELECT pg_backend_pid() AS pid \\gset"
  echo "\\setenv PID :pid"
  echo "\\set ev $ev"
  echo "\\o /dev/null"
  echo "\\! awk '{print \$14+\$15}' /proc/\$PID/stat > $f.before"
  echo "SELECT clock_timestamp() AS t0 \\gset"
  echo "${PRE:-}"
  python3 - <<'PY'
s = '\n'.join(l for l in open('batch.sql').read().split('\n') if not l.startswith(('--', '\\set')))
stmt = s[:s.index('\\if :ev')].strip().rstrip(';').replace(':l::text', '$1::text').replace('|| :l', '|| $1').replace(':ev', '$2')
print('PREPARE b(int, int) AS ' + stmt + ';')
print('PREPARE r AS ' + s[s.index('DELETE'):s.index('\\endif')].strip())
PY
  for i in $(seq 1500); do
    echo "EXECUTE b($(( (i % 10) + 1 )), $ev);"
    ((ev)) && echo "EXECUTE r;"
  done
  echo "\\! awk '{print \$14+\$15}' /proc/\$PID/stat > $f.after"
  echo "\\o"
  echo "SELECT round(extract(epoch FROM clock_timestamp() - :'t0'::timestamptz) * 1000 / 1500, 2) AS ms_per_batch \\gset"
  echo "\\setenv MS :ms_per_batch"
  echo "\\! echo \$MS > $f.ms"
} > $f.sql
$P -f $f.sql
n=$($P -c "SELECT count(*) FROM production_logs")
echo "$label: counts=$n backend_cpu_us_per_count=$(awk -v a=$(cat $f.after) -v b=$(cat $f.before) -v n=$n 'BEGIN{printf "%.1f", (a-b)*10000/n}') wall_ms_per_batch=$(cat $f.ms) hot=$($P -c "SELECT n_tup_hot_upd||'/'||n_tup_upd FROM pg_stat_user_tables WHERE relname='work_orders'")"
rm -f $f $f.*
