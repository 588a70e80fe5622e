#!/usr/bin/env python3
"""
Where a JVM spent its CPU, from a JFR recording's jdk.ExecutionSample events (Java threads on CPU):
  - by thread group (event loops, Kafka broker, pg, ...),
  - self time by package group of the top frame,
  - inclusive time: samples whose stack passes through a package group (e.g. JSON-schema validation with the JDK regex
    code it calls),
  - the top self frames and the top MRAOS frames.
Usage: tools/jfr-hotspots.py recording.jfr [--since SECONDS_FROM_START] [--until SECONDS]
"""
import collections
import json
import re
import subprocess
import sys
from datetime import datetime

GROUPS = [  # first match wins; order matters
    ("MRAOS code (mraos.*, verticles.*)", ("mraos.", "verticles.")),
    ("JSON schema (io.vertx.json.schema)", ("io.vertx.json.schema.",)),
    ("JWT / auth (io.vertx.ext.auth, JCA signature)", ("io.vertx.ext.auth.", "sun.security.", "java.security.",
                                                       "javax.crypto.", "com.sun.crypto.", "sun.security.rsa.")),
    ("pg client (io.vertx.pgclient, io.vertx.sqlclient)", ("io.vertx.pgclient.", "io.vertx.sqlclient.")),
    ("Kafka client (org.apache.kafka.clients, vertx-kafka)", ("org.apache.kafka.clients.", "io.vertx.kafka.")),
    ("Kafka broker (kafka.*, org.apache.kafka.* server side)", ("kafka.", "org.apache.kafka.")),
    ("Jackson (com.fasterxml.jackson)", ("com.fasterxml.jackson.",)),
    ("Vert.x web (io.vertx.ext.web)", ("io.vertx.ext.web.",)),
    ("Micrometer / metrics (io.micrometer, io.vertx.micrometer)", ("io.micrometer.", "io.vertx.micrometer.",
                                                                   "io.prometheus.")),
    ("Vert.x core (io.vertx.core)", ("io.vertx.core.",)),
    ("Netty (io.netty)", ("io.netty.",)),
    ("Hazelcast", ("com.hazelcast.",)),
    ("mock-oauth2-server / okhttp / nimbus", ("no.nav.", "okhttp3.", "mockwebserver", "com.nimbusds.", "kotlin.")),
    ("logging (logback, slf4j)", ("ch.qos.logback.", "org.slf4j.")),
    ("JDK regex (java.util.regex)", ("java.util.regex.",)),
    ("JDK time / text (java.time, java.text)", ("java.time.", "java.text.")),
    ("JDK math (java.math)", ("java.math.",)),
    ("JDK NIO / net (sun.nio, java.nio, sun.net)", ("sun.nio.", "java.nio.", "sun.net.", "java.net.")),
    ("JDK other (java.*, jdk.*, sun.*)", ("java.", "jdk.", "sun.", "com.sun.")),
]


def group_of(method_type):
    for name, prefixes in GROUPS:
        if method_type.startswith(prefixes):
            return name
    return "other: " + ".".join(method_type.split(".")[:2])


def thread_group(name):
    if name.startswith("vert.x-eventloop"):
        return "vert.x event loops"
    if name.startswith("vert.x-worker") or name.startswith("vert.x-internal-blocking"):
        return "vert.x worker/blocking"
    if "kafka-producer" in name:
        return "Kafka producer (client)"
    if name.startswith(("data-plane", "quorum", "broker", "controller", "kafka", "raft", "ExpirationReaper",
                        "LogDirFailure", "group-coordinator", "transaction", "share-", "metadata", "executor-",
                        "ReplicaFetcher", "feature-", "log-cleaner", "kafka-scheduler", "scheduler-",
                        "event-process", "NodeToController", "client-metrics")):
        return "Kafka broker (in-JVM)"
    if "OkHttp" in name or "MockWebServer" in name or "mockwebserver" in name.lower():
        return "embedded issuer"
    return "other: " + re.sub(r"[-#]?\d+$", "", name)


def type_name(frame):
    return frame["method"]["type"]["name"].replace("/", ".")


def thread_cpu(path, since, until):
    """Share of the JVM's CPU per thread group (jdk.ThreadCPULoad: Java threads, JIT compiler threads included)
    against the whole JVM (jdk.CPULoad): what is left is GC and other VM threads."""
    out = subprocess.run(["jfr", "print", "--json", "--events", "jdk.ThreadCPULoad,jdk.CPULoad", path],
                         capture_output=True, text=True, check=True).stdout
    events = json.loads(out)["recording"]["events"]

    def t(e):
        return datetime.fromisoformat(e["values"]["startTime"].replace("Z", "+00:00")).timestamp()

    start = min(t(e) for e in events)
    per_thread = collections.Counter()
    jvm = []
    for e in events:
        rel = t(e) - start
        if (since is not None and rel < since) or (until is not None and rel > until):
            continue
        v = e["values"]
        if e["type"] == "jdk.CPULoad":
            jvm.append(v["jvmUser"] + v["jvmSystem"])
            continue
        thread = v.get("eventThread") or {}
        name = thread.get("javaName") or thread.get("osName") or "?"
        if "CompilerThread" in name:
            group = "JIT compiler threads"
        else:
            group = thread_group(name)
        per_thread[group] += v["user"] + v["system"]
    if not jvm:
        return
    # CPULoad is sampled each second, ThreadCPULoad every 10 s (profile settings): compare averages
    periods = max(1, len({int(t(e) - start) // 10 for e in events if e["type"] == "jdk.ThreadCPULoad"
                          and (since is None or t(e) - start >= since) and (until is None or t(e) - start <= until)}))
    jvm_avg = sum(jvm) / len(jvm)
    print(f"\n== CPU by thread group (jdk.ThreadCPULoad) -- JVM average {100 * jvm_avg:.1f}% of the machine")
    rest = jvm_avg
    for group, total in per_thread.most_common(12):
        share = total / periods
        rest -= share
        print(f"{100 * share / jvm_avg:6.1f}%  {group}")
    print(f"{100 * max(rest, 0) / jvm_avg:6.1f}%  GC and other VM threads (the remainder)")


def frame_name(frame):
    name = type_name(frame)
    if "$$Lambda" in name:  # lambdas: name them by the class that wrote them
        return name.split("$$Lambda")[0] + ".<lambda>"
    return name + "." + frame["method"]["name"]


def main():
    path = sys.argv[1]
    since = until = None
    if "--since" in sys.argv:
        since = float(sys.argv[sys.argv.index("--since") + 1])
    if "--until" in sys.argv:
        until = float(sys.argv[sys.argv.index("--until") + 1])
    out = subprocess.run(["jfr", "print", "--json", "--stack-depth", "64", "--events", "jdk.ExecutionSample", path],
                         capture_output=True, text=True, check=True).stdout
    events = json.loads(out)["recording"]["events"]
    if not events:
        sys.exit("no jdk.ExecutionSample events")

    def t(e):
        return datetime.fromisoformat(e["values"]["startTime"].replace("Z", "+00:00")).timestamp()

    start = min(t(e) for e in events)
    threads = collections.Counter()
    self_groups = collections.Counter()
    incl_groups = collections.Counter()
    self_frames = collections.Counter()
    mraos_frames = collections.Counter()
    loop_self = collections.Counter()
    loop_incl = collections.Counter()
    n = loop_n = 0
    for e in events:
        rel = t(e) - start
        if (since is not None and rel < since) or (until is not None and rel > until):
            continue
        v = e["values"]
        frames = (v.get("stackTrace") or {}).get("frames") or []
        if not frames:
            continue
        n += 1
        tname = (v.get("sampledThread") or {}).get("javaName") or "?"
        tg = thread_group(tname)
        threads[tg] += 1
        top = type_name(frames[0])
        g = group_of(top)
        self_groups[g] += 1
        self_frames[frame_name(frames[0])] += 1
        seen = {group_of(type_name(f)) for f in frames}
        for s in seen:
            incl_groups[s] += 1
        for f in frames:
            if type_name(f).startswith(("mraos.", "verticles.")) and "$$Lambda" not in type_name(f):
                mraos_frames[frame_name(f)] += 1
                break
        if tg == "vert.x event loops":
            loop_n += 1
            loop_self[g] += 1
            for s in seen:
                loop_incl[s] += 1

    def show(title, counter, total, limit=25):
        print(f"\n== {title} ({total} samples)")
        for k, c in counter.most_common(limit):
            print(f"{100.0 * c / total:6.1f}%  {c:6d}  {k}")

    print(f"{path}: {n} execution samples" + (f" from {since:.0f}s" if since else "") + (f" to {until:.0f}s" if until else ""))
    show("by thread", threads, n)
    show("self time by package group (all threads)", self_groups, n)
    if loop_n:
        show("event loops: self time by package group", loop_self, loop_n)
        show("event loops: inclusive (stack passes through)", loop_incl, loop_n)
    show("top self frames (all threads)", self_frames, n, 30)
    show("MRAOS method nearest the sampled frame (all threads; the rest ran outside MRAOS code)", mraos_frames, n, 25)
    thread_cpu(path, since, until)


if __name__ == "__main__":
    main()
