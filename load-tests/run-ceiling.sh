#!/usr/bin/env bash
# The ceiling: the same Gatling run (CeilingSimulation: same POST, body size and bearer header) against a trivial
# Vert.x route (CeilingServer) on the node's own runtime classpath, started here and stopped by its PID.
#
#   load-tests/run-ceiling.sh -Drate=2000 -Dduration=60
#   RATES="250 500 1000 1500 2000" load-tests/run-ceiling.sh -Dduration=60
#
#   CEILING_DATABASE=batch load-tests/run-ceiling.sh -Drate=2000 -Dduration=60    each body kept durably first (below)
#
# Env: SKIP_BUILD=1  CEILING_PORT=18090  CEILING_INSTANCES=<cores>  CEILING_JAVA_OPTS="..."  PAUSE_BETWEEN=10
#      CEILING_DATABASE=none|insert|batch (none: answer at once; insert: one durable jsonb row and commit per request;
#      batch: the rows of the requests that arrived meanwhile in one statement, one in flight per instance, as the
#      node's intake; spec: batched likewise, but the rows MRAOS writes for an order, with the node's own statements on
#      its own schema: order, two BOM lines and outbox event, then the audit row, and the relay's deletes, no Kafka;
#      all in the node's embedded PostgreSQL, fsync on, port CEILING_PG_PORT=15434, data under /tmp)
#      SERVER_WARMUP_SECONDS=30 SERVER_WARMUP_RATE=200 (an unmeasured run first, labelled "warmup"; 0 to skip)
set -uo pipefail
source "$(dirname "$0")/lib.sh"

CEILING_PORT="${CEILING_PORT:-18090}"
CEILING_DATABASE="${CEILING_DATABASE:-none}"
[[ "$CEILING_DATABASE" =~ ^(none|insert|batch|spec)$ ]] || die "CEILING_DATABASE must be none, insert, batch or spec"
LABEL="ceiling$([[ "$CEILING_DATABASE" == none ]] || echo "-db-$CEILING_DATABASE")"
BASE="http://localhost:$CEILING_PORT"

build_all
require_free_port "$CEILING_PORT"
[[ -f "$LOAD_DIR/target/classes/mraos/load/CeilingServer.class" ]] || die "CeilingServer is not compiled (run without SKIP_BUILD=1)"

SERVER_PID=""
cleanup() {
  stop_gatling
  if [[ -n "$SERVER_PID" ]]; then
    log "Stopping the ceiling server (PID $SERVER_PID)"
    stop_pid "$SERVER_PID" 30
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

SERVER_LOG="$RESULTS_DIR/ceiling-server-$(date +%Y%m%d-%H%M%S).log"
# compiled in load-tests, run on the root project's runtime classpath: the node's Vert.x 5.0.7 and Netty, no Gatling
# shellcheck disable=SC2086
java ${CEILING_JAVA_OPTS:-} -cp "$LOAD_DIR/target/classes:$ROOT_DIR/target/mraos.jar:$ROOT_DIR/target/lib/*" mraos.load.CeilingServer \
  "$CEILING_PORT" "${CEILING_INSTANCES:-$(nproc)}" "$CEILING_DATABASE" "${CEILING_PG_PORT:-15434}" > "$SERVER_LOG" 2>&1 &
SERVER_PID=$!
log "Ceiling server PID $SERVER_PID, log $SERVER_LOG"
wait_ready "$BASE/health/ready" 120 "$SERVER_PID"

if ((${SERVER_WARMUP_SECONDS:-30} > 0)); then
  run_gatling CeilingSimulation warmup -Dbase="$BASE" -Dmode=constant -Drate="${SERVER_WARMUP_RATE:-200}" \
    -Dduration="${SERVER_WARMUP_SECONDS:-30}" -Dwarmup=0
  sleep "${PAUSE_BETWEEN:-10}"
fi
run_rates CeilingSimulation "$LABEL" -Dbase="$BASE" "$@"
log "Figures: $SUMMARY"
