#!/usr/bin/env bash
# MRAOS work-order intake benchmark: builds MRAOS, starts a node of its own (benchmark ports, fresh data dir under
# /tmp, rate limit out of the way), waits for /health/ready, runs WorkOrderIntakeSimulation, stops the node by its PID.
#
#   load-tests/run.sh -Drate=2000 -Dduration=60                 one constant-rate run
#   RATES="250 500 1000 1500 2000" load-tests/run.sh -Dduration=60   one run per rate, same node, in order
#   RATES="250:60 500:60 1000:30" load-tests/run.sh                    rate:seconds
#   load-tests/run.sh -Dmode=stairs -DstairsStart=250 -DstairsStep=250 -DstairsLevels=8 -DstairsLevelSeconds=20
#   load-tests/run.sh -Dmode=ramp -DrampFrom=100 -DrampTo=3000 -Dduration=120
#
# Env: SKIP_BUILD=1  PROFILE=1 (JFR recording of the node for the whole session, see README)
#      HTTP_PORT=18080 PG_PORT=15433 KAFKA_PORT=19092 KAFKA_CONTROLLER_PORT=19093 ISSUER_PORT=18180
#      NODE_JAVA_OPTS="..." (extra JVM options for the node)   KEEP_DATA=1 (keep the data dir)
#      PAUSE_BETWEEN=10 (seconds between runs)   NODE_WARMUP_SECONDS=60 NODE_WARMUP_RATE=100 (an unmeasured run first,
#      labelled "warmup": a fresh node JIT-compiles for minutes; 0 to skip)   RATE_LIMIT=10000000 (per minute)
#      DB_SAMPLE=1 (sample pg_stat_activity during each run: DB_SAMPLE_DELAY=25 s after start, for DB_SAMPLE_SECONDS=30)
#      FSYNC=true|false (database.embedded-fsync of the node: true, the node's default, is the honest figure; the run
#      labels say which: mraos-fsync-on-<rate>)   MAX_IN_FLIGHT (http.max-in-flight; default: the node's)
#      NODE_HEAP=1g (fixed heap of the node: -Xms = -Xmx, pre-touched; empty for the JVM's default)
# Figures: load-tests/target/results/summary.tsv (one line per run) and each run's Gatling report.
set -uo pipefail
source "$(dirname "$0")/lib.sh"

HTTP_PORT="${HTTP_PORT:-18080}"
PG_PORT="${PG_PORT:-15433}"
KAFKA_PORT="${KAFKA_PORT:-19092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-19093}"
ISSUER_PORT="${ISSUER_PORT:-18180}"
BASE="http://localhost:$HTTP_PORT"
# the token's iss must be exactly what the node expects: localhost, not 127.0.0.1
ISSUER="http://localhost:$ISSUER_PORT/mraos"

build_all
for port in "$HTTP_PORT" "$PG_PORT" "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT" "$ISSUER_PORT"; do require_free_port "$port"; done

DATA_DIR="$(mktemp -d /tmp/mraos-load-XXXXXX)"
NODE_LOG="$RESULTS_DIR/node-$(date +%Y%m%d-%H%M%S).log"
SERVER_PID=""

cleanup() {
  stop_gatling
  stop_node
  if [[ "${KEEP_DATA:-0}" != 1 ]]; then rm -rf "$DATA_DIR"; else log "Data kept in $DATA_DIR"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

FSYNC="${FSYNC:-true}"
[[ "$FSYNC" == true || "$FSYNC" == false ]] || die "FSYNC must be true or false"
FSYNC_LABEL="fsync-$([[ "$FSYNC" == true ]] && echo on || echo off)"
NODE_HEAP="${NODE_HEAP-1g}"
HEAP_OPTS=""
[[ -n "$NODE_HEAP" ]] && HEAP_OPTS="-Xms$NODE_HEAP -Xmx$NODE_HEAP -XX:+AlwaysPreTouch"

log "Starting a node: HTTP $HTTP_PORT, PostgreSQL $PG_PORT ($FSYNC_LABEL), Kafka $KAFKA_PORT/$KAFKA_CONTROLLER_PORT, issuer $ISSUER_PORT, data $DATA_DIR, JVM: $HEAP_OPTS ${NODE_JAVA_OPTS:-}"
NODE_OPTS="$HEAP_OPTS" start_node "$NODE_LOG" "$RESULTS_DIR/mraos-$(date +%Y%m%d-%H%M%S).jfr" \
  MRAOS_NODE_NAME=load-test \
  MRAOS_SECURITY_RATE_LIMIT_REQUESTS_PER_MINUTE="${RATE_LIMIT:-10000000}" \
  MRAOS_DATABASE_EMBEDDED_FSYNC="$FSYNC" \
  ${MAX_IN_FLIGHT:+MRAOS_HTTP_MAX_IN_FLIGHT="$MAX_IN_FLIGHT"}
wait_ready "$BASE/health/ready" 240 "$SERVER_PID"

SIM_ARGS=(-Dbase="$BASE" -Dissuer="$ISSUER")
if ((${NODE_WARMUP_SECONDS:-60} > 0)); then
  # a fresh node compiles (JIT) for minutes: one unmeasured run at a low rate first, recorded as "warmup"
  run_gatling WorkOrderIntakeSimulation warmup "${SIM_ARGS[@]}" -Dmode=constant -Drate="${NODE_WARMUP_RATE:-100}" \
    -Dduration="${NODE_WARMUP_SECONDS:-60}" -Dwarmup=0
  sleep "${PAUSE_BETWEEN:-10}"
fi
run_rates WorkOrderIntakeSimulation "mraos-$FSYNC_LABEL" "${SIM_ARGS[@]}" "$@"
log "Figures: $SUMMARY"
