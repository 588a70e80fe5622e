#!/usr/bin/env bash
# The ceiling: the same Gatling run (CeilingSimulation: same POST, body size and bearer header) against a trivial
# Vert.x route (CeilingServer) on the node's own runtime classpath, started here and stopped by its PID.
#
#   load-tests/run-ceiling.sh -Drate=2000 -Dduration=60
#   RATES="250 500 1000 1500 2000" load-tests/run-ceiling.sh -Dduration=60
#
# Env: SKIP_BUILD=1  CEILING_PORT=18090  CEILING_INSTANCES=<cores>  CEILING_JAVA_OPTS="..."  PAUSE_BETWEEN=10
#      SERVER_WARMUP_SECONDS=30 SERVER_WARMUP_RATE=200 (an unmeasured run first, labelled "warmup"; 0 to skip)
set -uo pipefail
source "$(dirname "$0")/lib.sh"

CEILING_PORT="${CEILING_PORT:-18090}"
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
java ${CEILING_JAVA_OPTS:-} -cp "$LOAD_DIR/target/classes:$ROOT_DIR/target/lib/*" mraos.load.CeilingServer \
  "$CEILING_PORT" "${CEILING_INSTANCES:-$(nproc)}" > "$SERVER_LOG" 2>&1 &
SERVER_PID=$!
log "Ceiling server PID $SERVER_PID, log $SERVER_LOG"
wait_ready "$BASE/health/ready" 60 "$SERVER_PID"

if ((${SERVER_WARMUP_SECONDS:-30} > 0)); then
  run_gatling CeilingSimulation warmup -Dbase="$BASE" -Dmode=constant -Drate="${SERVER_WARMUP_RATE:-200}" \
    -Dduration="${SERVER_WARMUP_SECONDS:-30}" -Dwarmup=0
  sleep "${PAUSE_BETWEEN:-10}"
fi
run_rates CeilingSimulation ceiling -Dbase="$BASE" "$@"
log "Figures: $SUMMARY"
