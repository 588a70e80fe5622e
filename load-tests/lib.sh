# Shared by run.sh and run-ceiling.sh: building, ports, one Gatling run with its figures. Source it, do not run it.
# shellcheck shell=bash

LOAD_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT_DIR="$(cd "$LOAD_DIR/.." && pwd)"
RESULTS_DIR="${RESULTS_DIR:-$LOAD_DIR/target/results}"
SUMMARY="$RESULTS_DIR/summary.tsv"
mkdir -p "$RESULTS_DIR"

log() { echo "[$(date +%H:%M:%S)] $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# Builds target/mraos.jar (+ target/lib) and compiles a load-test project, unless SKIP_BUILD=1. $1: the project
# (default: the Gatling one, load-tests), $2: its Maven phase (default test-compile).
build_all() {
  local project=${1:-$LOAD_DIR} phase=${2:-test-compile}
  if [[ "${SKIP_BUILD:-0}" == 1 ]]; then
    log "SKIP_BUILD=1: using the existing target/mraos.jar and $project/target"
  else
    log "Building MRAOS (mvn -B -q package -DskipTests)"
    (cd "$ROOT_DIR" && mvn -B -q package -DskipTests) || die "MRAOS build failed"
    log "Compiling $project"
    (cd "$project" && mvn -B -q "$phase") || die "$project build failed"
  fi
  [[ -f "$ROOT_DIR/target/mraos.jar" && -d "$ROOT_DIR/target/lib" ]] || die "target/mraos.jar or target/lib is missing (build without SKIP_BUILD=1)"
}

# Stops the node of start_node (SERVER_PID) and, if it had to be killed, the embedded PostgreSQL it left behind (by
# the pid file in DATA_DIR).
stop_node() {
  if [[ -n "${SERVER_PID:-}" ]]; then
    log "Stopping the node (PID $SERVER_PID)"
    stop_pid "$SERVER_PID" 90
  fi
  if [[ -r "$DATA_DIR/postgres/postmaster.pid" ]]; then
    local pm
    pm="$(head -1 "$DATA_DIR/postgres/postmaster.pid")"
    if [[ -n "$pm" ]] && kill -0 "$pm" 2>/dev/null && grep -q postgres "/proc/$pm/comm" 2>/dev/null; then
      log "Stopping the embedded PostgreSQL left behind (PID $pm)"
      stop_pid "$pm" 30
    fi
  fi
}

# Starts a node of the benchmark's own in the background, from the repository root, with the caller's HTTP_PORT,
# PG_PORT, KAFKA_PORT, KAFKA_CONTROLLER_PORT, ISSUER_PORT and DATA_DIR; sets SERVER_PID. $1: its log; $2: where a JFR
# recording goes when PROFILE=1; further arguments: more environment settings (NAME=value). JVM options: NODE_OPTS
# (the script's), then NODE_JAVA_OPTS (the caller's).
start_node() {
  local node_log=$1 jfr_file=$2
  shift 2
  local jfr_opts=""
  if [[ "${PROFILE:-0}" == 1 ]]; then
    jfr_opts="-XX:StartFlightRecording=settings=profile,filename=$jfr_file,dumponexit=true"
    log "JFR recording of the node -> $jfr_file"
  fi
  (
    cd "$ROOT_DIR" || exit 1
    export MRAOS_HTTP_PORT="$HTTP_PORT" \
      MRAOS_DATABASE_EMBEDDED_PORT="$PG_PORT" \
      MRAOS_KAFKA_EMBEDDED_PORT="$KAFKA_PORT" \
      MRAOS_KAFKA_EMBEDDED_CONTROLLER_PORT="$KAFKA_CONTROLLER_PORT" \
      MRAOS_SECURITY_EMBEDDED_ISSUER_PORT="$ISSUER_PORT" \
      MRAOS_NODE_DATA_DIR="$DATA_DIR"
    local setting
    for setting in "$@"; do
      export "${setting?}"
    done
    # shellcheck disable=SC2086
    exec java ${NODE_OPTS:-} ${NODE_JAVA_OPTS:-} $jfr_opts -jar target/mraos.jar
  ) > "$node_log" 2>&1 &
  SERVER_PID=$!
  log "Node PID $SERVER_PID, log $node_log"
}

# Runs SIMULATION once per item of RATES ("rate" or "rate:seconds"), in order, at a constant rate, labelled PREFIX-rate,
# with the further arguments; without RATES, once, labelled PREFIX, with the arguments alone.
run_rates() {
  local simulation=$1 prefix=$2 first=1 item rate
  shift 2
  if [[ -z "${RATES:-}" ]]; then
    run_gatling "$simulation" "$prefix" "$@"
    return
  fi
  for item in $RATES; do
    ((first)) || sleep "${PAUSE_BETWEEN:-10}"
    first=0
    rate="${item%%:*}"
    local per_run=()
    [[ "$item" == *:* ]] && per_run=(-Dduration="${item#*:}")
    run_gatling "$simulation" "$prefix-$rate" -Dmode=constant -Drate="$rate" "$@" "${per_run[@]}"
  done
}

require_free_port() {
  local port=$1
  if ss -ltn "( sport = :$port )" | grep -q LISTEN; then
    die "port $port is already in use: choose other ports (see README) or stop what you started there"
  fi
}

wait_ready() { # url timeout_s pid
  local url=$1 timeout=$2 pid=$3 waited=0
  until curl -fsS -o /dev/null "$url" 2>/dev/null; do
    kill -0 "$pid" 2>/dev/null || die "the process $pid died before $url answered"
    ((waited >= timeout)) && die "$url not ready after ${timeout}s"
    sleep 1
    waited=$((waited + 1))
  done
  log "$url is ready (${waited}s)"
}

# Waits until the node's integration status shows every line up (readiness says only that the API is served; a count
# published before a line's first subscription would find no session on a fresh broker). $1: HTTP port, $2: issuer port
wait_lines() {
  local http=$1 issuer=$2 token waited=0
  token=$(curl -fsS -u supervisor:supervisor-secret -d grant_type=client_credentials \
    "http://localhost:$issuer/mraos/token" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
  until curl -fsS -H "Authorization: Bearer $token" "http://localhost:$http/api/v1/integrations/status" 2>/dev/null \
      | python3 -c 'import json,sys; l=json.load(sys.stdin)["lines"]; sys.exit(0 if l and all(x["status"]=="up" for x in l.values()) else 1)'; do
    ((waited >= 120)) && die "the lines are not all up after 120 s"
    sleep 1
    waited=$((waited + 1))
  done
  log "every line is up (${waited}s)"
}

# Stops the Gatling run under way (Maven and the JVM it forked), if any: used when a script is interrupted.
stop_gatling() {
  [[ -n "${GATLING_MVN_PID:-}" ]] || return 0
  local child
  for child in $(ps -o pid= --ppid "$GATLING_MVN_PID" 2>/dev/null); do stop_pid "$child" 10; done
  stop_pid "$GATLING_MVN_PID" 10
  GATLING_MVN_PID=""
}

# Stops a process we started, by its PID: TERM, then KILL after a grace period.
stop_pid() { # pid grace_s
  local pid=$1 grace=${2:-60} waited=0
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null && ((waited < grace)); do sleep 1; waited=$((waited + 1)); done
  if kill -0 "$pid" 2>/dev/null; then
    log "PID $pid still alive after ${grace}s: KILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}

# "pid ticks" (utime+stime, clock ticks) of each given PID, and of its children too with --children.
cpu_snapshot() {
  local children=0 p c
  [[ "${1:-}" == --children ]] && { children=1; shift; }
  for p in "$@"; do
    [[ -n "$p" ]] || continue
    for c in "$p" $( ((children)) && ps -o pid= --ppid "$p" 2>/dev/null); do
      [[ -r /proc/$c/stat ]] && awk -v pid="$c" '{ sub(/^.*\) /, ""); print pid, $12 + $13 }' "/proc/$c/stat" 2>/dev/null
    done
  done
  return 0
}

# CPU seconds spent between two snapshots (processes that appeared in between count from zero).
cpu_seconds() { # before_file after_file
  awk -v hz="$(getconf CLK_TCK)" 'NR == FNR { before[$1] = $2; next } { sum += $2 - before[$1] } END { printf "%.1f", sum / hz }' "$1" "$2"
}

load_average() { awk '{ print $1 "/" $2 "/" $3 }' /proc/loadavg; }

# One Gatling run. Args: simulation class, label, then -D properties for the simulation.
# Env: SERVER_PID (the JVM under test: its CPU seconds are measured), DATA_DIR + PG_PORT (the embedded PostgreSQL's
# CPU seconds, all its processes, and pg_stat_database figures).
run_gatling() {
  local simulation=$1 label=$2
  shift 2
  local stamp run_log before after
  stamp="$(date +%Y%m%d-%H%M%S)"
  run_log="$RESULTS_DIR/$label-$stamp.log"
  local before after pg_cpu_before pg_cpu_after
  before="$(mktemp)"; after="$(mktemp)"; pg_cpu_before="$(mktemp)"; pg_cpu_after="$(mktemp)"
  local load_before pg_before="" started ended
  load_before="$(load_average)"
  cpu_snapshot ${SERVER_PID:-} > "$before"
  cpu_snapshot --children $(pg_pids) > "$pg_cpu_before"
  [[ -n "${PG_PORT:-}" ]] && pg_before="$(pg_counters)"
  started=$(date +%s)
  log "Gatling $simulation $* (load average $load_before) -> $run_log"
  (cd "$LOAD_DIR" && exec mvn -B gatling:test -Dgatling.simulationClass="mraos.load.$simulation" "$@") > "$run_log" 2>&1 &
  local mvn_pid=$! gatling_ticks=0 g t sampler=""
  GATLING_MVN_PID=$mvn_pid # for the scripts' cleanup, should they be interrupted
  if [[ "${DB_SAMPLE:-0}" == 1 && -n "${PG_PORT:-}" ]]; then
    # what PostgreSQL's backends do during the run (see tools/pg-sample-report.sh)
    # starts after Maven's start-up and the warm-up (DB_SAMPLE_DELAY), then samples DB_SAMPLE_SECONDS
    (sleep "${DB_SAMPLE_DELAY:-25}"; exec "$LOAD_DIR/tools/pg-sample.sh" "$PG_PORT" "${DB_SAMPLE_SECONDS:-30}") \
      > "$RESULTS_DIR/$label-$stamp.pg-samples.txt" &
    sampler=$!
  fi
  # CPU of the Gatling JVM that Maven forks (not Maven's own), sampled each second until it ends
  while kill -0 "$mvn_pid" 2>/dev/null; do
    for g in $(ps -o pid= --ppid "$mvn_pid" 2>/dev/null); do
      t="$(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$g/stat" 2>/dev/null)"
      [[ -n "$t" ]] && ((t > gatling_ticks)) && gatling_ticks=$t
    done
    sleep 1
  done
  wait "$mvn_pid"
  local rc=$?
  GATLING_MVN_PID=""
  if [[ -n "$sampler" ]]; then
    wait "$sampler" 2>/dev/null # it ends by itself after DB_SAMPLE_DELAY + DB_SAMPLE_SECONDS
    "$LOAD_DIR/tools/pg-sample-report.sh" "$RESULTS_DIR/$label-$stamp.pg-samples.txt" > "$RESULTS_DIR/$label-$stamp.pg-waits.txt"
    log "PostgreSQL backends during the run (average count per state/wait event):"
    head -12 "$RESULTS_DIR/$label-$stamp.pg-waits.txt" >&2
  fi
  ended=$(date +%s)
  cpu_snapshot ${SERVER_PID:-} > "$after"
  cpu_snapshot --children $(pg_pids) > "$pg_cpu_after"
  local load_after server_cpu pg_cpu="" gatling_cpu pg_line=""
  load_after="$(load_average)"
  server_cpu="$(cpu_seconds "$before" "$after")"
  [[ -s "$pg_cpu_before" ]] && pg_cpu="$(cpu_seconds "$pg_cpu_before" "$pg_cpu_after")"
  gatling_cpu="$(awk -v t="$gatling_ticks" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.1f", t / hz }')"
  [[ -n "$pg_before" ]] && pg_line="$(pg_delta "$pg_before" "$(pg_counters)")"
  rm -f "$before" "$after" "$pg_cpu_before" "$pg_cpu_after"
  local report
  report="$(grep -o 'target/gatling/[^ ]*/index.html' "$run_log" | tail -1 || true)"
  [[ -n "$report" ]] || { tail -40 "$run_log" >&2; log "Gatling run failed (exit $rc): no report"; return 1; }
  python3 "$LOAD_DIR/tools/summary.py" "$LOAD_DIR/$(dirname "$report")" "$simulation" "$label" "$*" \
      "$load_before" "$load_after" "$server_cpu" "$pg_cpu" "${gatling_cpu:-?}" "$((ended - started))" "$pg_line" "$rc" \
      "$SUMMARY"
  return 0
}

# The embedded PostgreSQL's processes (postmaster + backends), found through its pid file in our own data dir.
pg_pids() {
  [[ -n "${DATA_DIR:-}" && -r "$DATA_DIR/postgres/postmaster.pid" ]] || return 0
  local pm
  pm="$(head -1 "$DATA_DIR/postgres/postmaster.pid")"
  echo "$pm"
}

psql_mraos() {
  PGPASSWORD="${PG_PASSWORD:-mraos}" psql -X -q -A -t -h 127.0.0.1 -p "$PG_PORT" -U "${PG_USER:-mraos}" -d mraos "$@"
}

# xact_commit, active_time (ms: time backends spent running statements, PostgreSQL 14+), work orders stored.
pg_counters() {
  psql_mraos -F ' ' -c "SELECT xact_commit, coalesce(active_time, 0)::bigint, (SELECT count(*) FROM work_orders)
      FROM pg_stat_database WHERE datname = 'mraos'" 2>/dev/null | head -1
}

pg_delta() { # "before" "after"
  local b=($1) a=($2)
  [[ ${#b[@]} -eq 3 && ${#a[@]} -eq 3 ]] || { echo ""; return; }
  echo "$((a[0] - b[0])) $((a[1] - b[1])) $((a[2] - b[2]))"
}
