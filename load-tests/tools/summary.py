#!/usr/bin/env python3
"""
Reads a Gatling report (index.html's statistics table) and appends one line of figures to results/summary.tsv, and
prints it. The measured request is "POST work_order.created"; warm-up requests ("warm-up") are left out, and the
achieved throughput is the measured requests over the run's duration less the warm-up.
"""
import html
import os
import re
import sys

(report_dir, simulation, label, args, load_before, load_after, server_cpu, pg_cpu, gatling_cpu, wall, pg_line, rc,
 summary) = sys.argv[1:14]

MEASURED = "POST work_order.created"
COLUMNS = {2: "total", 3: "ok", 4: "ko", 6: "cnt_s", 7: "min", 8: "p50", 9: "p75", 10: "p95", 11: "p99", 12: "max",
           13: "mean"}

with open(os.path.join(report_dir, "index.html"), encoding="utf-8") as f:
    page = f.read()

rows = {}
for tr in re.findall(r"<tr id=\"[^\"]*\"[^>]*>(.*?)</tr>", page, re.S):
    name = re.search(r'class="ellipsed-name">(.*?)</span>', tr, re.S)
    if not name:
        continue
    cells = {int(n): v.strip() for n, v in re.findall(r'<td class="value [a-z ]*col-(\d+)">(.*?)</td>', tr, re.S)}
    rows[html.unescape(name.group(1)).strip()] = {key: cells.get(n, "") for n, key in COLUMNS.items()}

stats = rows.get(MEASURED) or rows.get("All Requests")
if stats is None:
    sys.exit(f"no statistics for '{MEASURED}' in {report_dir}/index.html")


def seconds(text):
    total = 0
    for amount, unit in re.findall(r"(\d+)\s*(h|m|s)", text):
        total += int(amount) * {"h": 3600, "m": 60, "s": 1}[unit]
    return total


duration = re.search(r'Duration: </span>\s*<span>([^<]*)</span>', page)
run_seconds = seconds(duration.group(1)) if duration else 0
warmup = re.search(r"-Dwarmup=(\d+)", args)
warmup_seconds = int(warmup.group(1)) if warmup else (10 if "warm-up" in rows else 0)
ramp = re.search(r"-DwarmupRamp=(\d+)", args)
if warmup_seconds > 0 and "warm-up" in rows:
    warmup_seconds += int(ramp.group(1)) if ramp else 10
measured_seconds = max(1, run_seconds - warmup_seconds)


def num(v):
    try:
        return int(v)
    except ValueError:
        try:
            return float(v)
        except ValueError:
            return v


ok = num(stats["ok"])
row = {
    "label": label,
    "simulation": simulation,
    "args": args,
    "requests": num(stats["total"]),
    "ok": ok,
    "ko": num(stats["ko"]) if stats["ko"] not in ("", "-") else 0,
    "achieved_rps": round(ok / measured_seconds, 1) if isinstance(ok, int) else "",
    "p50_ms": num(stats["p50"]),
    "p75_ms": num(stats["p75"]),
    "p95_ms": num(stats["p95"]),
    "p99_ms": num(stats["p99"]),
    "max_ms": num(stats["max"]),
    "mean_ms": num(stats["mean"]),
    "load_before": load_before,
    "load_after": load_after,
    "server_cpu_s": server_cpu,
    "pg_cpu_s": pg_cpu,
    "gatling_cpu_s": gatling_cpu,
    "run_s": run_seconds,
    "gatling_exit": rc,
    "warmup_requests": num(rows["warm-up"]["total"]) if "warm-up" in rows else 0,
    "pg_commits": "",
    "pg_active_ms": "",
    "work_orders_stored": "",
    "pg_active_ms_per_order": "",
}
if pg_line:
    commits, active_ms, stored = (int(x) for x in pg_line.split())
    row.update(pg_commits=commits, pg_active_ms=active_ms, work_orders_stored=stored,
               pg_active_ms_per_order=round(active_ms / stored, 3) if stored else "")
row["report"] = os.path.relpath(os.path.join(report_dir, "index.html"))

header = list(row.keys())
new_file = not os.path.exists(summary) or os.path.getsize(summary) == 0
with open(summary, "a", encoding="utf-8") as f:
    if new_file:
        f.write("\t".join(header) + "\n")
    f.write("\t".join(str(row[k]) for k in header) + "\n")

print("RESULT " + "  ".join(f"{k}={row[k]}" for k in header if k != "report"))
print("REPORT " + row["report"])
