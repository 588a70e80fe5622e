#!/usr/bin/env python3
"""Runs the shell blocks of README.md and docs/*.md as written, on a clean clone, and says which fail.

    python3 docs/check-commands.py            # clones this repository's HEAD into a temporary folder and runs there
    python3 docs/check-commands.py --here     # runs in this working copy (uses and changes its data/ and target/)

Every ```bash block runs, in document order, with bash -e -o pipefail, and must exit 0 within its time limit. An HTML
comment right before a block changes what is done with it:

    <!-- check: node -->            the block starts a node in the foreground: it runs in the background (a process
                                    group of its own) until the next stop; the check waits for /health/ready on 8080
    <!-- check: stop -->            before this block, stop the nodes started so far (their process groups, as Ctrl-C)
    <!-- check: expect <regex> -->  the block's output must match (Python regex, searched)
    <!-- check: timeout <s> -->     its time limit (default 180 s)
    <!-- check: stream <s> -->      the block runs until stopped (a live feed): it must still run, or have ended with
                                    0, after that many seconds, having printed something
    <!-- check: skip <reason> -->   not run (it needs what this machine has not: a plant's hosts, hours, ...)

Several directives may be put in one comment, separated by ';'. The nodes use the default ports (8080, 8180, 5433,
9092, 9093, 1883, 8091, 8092, 4841): they must be free. Output of each block is kept in <clone>/target/doc-check/.
"""
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

# docs/benchmarks.md is left out: its blocks are the record of measuring sessions (each minutes to hours, at fixed ports,
# some in other trees), not commands to follow; load-tests/README.md is where those scripts are documented
FILES = ["README.md", "docs/operations.md", "load-tests/README.md"]
BLOCK = re.compile(r"(?:<!--\s*check:(?P<directives>[^>]*)-->\s*\n)?```bash\n(?P<body>.*?)```", re.S)


def blocks(root):
    for name in FILES:
        path = root / name
        if not path.exists():
            continue
        text = path.read_text()
        for m in BLOCK.finditer(text):
            line = text.count("\n", 0, m.start("body"))
            directives = [d.strip() for d in (m.group("directives") or "").split(";") if d.strip()]
            yield f"{name}:{line}", directives, m.group("body")


def ready(port=8080, wait=240):
    deadline = time.time() + wait
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"http://localhost:{port}/health/ready", timeout=2) as r:
                if r.status == 200:
                    return True
        except Exception:
            pass
        time.sleep(1)
    return False


def stop(nodes):
    """Stops each block's process group as Ctrl-C would, and waits until nothing of it is left. SIGTERM, not SIGINT: a
    check started in the background inherits SIGINT ignored (the JVM then ignores it too); a node stops the same way on
    either."""
    for proc in nodes:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            continue
    for proc in nodes:
        deadline = time.time() + 90
        while time.time() < deadline and group_alive(proc.pid):
            time.sleep(0.5)
        if group_alive(proc.pid):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    nodes.clear()


def group_alive(pgid):
    try:
        os.killpg(pgid, 0)
        return True
    except ProcessLookupError:
        return False


PORTS = [8080, 8081, 8082, 8091, 8092, 8180, 5433, 9092, 9093, 1883, 4841]


def busy_ports():
    import socket
    busy = []
    for port in PORTS:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                busy.append(port)
    return busy


def main():
    busy = busy_ports()
    if busy:
        print(f"ports in use: {busy}; the documented commands need them free (stop what listens there first)")
        return 2
    repo = Path(__file__).resolve().parent.parent
    if "--here" in sys.argv:
        root = repo
    else:
        root = Path(tempfile.mkdtemp(prefix="mraos-doc-check-")) / "mraos"
        subprocess.run(["git", "clone", "-q", str(repo), str(root)], check=True)
        print(f"clean clone of {repo} (HEAD) in {root}")
    out = root / "target" / "doc-check"
    out.mkdir(parents=True, exist_ok=True)
    nodes, failures, ran, skipped = [], [], 0, 0
    try:
        for where, directives, body in blocks(root):
            opts = {}
            for d in directives:
                key, _, value = d.partition(" ")
                opts[key] = value.strip()
            if "stop" in opts:
                stop(nodes)
            if "skip" in opts:
                skipped += 1
                print(f"skip  {where}: {opts['skip']}")
                continue
            log = out / (where.replace("/", "_").replace(":", "_") + ".log")
            if "node" in opts:
                proc = subprocess.Popen(["bash", "-e", "-o", "pipefail", "-c", body], cwd=root, stdout=open(log, "w"),
                                        stderr=subprocess.STDOUT, start_new_session=True)
                nodes.append(proc)
                ok = ready() and proc.poll() in (None, 0)  # a block may leave its nodes in the background
                ran += 1
                print(f"{'ok   ' if ok else 'FAIL '} {where}: node {'ready' if ok else 'not ready'} (log {log})")
                if not ok:
                    failures.append(where)
                continue
            if "stream" in opts:
                proc = subprocess.Popen(["bash", "-e", "-o", "pipefail", "-c", body], cwd=root, stdout=open(log, "w"),
                                        stderr=subprocess.STDOUT, start_new_session=True)
                time.sleep(int(opts["stream"]))
                code = proc.poll()
                stop([proc])
                ok = code in (None, 0) and log.stat().st_size > 0
                ran += 1
                print(f"{'ok   ' if ok else 'FAIL '} {where}: {'streams' if ok else 'ended with ' + str(code) + ' or printed nothing'} (log {log})")
                if not ok:
                    failures.append(where)
                continue
            timeout = int(opts.get("timeout", "180"))
            try:
                result = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", body], cwd=root, capture_output=True,
                                        text=True, timeout=timeout, start_new_session=True)
                output, code = result.stdout + result.stderr, result.returncode
            except subprocess.TimeoutExpired as e:
                output, code = f"{e.stdout or ''}{e.stderr or ''}\n(timed out after {timeout} s)", -1
            log.write_text(output if isinstance(output, str) else output.decode())
            expected = opts.get("expect")
            ok = code == 0 and (expected is None or re.search(expected, output) is not None)
            ran += 1
            why = "" if ok else f" (exit {code}" + (f", no match for {expected!r}" if expected else "") + ")"
            print(f"{'ok   ' if ok else 'FAIL '} {where}{why} (log {log})")
            if not ok:
                failures.append(where)
    finally:
        stop(nodes)
    print(f"{ran} blocks run, {skipped} skipped, {len(failures)} failed" + (": " + ", ".join(failures) if failures else ""))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
