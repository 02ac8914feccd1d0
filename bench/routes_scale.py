#!/usr/bin/env python3
"""Benchmark: does routing cost grow with the number of routes?

Builds an app of 1,000 templated routes (`/r0/{x}` ... `/r999/{x}`, each
returning its index and the parameter) and measures the first and the last
route with wrk, interleaved, every response checked (bench/check.lua). With
the segment trie both should serve the same requests per second (target:
last / first >= 0.95); a linear scan made the last route 0.14x the first.
Also times warm `turbo build`s of generated apps of 1,000 and 3,000 routes
(bench/check_speed.py's generator) for the linear-build-time target.

Usage: python3 bench/routes_scale.py [--rounds 3] [--duration 10]   # writes bench/routes_scale.json
Needs: wrk, taskset.
"""

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

import check_speed  # noqa: E402  (the generated apps of the check benchmark)
from run import build_turbo_cli, start, wait_ready, wrk_raw  # noqa: E402

ROUTES = 1000


def routes_app() -> str:
    lines = ["from fastapi import FastAPI", "", "app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)", ""]
    for i in range(ROUTES):
        lines += [f'@app.get("/r{i}/{{x}}")', f"def r{i}(x: str):", f"    return {{'route': {i}, 'x': x}}", ""]
    return "\n".join(lines)


def timed_build(turbo: Path, app: Path, output: Path) -> float:
    start = time.monotonic()
    subprocess.run([str(turbo), "build", str(app), "-o", str(output)], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.monotonic() - start


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=10)
    args = parser.parse_args()
    turbo = build_turbo_cli()
    results = {"rounds": args.rounds, "duration": args.duration, "first": [], "last": [], "build_seconds": {}}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for routes in (1000, 3000):
            app = tmp / f"gen{routes}.py"
            app.write_text(check_speed.app_source(routes))
            timed_build(turbo, app, tmp / f"gen{routes}")  # compiles what is not cached yet
            app.write_text(check_speed.app_source(routes) + "# edited\n")
            results["build_seconds"][str(routes)] = round(timed_build(turbo, app, tmp / f"gen{routes}"), 1)
            print(f"warm build, {routes} routes: {results['build_seconds'][str(routes)]} s", flush=True)
        app = tmp / "routes.py"
        app.write_text(routes_app())
        server = tmp / "routes-server"
        timed_build(turbo, app, server)
        port = 8931
        process = start([str(server), "--port", str(port)])
        try:
            wait_ready(port, "/r0/x")
            for round_index in range(args.rounds):
                order = ["first", "last"] if round_index % 2 == 0 else ["last", "first"]
                for which in order:
                    index = 0 if which == "first" else ROUTES - 1
                    rps = wrk_raw(port, f"/r{index}/abc", f'{{"route":{index},"x":"abc"}}', args.duration)
                    results[which].append(rps)
                    print(f"round {round_index + 1}: {which} route {rps:,.0f} req/s", flush=True)
        finally:
            process.terminate()
            process.wait()
    first, last = statistics.median(results["first"]), statistics.median(results["last"])
    results["median_first"], results["median_last"] = first, last
    results["last_over_first"] = round(last / first, 3)
    print(f"median first {first:,.0f}, last {last:,.0f}: last/first = {last / first:.3f}")
    (BENCH / "routes_scale.json").write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
