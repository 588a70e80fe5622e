#!/usr/bin/env bash
# Summarises tools/pg-sample.sh output: average number of backends per state / wait event over the samples.
# "active CPU -" means running a statement on CPU; "active IO WALSync"/"LWLock WALWrite" mean waiting on the commit's
# WAL flush; "idle" connections wait for the node. Average active backends / throughput = DB time per request.
awk '{ key = $2 " " $3 " " $4; sum[key] += $5; if ($1 > samples) samples = $1 }
     END { for (k in sum) printf "%8.2f  %s\n", sum[k] / samples, k }' "$1" | sort -rn
