#!/usr/bin/env bash
# A local MRAOS cluster in one command: three clustered nodes on this machine sharing one set of services.
#
#   cluster/run-local.sh [--simulate]      (after ./mvnw -B -q package -DskipTests; Ctrl-C stops everything)
#
# Node 1 runs the shared services embedded (PostgreSQL, Kafka, the MQTT broker, the development issuer) and is started
# first; nodes 2 and 3 are pointed at them (as docs/operations.md "Several nodes on one machine" does by hand). Each node
# has its own HTTP port and data folder; all three join one Hazelcast cluster (cluster.name mraos-local, so they never
# join another cluster on this machine) on 127.0.0.1. --simulate (and any other argument) goes to node 1.
#
# Settings (environment):
#   RUN_LOCAL_PORT_OFFSET  added to every port below (default 0), to run beside something that holds them
#   RUN_LOCAL_DATA         parent of the nodes' data folders (default data/cluster)
# Ports with offset 0: HTTP 8080, 8081, 8082; PostgreSQL 5433; Kafka 9092 (controller 9093); MQTT 1883; issuer 8180;
# Hazelcast 5701 and up.
#
# Ctrl-C (or SIGTERM) stops nodes 2 and 3, then node 1 and with it the shared services; each node stops cleanly
# (its lines hand over to the others until they stop too).
set -euo pipefail
cd "$(dirname "$0")/.."

offset=${RUN_LOCAL_PORT_OFFSET:-0}
data=${RUN_LOCAL_DATA:-data/cluster}
jar=target/mraos.jar
[[ -f $jar ]] || { echo "No $jar: build it first (./mvnw -B -q package -DskipTests)" >&2; exit 1; }
mkdir -p "$data"

http=(); for n in 1 2 3; do http+=($((8079 + n + offset))); done
pg=$((5433 + offset)); kafka=$((9092 + offset)); controller=$((9093 + offset)); mqtt=$((1883 + offset))
issuer_port=$((8180 + offset)); issuer=http://localhost:$issuer_port/mraos

pids=()
stop() {
  trap - INT TERM EXIT
  ((${#pids[@]})) || return 0
  echo "Stopping the local cluster..."
  # nodes 2 and 3 first, node 1 (the shared services) last; background jobs ignore SIGINT, so SIGTERM
  if ((${#pids[@]} > 1)); then
    kill -TERM "${pids[@]:1}" 2>/dev/null || true
    wait "${pids[@]:1}" 2>/dev/null || true
  fi
  kill -TERM "${pids[0]}" 2>/dev/null || true
  wait "${pids[0]}" 2>/dev/null || true
  echo "Stopped."
}
trap 'stop; exit 130' INT
trap 'stop; exit 143' TERM
trap stop EXIT

# what every node shares: the cluster, its name, and the settings a node needs beside others on one machine
common=(MRAOS_CLUSTER_ENABLED=true MRAOS_CLUSTER_NAME=mraos-local MRAOS_CLUSTER_HOST=127.0.0.1
        MRAOS_CLUSTER_MEMBERS=127.0.0.1)

start() { # start <n> <env...> -- <args...>
  local n=$1; shift
  local envs=(); while [[ $1 != -- ]]; do envs+=("$1"); shift; done; shift
  env "${common[@]}" MRAOS_NODE_NAME="node$n" MRAOS_HTTP_PORT="${http[n-1]}" MRAOS_NODE_DATA_DIR="$data/node$n" \
    "${envs[@]}" java -jar "$jar" "$@" >"$data/node$n.log" 2>&1 &
  pids+=($!)
}

await_ready() { # await_ready <n>
  local n=$1 port=${http[$1-1]} deadline=$((SECONDS + 240))
  until curl -sf "http://localhost:$port/health/ready" >/dev/null; do
    if ! kill -0 "${pids[n-1]}" 2>/dev/null || ((SECONDS > deadline)); then
      echo "node$n did not become ready; the end of $data/node$n.log:" >&2
      tail -n 30 "$data/node$n.log" >&2
      exit 1
    fi
    sleep 1
  done
}

echo "Starting node1 with the shared services (log: $data/node1.log)..."
start 1 MRAOS_DATABASE_EMBEDDED_PORT=$pg MRAOS_KAFKA_EMBEDDED_PORT=$kafka MRAOS_KAFKA_EMBEDDED_CONTROLLER_PORT=$controller \
  MRAOS_MQTT_EMBEDDED_PORT=$mqtt MRAOS_SECURITY_EMBEDDED_ISSUER_PORT=$issuer_port -- "$@"
await_ready 1
for n in 2 3; do
  echo "Starting node$n (log: $data/node$n.log)..."
  start "$n" MRAOS_DATABASE_URL=postgresql://127.0.0.1:$pg/mraos MRAOS_KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:$kafka \
    MRAOS_MQTT_URL=mqtt://127.0.0.1:$mqtt MRAOS_SECURITY_ISSUER=$issuer --
done
await_ready 2
await_ready 3

cat <<EOF

MRAOS local cluster is up (Ctrl-C stops it all):
  node1  http://localhost:${http[0]}   pid ${pids[0]}  data $data/node1  log $data/node1.log   (and the shared services)
  node2  http://localhost:${http[1]}   pid ${pids[1]}  data $data/node2  log $data/node2.log
  node3  http://localhost:${http[2]}   pid ${pids[2]}  data $data/node3  log $data/node3.log
  PostgreSQL 127.0.0.1:$pg (db mraos, mraos/mraos)   Kafka 127.0.0.1:$kafka   MQTT mqtt://127.0.0.1:$mqtt   issuer $issuer

Who is in the cluster and which node runs which line, endpoint and outbound actor:
  TOKEN=\$(curl -s -u supervisor:supervisor-secret -d grant_type=client_credentials $issuer/token \\
    | grep -o '"access_token" *: *"[^"]*"' | cut -d'"' -f4)
  curl -s -H "Authorization: Bearer \$TOKEN" http://localhost:${http[0]}/api/v1/cluster
EOF

# runs until Ctrl-C, or until node 1 (the shared services) ends; node 2 or 3 stopped by hand (kill <pid>) is reported,
# and the others go on without it (its lines move to them)
ended=()
while kill -0 "${pids[0]}" 2>/dev/null; do
  for n in 2 3; do
    if [[ ! " ${ended[*]} " == *" $n "* ]] && ! kill -0 "${pids[n-1]}" 2>/dev/null; then
      ended+=("$n"); echo "node$n (pid ${pids[n-1]}) has ended; see $data/node$n.log. The others go on." >&2
    fi
  done
  sleep 1 & wait $!
done
echo "node1 (the shared services) has ended; see $data/node1.log." >&2
