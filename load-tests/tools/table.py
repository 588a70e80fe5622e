#!/usr/bin/env python3
"""
Markdown table of results/summary.tsv (or the file given), one row per run, for docs/benchmarks.md.
CPU per request counts the run's in-run warm-up requests too (column warmup_requests; for older lines without it,
-Dwarmup x -DwarmupRate, default 10 s x 100/s).
Usage: tools/table.py [summary.tsv] [--label-prefix mraos-]
"""
import csv
import re
import sys

path = next((a for a in sys.argv[1:] if not a.startswith("--")), "load-tests/target/results/summary.tsv")
prefix = sys.argv[sys.argv.index("--label-prefix") + 1] if "--label-prefix" in sys.argv else ""


def arg(args, name, default):
    m = re.search(r"-D" + name + r"=([0-9.]+)", args)
    return float(m.group(1)) if m else default


print("| target /s | s | achieved /s | p50 ms | p95 ms | p99 ms | max ms | KO | load avg before → after "
      "| server CPU ms/req | PG CPU ms/req | Gatling CPU s |")
print("|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|")
with open(path, encoding="utf-8") as f:
    for row in csv.DictReader(f, delimiter="\t"):
        if not row["label"].startswith(prefix):
            continue
        args = row["args"]
        warm = float(row["warmup_requests"]) if row.get("warmup_requests") not in (None, "") \
            else arg(args, "warmup", 10) * arg(args, "warmupRate", 100)
        handled = int(row["requests"]) + warm
        per = lambda s: f"{1000 * float(s) / handled:.2f}" if s else "–"
        print(f"| {arg(args, 'rate', 0):.0f} | {arg(args, 'duration', 60):.0f} | {row['achieved_rps']} | {row['p50_ms']} "
              f"| {row['p95_ms']} | {row['p99_ms']} | {row['max_ms']} | {row['ko']} "
              f"| {row['load_before'].split('/')[0]} → {row['load_after'].split('/')[0]} "
              f"| {per(row['server_cpu_s'])} | {per(row['pg_cpu_s'])} | {row['gatling_cpu_s']} |")
