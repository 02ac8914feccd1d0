#!/usr/bin/env python3
"""Middleware (issue 13): turbo and FastAPI/uvicorn serving
bench/middleware_app.py (CORSMiddleware and GZipMiddleware, native in
turbo) and bench/http_middleware_app.py (an `@app.middleware("http")`
function, run by turbo's ASGI bridge); interleaved rounds, medians, every
response's status checked (and the small routes' bodies); before
measuring, the two servers' raw answers (compressed bytes included) are
compared.

Usage: python3 bench/middleware.py [--rounds 3] [--duration 8]   (writes bench/middleware.json)
Needs: wrk, taskset, uvicorn[standard], fastapi.
"""

import argparse
import json
import statistics
import sys
import urllib.request
from pathlib import Path

import run as bench  # bench/run.py: builds, servers, the checked wrk

BENCH = Path(__file__).resolve().parent
HEADERS = ("Origin: https://a.example", "Accept-Encoding: gzip")
# (app module, route name, path, expected body)
ROUTES = [
    ("middleware_app", "cors", "/items/42?q=hello", '{"item_id":42,"q":"hello"}'),
    ("middleware_app", "cors+gzip", "/list", None),
    ("http_middleware_app", "http-middleware", "/items/42?q=hello", '{"item_id":42,"q":"hello"}'),
]


def raw(port: int, path: str) -> tuple:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}",
                                     headers=dict(header.split(": ", 1) for header in HEADERS))
    with urllib.request.urlopen(request) as response:
        headers = sorted((k.lower(), v) for k, v in response.getheaders() if k.lower() not in ("date", "server"))
        return response.status, headers, response.read()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=8)
    args = parser.parse_args()

    turbo = bench.build_turbo_cli()
    results: dict = {}
    for module in dict.fromkeys(app for app, _, _, _ in ROUTES):
        routes = [(route, path, body) for app, route, path, body in ROUTES if app == module]
        measure(turbo, module, routes, args, results)
    report = {"wrk": f"wrk -t1 -c50 -d{args.duration}s, headers {list(HEADERS)}", "routes": {}}
    paths = {route: path for _, route, path, _ in ROUTES}
    for route, by_system in results.items():
        medians = {name: statistics.median(values) for name, values in by_system.items()}
        report["routes"][route] = {
            "path": paths[route],
            "median_rps": {name: round(value) for name, value in medians.items()},
            "runs": {name: [round(v) for v in values] for name, values in by_system.items()},
            "turbo_vs_fastapi": round(medians["turbo"] / medians["fastapi"], 1),
        }
        print(f"{route:15} turbo {medians['turbo']:9.0f} fastapi {medians['fastapi']:8.0f} "
              f"{medians['turbo'] / medians['fastapi']:.1f}x")
    (BENCH / "middleware.json").write_text(json.dumps(report, indent=2) + "\n")


def measure(turbo, module: str, routes: list, args, results: dict) -> None:
    """Both servers of one app, its routes measured in interleaved rounds."""
    server = BENCH / f".turbo-{module}-server"
    bench.run([str(turbo), "build", str(BENCH / f"{module}.py"), "-o", str(server)])
    systems = {"turbo": 18111, "fastapi": 18112}
    processes = [
        bench.start([str(server), "--port", str(systems["turbo"])]),
        bench.start([sys.executable, "-m", "uvicorn", f"{module}:app", "--port", str(systems["fastapi"]),
                     "--loop", "uvloop", "--http", "httptools", "--no-access-log", "--log-level", "warning"],
                    cwd=BENCH),
    ]
    try:
        for port in systems.values():
            bench.wait_ready(port, routes[0][1])
        for _, path, _ in routes:
            answers = {name: raw(port, path) for name, port in systems.items()}
            if answers["turbo"] != answers["fastapi"]:
                raise RuntimeError(f"{path}: the servers answer differently: {answers}")
        by_route = {route: (path, body) for route, path, body in routes}

        def measure(name: str, route: str) -> float:
            path, body = by_route[route]
            return bench.wrk_checked(systems[name], path, body, args.duration, headers=HEADERS)[0]

        results.update(bench.interleaved(list(systems), list(by_route), args.rounds, measure))
    finally:
        for process in processes:
            process.terminate()
            process.wait()


if __name__ == "__main__":
    main()
