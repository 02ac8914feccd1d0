#!/usr/bin/env python3
"""Start-up to the first 200: each server binary is started (`--port 0`),
its banner read, `GET PATH` answered with 200, then it is stopped; runs
alternate between the binaries and the median of each is printed.

Usage: python3 bench/startup.py SERVER [SERVER ...] [--path /] [--runs 7]
"""

import argparse
import re
import statistics
import subprocess
import time

import httpx


def once(binary: str, path: str) -> float:
    started = time.perf_counter()
    server = subprocess.Popen(
        [binary, "--port", "0", "--no-access-log"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    try:
        address = re.search(r"http://([\d.:]+)", server.stdout.readline()).group(1)
        assert httpx.get(f"http://{address}{path}").status_code == 200
        return time.perf_counter() - started
    finally:
        server.terminate()
        server.wait()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("servers", nargs="+")
    parser.add_argument("--path", default="/")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    times = {server: [] for server in args.servers}
    for _ in range(args.runs):
        for server in args.servers:
            times[server].append(once(server, args.path))
    for server, runs in times.items():
        print(f"{server}: median {statistics.median(runs) * 1000:.0f} ms over {len(runs)} runs")


if __name__ == "__main__":
    main()
