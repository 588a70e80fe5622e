#!/usr/bin/env bash
# Mosquitto's own pass-through on this machine, measured with its own C clients (no MRAOS, no JVM): P publishers
# (mosquitto_pub -l, LINES count-like messages each) and one subscriber (mosquitto_sub) on a broker of its own, at QoS Q
# on both sides. Prints the rate, the broker's CPU and the machine's. Needs mosquitto and mosquitto-clients (apt-get).
#   load-tests/tools/mosquitto-passthrough.sh                 # P=8 Q=1 LINES=20000 PORT=18830
#   P=8 Q=0 load-tests/tools/mosquitto-passthrough.sh
# mosquitto_pub -l queues without bound: with far more lines per publisher the broker disconnects it ("out of memory").
set -euo pipefail
P=${P:-8} Q=${Q:-1} LINES=${LINES:-20000} PORT=${PORT:-18830}
N=$((P * LINES))
dir=$(mktemp -d /tmp/mosquitto-passthrough-XXXXXX)
trap 'rm -rf "$dir"' EXIT
cat > "$dir/mosquitto.conf" <<CONF
listener $PORT 127.0.0.1
allow_anonymous true
max_inflight_messages 500
max_queued_messages 1000000
persistence false
log_type error
CONF
python3 - "$dir/messages.txt" "$LINES" <<'PY'
import json, sys
with open(sys.argv[1], "w") as f:
    for i in range(int(sys.argv[2])):
        f.write(json.dumps({"machine_id": "M-203", "work_order_id": "WO-4600", "timestamp": "2026-11-29T07:35:00.123Z",
                            "cumulative_units": i + 1, "units": 1, "cycle_time_seconds": 12.5}) + "\n")
PY
if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then echo "port $PORT is taken" >&2; exit 1; fi
mosquitto -c "$dir/mosquitto.conf" &
broker=$!
sleep 0.5
# the broker drops to the mosquitto user: its CPU is read from its own /proc entry
cpu_of() { awk '{print $14 + $15}' "/proc/$1/stat"; }
machine() { awk '/^cpu /{print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }
timeout 300 mosquitto_sub -p "$PORT" -q "$Q" -i passthrough-sub -t 'bench/#' -C "$N" > "$dir/received.txt" &
sub=$!
sleep 0.5
b0=$(cpu_of "$broker"); m0=$(machine); t0=$(date +%s.%N)
pubs=()
for p in $(seq 1 "$P"); do
  mosquitto_pub -p "$PORT" -q "$Q" -i "passthrough-pub-$p" -t "bench/m$p" -l < "$dir/messages.txt" &
  pubs+=($!)
done
wait "$sub" || true
t1=$(date +%s.%N); b1=$(cpu_of "$broker"); m1=$(machine)
wait "${pubs[@]}" || true
kill "$broker"; wait "$broker" 2>/dev/null || true
got=$(wc -l < "$dir/received.txt")
python3 -c "
dt = $t1 - $t0
print(f'mosquitto pass-through P=$P Q=$Q: {$got:,} of {$N:,} received in {dt:.2f} s = {$got / dt:,.0f} msg/s; '
      f'broker {($b1 - $b0) / 100:.1f} CPU s ({($b1 - $b0) / 100 / dt:.2f} cores, {($b1 - $b0) / 100 / max($got, 1) * 1e6:.0f} us/msg); '
      f'machine {($m1 - $m0) / 100 / dt:.2f} of $(nproc) cores busy')"
