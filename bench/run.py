#!/usr/bin/env python3
"""Benchmark: turbo vs FastAPI on uvicorn vs a pure-hyper endpoint.

All three serve the routes of bench/app.py. Runs are interleaved (each
round measures every system once, in rotating order) so drift on the
machine hits all systems alike; the report gives medians and ratios. Every
response is checked for status and body by bench/check.lua; a run with a
single bad response fails the benchmark. The server is pinned to one core
and wrk to the other.

Usage: python3 bench/run.py [--rounds 5] [--duration 10] [--skip-cold-build]
Needs: wrk, taskset, uvicorn[standard] (uvloop, httptools), fastapi.
"""

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# Both servers run without an access log (uvicorn: --no-access-log); the
# cost of turbo's is measured separately (bench/README.md).
os.environ.setdefault("TURBO_NO_ACCESS_LOG", "1")

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
SERVER_CPU = "1"
WRK_CPU = "0"

ENDPOINTS = {
    "sync": ("/items/42?q=hello", '{"item_id":42,"q":"hello"}'),
    "async": ("/async/items/42?q=hello", '{"item_id":42,"q":"hello"}'),
    "root": ("/", '{"message":"Hello, World"}'),
    "query3": ("/search?q=shoes&page=3&size=20", '{"q":"shoes","page":3,"size":20}'),
    "model": ("/items", '{"name":"hammer","price":9.5,"quantity":2}'),
    "deps": ("/deps?q=hello&limit=5", '{"q":"hello","skip":0,"limit":5,"env":"bench"}'),
    "deps_yield": ("/deps-yield?q=hello&limit=5", '{"q":"hello","skip":0,"limit":5,"open":true}'),
}

# Endpoints sent as POST with a JSON body.
REQUEST_BODIES = {"model": '{"name": "hammer", "price": 9.5, "quantity": 2}'}


def run(cmd, **kwargs):
    return subprocess.run(cmd, check=True, **kwargs)


def build_turbo_cli() -> Path:
    run(["cargo", "build", "--release", "--quiet", "-p", "turbo-codegen"], cwd=ROOT)
    return ROOT / "target" / "release" / "turbo"


def timed_build(turbo: Path, output: Path, env: dict) -> float:
    start = time.monotonic()
    run([str(turbo), "build", str(BENCH / "app.py"), "-o", str(output)], env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.monotonic() - start


def build_times(turbo: Path, skip_cold: bool) -> dict:
    """Cold: empty cache (all dependencies compile). Warm: the app edited,
    only the generated crate recompiles."""
    times = {}
    if not skip_cold:
        with tempfile.TemporaryDirectory() as cache:
            env = dict(os.environ, TURBO_CACHE_DIR=cache)
            times["cold_build_s"] = round(timed_build(turbo, Path(cache) / "server", env), 1)
    env = dict(os.environ)
    out = BENCH / ".turbo-bench-server"
    timed_build(turbo, out, env)  # make sure the cache is warm
    original = (BENCH / "app.py").read_text()
    try:
        warm = []
        for i in range(3):
            (BENCH / "app.py").write_text(original + f"\n# edit {i}\n")
            warm.append(timed_build(turbo, out, env))
    finally:
        (BENCH / "app.py").write_text(original)
    timed_build(turbo, out, env)  # the server for the load test matches app.py
    times["warm_build_s"] = round(statistics.median(warm), 2)
    return times


def build_hyper_baseline() -> Path:
    target = Path(os.environ.get("TURBO_CACHE_DIR", Path.home() / ".cache" / "turbo")) / "target"
    run(["cargo", "build", "--release", "--quiet", "--manifest-path", str(BENCH / "hyper_baseline" / "Cargo.toml"),
         "--target-dir", str(target)])
    return target / "release" / "hyper-baseline"


def start(cmd, cwd=None) -> subprocess.Popen:
    process = subprocess.Popen(["taskset", "-c", SERVER_CPU, *cmd], cwd=cwd,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return process


def wait_ready(port: int, path: str = "/"):
    import urllib.request

    for _ in range(200):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=1).read()
            return
        except Exception:
            time.sleep(0.05)
    raise RuntimeError(f"server on port {port} did not start")


def wrk(port: int, endpoint: str, duration: int) -> float:
    path, body = ENDPOINTS[endpoint]
    return wrk_raw(port, path, body, duration, REQUEST_BODIES.get(endpoint))


def wrk_raw(port: int, path: str, body: str, duration: int, request_body: str | None = None) -> float:
    """Requests per second on `path`; every response must be 200 with `body`."""
    return wrk_checked(port, path, body, duration, request_body)[0]


def wrk_checked(port: int, path: str, body: str | None, duration: int, request_body: str | None = None,
                headers: tuple[str, ...] = ()) -> tuple[float, int]:
    """(requests per second, responses checked) on `path`; every response
    must be 200, with `body` unless it is None. `headers` are added to
    each request."""
    env = dict(os.environ, EXPECT_STATUS="200")
    if body is not None:
        env["EXPECT_BODY"] = body
    if request_body is not None:
        env.update(METHOD="POST", REQUEST_BODY=request_body)
    extra = [argument for header in headers for argument in ("-H", header)]
    out = subprocess.run(
        ["taskset", "-c", WRK_CPU, "wrk", "-t1", "-c50", f"-d{duration}s", *extra, "-s", str(BENCH / "check.lua"),
         f"http://127.0.0.1:{port}{path}"],
        check=True, capture_output=True, text=True, env=env,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    checked, bad = map(int, re.search(r"CHECKED (\d+) BAD (\d+)", out).groups())
    errors = re.search(r"Socket errors: .*|Non-2xx or 3xx responses: \d+", out)
    if bad or checked == 0 or errors:
        raise RuntimeError(f"port {port} {path}: {bad} bad of {checked} responses\n{out}")
    return rps, checked


def interleaved(names: list, items: list, rounds: int, measure) -> dict:
    """Each item measured on every system in each round, the systems'
    order rotated from round to round so that none always goes first;
    `measure(name, item)` gives requests per second. Results by item, then
    system, in round order."""
    results = {item: {name: [] for name in names} for item in items}
    for round_index in range(rounds):
        order = names[round_index % len(names):] + names[:round_index % len(names)]
        for item in items:
            for name in order:
                rps = measure(name, item)
                results[item][name].append(rps)
                print(f"round {round_index + 1} {item:15} {name:8} {rps:10.0f} req/s", flush=True)
    return results


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--skip-cold-build", action="store_true")
    parser.add_argument("--endpoints", default="sync,async,root,query3,model")
    args = parser.parse_args()
    endpoints = args.endpoints.split(",")

    turbo = build_turbo_cli()
    print("measuring turbo build times ...", flush=True)
    times = build_times(turbo, args.skip_cold_build)
    print(json.dumps(times), flush=True)
    hyper = build_hyper_baseline()

    systems = {"turbo": 18101, "fastapi": 18102, "hyper": 18103}
    processes = [
        start([str(BENCH / ".turbo-bench-server"), "--port", str(systems["turbo"])]),
        start([sys.executable, "-m", "uvicorn", "app:app", "--port", str(systems["fastapi"]), "--workers", "1",
               "--loop", "uvloop", "--http", "httptools", "--no-access-log", "--log-level", "warning"], cwd=BENCH),
        start([str(hyper), str(systems["hyper"])]),
    ]
    try:
        for port in systems.values():
            wait_ready(port)
        results = interleaved(list(systems), endpoints, args.rounds,
                              lambda name, endpoint: wrk(systems[name], endpoint, args.duration))
    finally:
        for process in processes:
            process.terminate()
            process.wait()

    report = {"build": times, "wrk": "wrk -t1 -c50 -d%ds, server on CPU %s, wrk on CPU %s" % (
        args.duration, SERVER_CPU, WRK_CPU), "rounds": args.rounds, "endpoints": {}}
    print("\nendpoint  turbo      fastapi    hyper      turbo/fastapi  turbo/hyper")
    for endpoint in endpoints:
        medians = {name: statistics.median(values) for name, values in results[endpoint].items()}
        ratio_fastapi = medians["turbo"] / medians["fastapi"]
        ratio_hyper = medians["turbo"] / medians["hyper"]
        report["endpoints"][endpoint] = {
            "path": ENDPOINTS[endpoint][0],
            "median_rps": {k: round(v) for k, v in medians.items()},
            "runs": {k: [round(v) for v in vs] for k, vs in results[endpoint].items()},
            "turbo_vs_fastapi": round(ratio_fastapi, 2),
            "turbo_vs_hyper": round(ratio_hyper, 3),
        }
        print(f"{endpoint:8}  {medians['turbo']:9.0f}  {medians['fastapi']:9.0f}  {medians['hyper']:9.0f}  "
              f"{ratio_fastapi:13.1f}x  {ratio_hyper:10.3f}x")
    (BENCH / "results.json").write_text(json.dumps(report, indent=2) + "\n")
    print(f"\nwrote {BENCH / 'results.json'}")


if __name__ == "__main__":
    main()
