#!/usr/bin/env bash
# MES counts over MQTT: builds MRAOS and the MQTT load driver (load-tests/mqtt), starts a Mosquitto broker of its own,
# measures the broker's own pass-through with the driver and CeilingSubscriber (the ceiling), then starts a node of its
# own on that broker (benchmark plant, fresh data dir under /tmp) and measures MRAOS: publish-to-commit latency,
# committed counts per second, loss and double counts per machine. Everything it started is stopped by its PID.
#
#   load-tests/run-mqtt.sh                                   30,000 msg/s, 10 lines x 20 machines, 60 s measured
#   RATE=20000 DURATION=60 load-tests/run-mqtt.sh
#   RATES="10000 20000 30000" load-tests/run-mqtt.sh          several rates, in order, on the same broker and node
#   CEILING=0 load-tests/run-mqtt.sh                          the node only (NODE=0: the ceiling only)
#
# Env: LINES=10 MACHINES_PER_LINE=20 RATE=30000 (or RATES="..."; "max": as fast as the broker acknowledges)
#      WARMUP=10 DURATION=60 (s, per run)   NODE_WARMUP_SECONDS=30 NODE_WARMUP_RATE=10000 (an unmeasured run on a fresh
#      node first: it JIT-compiles; 0 to skip)   WINDOW=100 (QoS 1 publishes unacknowledged by the broker per machine)
#      MACHINES_PER_CONNECTION=20 (machines sharing one MQTT connection of the driver, a line's: each on its own topic,
#      what is due in a tick in one write; 1 = a connection each)   TICK_MS=5 (the driver sends what is due every TICK_MS
#      ms: a publish leaves up to that much after it was due; its latency counts from when it left)
#      PUBLISHERS=2 (driver event loops)
#      POLL_MS=5 (how often the driver reads the commits)
#      MQTT_PORT=11883 HTTP_PORT=18081 PG_PORT=15434 KAFKA_PORT=19192 KAFKA_CONTROLLER_PORT=19193 ISSUER_PORT=18181
#      BROKER_MAX_INFLIGHT=500 (Mosquitto's max_inflight_messages: unacknowledged deliveries per session; keep it below
#      lines.buffer-limit)   MOSQUITTO=/usr/sbin/mosquitto   SKIP_BUILD=1   KEEP_DATA=1   PROFILE=1 (JFR of the node)
#      DATABASE_URL=postgresql://127.0.0.1:5432/mraos (a PostgreSQL of your own for the node and the driver, e.g. one
#      with pg_stat_statements; DATABASE_PID=<its postmaster's PID> to measure its CPU; empty: the node's embedded one)
#      NODE_JAVA_OPTS DRIVER_JAVA_OPTS   and any MRAOS_LINES_* override for the node (e.g. MRAOS_LINES_BATCH_SIZE=1000)
# Figures: load-tests/target/results/mqtt-summary.tsv (one line per run) and a JSON file per run.
set -uo pipefail
source "$(dirname "$0")/lib.sh"

LINES="${LINES:-10}"
MACHINES_PER_LINE="${MACHINES_PER_LINE:-20}"
RATES="${RATES:-${RATE:-30000}}"
WARMUP="${WARMUP:-10}"
DURATION="${DURATION:-60}"
MQTT_PORT="${MQTT_PORT:-11883}"
HTTP_PORT="${HTTP_PORT:-18081}"
PG_PORT="${PG_PORT:-15434}"
KAFKA_PORT="${KAFKA_PORT:-19192}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-19193}"
ISSUER_PORT="${ISSUER_PORT:-18181}"
MOSQUITTO="${MOSQUITTO:-/usr/sbin/mosquitto}"
BROKER="mqtt://127.0.0.1:$MQTT_PORT"
MQTT_SUMMARY="$RESULTS_DIR/mqtt-summary.tsv"
MQTT_DIR="$LOAD_DIR/mqtt"
DATABASE_URL="${DATABASE_URL:-}"

[[ -x "$MOSQUITTO" ]] || die "Mosquitto is needed at $MOSQUITTO (Debian: apt-get install mosquitto; or set MOSQUITTO)"
build_all "$MQTT_DIR" compile
[[ -f "$MQTT_DIR/target/classes/mraos/load/mqtt/MqttLoadDriver.class" ]] || die "the driver is not compiled"
for port in "$MQTT_PORT" "$HTTP_PORT" "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT" "$ISSUER_PORT"; do require_free_port "$port"; done
[[ -n "$DATABASE_URL" ]] || require_free_port "$PG_PORT"

CP="$MQTT_DIR/target/classes:$ROOT_DIR/target/lib/*"
DATA_DIR="$(mktemp -d /tmp/mraos-mqtt-load-XXXXXX)"
STAMP="$(date +%Y%m%d-%H%M%S)"
BROKER_PID="" CEILING_PID="" SERVER_PID=""

cleanup() {
  if [[ -n "$CEILING_PID" ]]; then log "Stopping the ceiling subscriber (PID $CEILING_PID)"; stop_pid "$CEILING_PID" 10; fi
  stop_node
  if [[ -n "$BROKER_PID" ]]; then log "Stopping Mosquitto (PID $BROKER_PID)"; stop_pid "$BROKER_PID" 10; fi
  if [[ "${KEEP_DATA:-0}" != 1 ]]; then rm -rf "$DATA_DIR"; else log "Data kept in $DATA_DIR"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- the broker: the one both the ceiling and the node use, in memory (no persistence file: nothing is restarted here)
cat > "$DATA_DIR/mosquitto.conf" <<EOF
listener $MQTT_PORT 127.0.0.1
allow_anonymous true
user $(id -un)
persistence false
max_inflight_messages ${BROKER_MAX_INFLIGHT:-500}
max_queued_messages 1000000
log_dest stderr
log_type error
log_type warning
log_type notice
EOF
"$MOSQUITTO" -c "$DATA_DIR/mosquitto.conf" > "$RESULTS_DIR/mosquitto-$STAMP.log" 2>&1 &
BROKER_PID=$!
for _ in $(seq 50); do ss -ltn "( sport = :$MQTT_PORT )" | grep -q LISTEN && break; sleep 0.1; done
kill -0 "$BROKER_PID" 2>/dev/null || die "Mosquitto did not start: $(cat "$RESULTS_DIR/mosquitto-$STAMP.log")"
log "Mosquitto $("$MOSQUITTO" -h | head -1 | awk '{ print $3 }') on $BROKER (PID $BROKER_PID, max_inflight_messages ${BROKER_MAX_INFLIGHT:-500})"

driver() { # label mode rate duration warmup [more key=value]
  local label=$1 mode=$2 rate=$3 duration=$4 warmup=$5
  shift 5
  local run_log="$RESULTS_DIR/mqtt-$label-$STAMP.log"
  log "Driver: $label ($mode, $rate msg/s, $LINES x $MACHINES_PER_LINE machines, warm-up $warmup s, measured $duration s) -> $run_log"
  # shellcheck disable=SC2086
  java ${DRIVER_JAVA_OPTS:--Xms512m -Xmx1g} -cp "$CP" mraos.load.mqtt.MqttLoadDriver mode="$mode" broker="$BROKER" \
    lines="$LINES" machinesPerLine="$MACHINES_PER_LINE" rate="$rate" warmup="$warmup" duration="$duration" \
    window="${WINDOW:-100}" machinesPerConnection="${MACHINES_PER_CONNECTION:-20}" tick="${TICK_MS:-5}" publishers="${PUBLISHERS:-2}" poll="${POLL_MS:-5}" label="$label" \
    database="${DATABASE_URL:-postgresql://127.0.0.1:$PG_PORT/mraos}" results="$RESULTS_DIR/mqtt-$label-$STAMP.json" summary="$MQTT_SUMMARY" \
    "$@" 2> >(tee -a "$run_log" >&2) | tee -a "$run_log" | grep '^RESULT'
  return "${PIPESTATUS[0]}"
}

# --- the ceiling: the broker's own pass-through, same driver, same broker
if [[ "${CEILING:-1}" == 1 ]]; then
  java -Xms256m -Xmx1g -cp "$CP" mraos.load.mqtt.CeilingSubscriber broker="$BROKER" lines="$LINES" \
    > "$RESULTS_DIR/ceiling-subscriber-$STAMP.log" 2>&1 &
  CEILING_PID=$!
  for _ in $(seq 300); do grep -q ready "$RESULTS_DIR/ceiling-subscriber-$STAMP.log" && break; kill -0 "$CEILING_PID" || break; sleep 0.1; done
  grep -q ready "$RESULTS_DIR/ceiling-subscriber-$STAMP.log" || die "ceiling subscriber did not start"
  log "Ceiling subscriber PID $CEILING_PID"
  set -- $RATES
  last=${!#}
  for rate in $RATES; do
    stop=false
    [[ "$rate" == "$last" ]] && stop=true
    driver "ceiling-$rate" ceiling "$rate" "$DURATION" "$WARMUP" stopCeiling="$stop" \
      cpu="mosquitto:$BROKER_PID,subscriber:$CEILING_PID,driver:self"
  done
  for _ in $(seq 100); do kill -0 "$CEILING_PID" 2>/dev/null || break; sleep 0.1; done
  stop_pid "$CEILING_PID" 10
  CEILING_PID=""
  sleep "${PAUSE_BETWEEN:-5}"
fi

[[ "${NODE:-1}" == 1 ]] || exit 0

# --- the node, on the same broker
java -cp "$CP" mraos.load.mqtt.BenchPlant "$DATA_DIR/plant.yaml" "$LINES" "$MACHINES_PER_LINE" || die "plant file"
NODE_LOG="$RESULTS_DIR/mqtt-node-$STAMP.log"
log "Starting a node: MQTT $BROKER, HTTP $HTTP_PORT, PostgreSQL $PG_PORT, Kafka $KAFKA_PORT/$KAFKA_CONTROLLER_PORT, data $DATA_DIR"
start_node "$NODE_LOG" "$RESULTS_DIR/mqtt-node-$STAMP.jfr" \
  MRAOS_NODE_NAME=mqtt-load-test \
  MRAOS_PLANT_MODEL="$DATA_DIR/plant.yaml" \
  MRAOS_MQTT_URL="$BROKER" \
  MRAOS_DATABASE_URL="$DATABASE_URL"
wait_ready "http://localhost:$HTTP_PORT/health/ready" 300 "$SERVER_PID"
wait_lines "$HTTP_PORT" "$ISSUER_PORT"
if [[ -n "$DATABASE_URL" ]]; then PG_PID="${DATABASE_PID:-}"; else PG_PID="$(head -1 "$DATA_DIR/postgres/postmaster.pid")"; fi
NODE_CPU="node:$SERVER_PID,${PG_PID:+postgres:$PG_PID+,}mosquitto:$BROKER_PID,driver:self"

if ((${NODE_WARMUP_SECONDS:-30} > 0)); then
  driver warmup mraos "${NODE_WARMUP_RATE:-10000}" "${NODE_WARMUP_SECONDS:-30}" 0 cpu="$NODE_CPU" || true
  sleep "${PAUSE_BETWEEN:-5}"
fi
status=0
for rate in $RATES; do
  driver "mraos-$rate" mraos "$rate" "$DURATION" "$WARMUP" cpu="$NODE_CPU" || status=$?
  sleep "${PAUSE_BETWEEN:-5}"
done
log "Figures: $MQTT_SUMMARY"
log "$(grep -c ' ERROR ' "$NODE_LOG") ERROR lines in the node's log ($NODE_LOG)"
exit "$status"
