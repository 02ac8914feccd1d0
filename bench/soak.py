#!/usr/bin/env python3
"""Soak (issue 12): a million requests against `--workers 2`, half of them
on keep-alive connections and half each on a new connection, every
response checked; the supervisor's and workers' memory, descriptors and
threads sampled between slices of load.

Passes when every response was right, no worker was replaced, and from the
first sample (after a warm-up) to the last each process's RSS grew less
than 5% and its descriptor and thread counts are unchanged.

Usage: python3 bench/soak.py [--requests 1000000]   (writes bench/soak.json)
Needs: wrk, taskset.
"""

import argparse
import json
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import run as bench  # bench/run.py: the build and the checked wrk

BENCH = Path(__file__).resolve().parent
PATH, BODY = bench.ENDPOINTS["sync"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def children(pid: int) -> list[int]:
    with open(f"/proc/{pid}/task/{pid}/children") as listed:
        return sorted(int(child) for child in listed.read().split())


def sample(pid: int) -> dict:
    with open(f"/proc/{pid}/status") as status:
        rss = int(re.search(r"VmRSS:\s+(\d+)", status.read()).group(1))
    return {
        "rss_kib": rss,
        "fds": len(os.listdir(f"/proc/{pid}/fd")),
        "threads": len(os.listdir(f"/proc/{pid}/task")),
    }


def load(port: int, duration: int, new_connections: bool) -> int:
    """Requests answered in one checked wrk run (every one 200 with BODY)."""
    headers = ("Connection: close",) if new_connections else ()
    return bench.wrk_checked(port, PATH, BODY, duration, headers=headers)[1]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=1_000_000)
    parser.add_argument("--slice", type=int, default=5, help="seconds of load between samples")
    args = parser.parse_args()

    turbo = bench.build_turbo_cli()
    server_path = Path("/tmp/turbo-soak-server")
    bench.run([str(turbo), "build", str(BENCH / "app.py"), "-o", str(server_path)])
    port = free_port()
    server = subprocess.Popen([str(server_path), "--port", str(port), "--workers", "2"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env=dict(os.environ, TURBO_NO_ACCESS_LOG="1"))
    try:
        server.stdout.readline()
        workers = children(server.pid)
        load(port, 3, False)  # warm-up: imports settled, pools started
        samples = []

        def record(phase: str, answered: int):
            samples.append({"phase": phase, "answered": answered,
                            "supervisor": sample(server.pid),
                            "workers": [sample(worker) for worker in workers]})
            print(f"{phase:>16} {answered:>9,}  " + "  ".join(
                f"{name} rss={s['rss_kib']}KiB fds={s['fds']} threads={s['threads']}"
                for name, s in [("supervisor", samples[-1]["supervisor"])]
                + [(f"worker{i}", w) for i, w in enumerate(samples[-1]["workers"])]), flush=True)

        answered = 0
        record("after warm-up", answered)
        for phase, target, new in [("keep-alive", args.requests // 2, False),
                                   ("new connections", args.requests, True)]:
            while answered < target:
                answered += load(port, args.slice, new)
                record(phase, answered)
        replaced = children(server.pid) != workers
    finally:
        server.terminate()
        _, log = server.communicate(timeout=30)

    first, last = samples[0], samples[-1]
    verdicts = []
    for name, before, after in [("supervisor", first["supervisor"], last["supervisor"])] + [
            (f"worker{i}", b, a) for i, (b, a) in enumerate(zip(first["workers"], last["workers"]))]:
        growth = (after["rss_kib"] - before["rss_kib"]) / before["rss_kib"]
        verdicts.append({"process": name, "rss_growth": round(growth, 4),
                         "fds": [before["fds"], after["fds"]], "threads": [before["threads"], after["threads"]],
                         "ok": growth < 0.05 and before["fds"] == after["fds"]
                         and before["threads"] == after["threads"]})
    report = {
        "requests": answered,
        "command": f"python3 bench/soak.py --requests {args.requests}",
        "server": "bench/app.py, --workers 2, no access log; wrk -t1 -c50 on CPU 0, "
                  "first half keep-alive, second half with 'Connection: close'",
        "workers_replaced": replaced,
        "verdicts": verdicts,
        "samples": samples,
        "server_log": log,
    }
    (BENCH / "soak.json").write_text(json.dumps(report, indent=2) + "\n")
    for verdict in verdicts:
        print(verdict)
    ok = not replaced and all(verdict["ok"] for verdict in verdicts)
    print("PASS" if ok else "FAIL", f"{answered:,} requests")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
