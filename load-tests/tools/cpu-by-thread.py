#!/usr/bin/env python3
"""
Who used the machine's CPU during a run: samples /proc every second for SECONDS and prints
  - the machine's cores busy by kind (user, system, softirq, idle, ...) from /proc/stat,
  - CPU seconds of the node (a JVM with mraos.jar on its command line: also the ceiling server), PostgreSQL (its
    processes grouped by what they are: client backends, autovacuum workers, background writer, ...) and Gatling,
    each by thread group (digits in thread names folded: "vert.x-eventloop-thread-N", "C2 CompilerThreadN", ...).
Threads and processes that start during the window (autovacuum workers) count from zero.

Usage: load-tests/tools/cpu-by-thread.py SECONDS      (start it once the measured run is under way)
"""
import collections
import os
import re
import sys
import time

HZ = os.sysconf("SC_CLK_TCK")
STAT_FIELDS = ["user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal"]


def kind_of(cmdline):
    if "mraos.jar" in cmdline:
        return "node"
    if cmdline.startswith("postgres") or "/postgres " in cmdline.split(" -")[0] + " ":
        return "pg"
    if "gatling" in cmdline.lower():
        return "gatling"
    return None


def pg_group(cmdline):
    """'postgres: mraos mraos 127.0.0.1(4242) INSERT' -> 'client backend mraos'; 'postgres: walwriter' -> 'walwriter'."""
    text = cmdline.strip().removeprefix("postgres: ")
    if re.match(r"\S+ \S+ [\d.:]+\(\d+\)", text) or "[local]" in text:
        return "client backends (" + text.split(" ")[0] + ")"
    return re.sub(r"\d+", "N", text.split("   ")[0])[:50]


def processes():
    found = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmdline = f.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        kind = kind_of(cmdline)
        if kind:
            found[pid] = (kind, cmdline)
    return found


def thread_times():
    """(pid, tid) -> (group, CPU seconds)."""
    times = {}
    for pid, (kind, cmdline) in processes().items():
        try:
            tids = os.listdir(f"/proc/{pid}/task")
        except OSError:
            continue
        for tid in tids:
            try:
                with open(f"/proc/{pid}/task/{tid}/stat") as f:
                    stat = f.read()
            except OSError:
                continue
            name = stat[stat.index("(") + 1:stat.rindex(")")]
            fields = stat[stat.rindex(")") + 2:].split()
            cpu = (int(fields[11]) + int(fields[12])) / HZ
            group = pg_group(cmdline) if kind == "pg" else re.sub(r"\d+", "N", name)
            times[(pid, tid)] = (kind + ": " + group, cpu)
    return times


def machine():
    with open("/proc/stat") as f:
        return [int(x) for x in f.readline().split()[1:9]]


def main():
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 60
    start_machine, started = machine(), time.time()
    last = thread_times()
    totals = collections.Counter()
    while time.time() - started < seconds:
        time.sleep(1)
        now = thread_times()
        for key, (group, cpu) in now.items():
            totals[group] += cpu - last.get(key, (group, 0.0))[1]
        last.update(now)
    elapsed = time.time() - started
    busy = [(b - a) / HZ / elapsed for a, b in zip(start_machine, machine())]
    print(f"machine, cores over {elapsed:.0f} s: " + " ".join(f"{n}={v:.2f}" for n, v in zip(STAT_FIELDS, busy)))
    kinds = collections.Counter()
    for group, cpu in totals.items():
        kinds[group.split(":")[0]] += cpu
    print("CPU s by process: " + ", ".join(f"{k} {v:.1f}" for k, v in kinds.most_common()))
    for group, cpu in totals.most_common():
        if cpu >= 0.2:
            print(f"{cpu:8.1f}  {group}")


if __name__ == "__main__":
    main()
