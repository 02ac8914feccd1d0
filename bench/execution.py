#!/usr/bin/env python3
"""Benchmark of how handlers run (issue 11): turbo vs FastAPI on uvicorn
over bench/execution_app.py.

- throughput of one route at a time: the same handler as `def` and as
  `async def` (never awaiting), `async def` awaiting `asyncio.sleep(0)`
  and `asyncio.sleep(0.001)`; `wrk -t1 -c50`;
- `async def` awaiting real sockets: a line through asyncio streams to a
  TCP echo server, and a GET through `httpx.AsyncClient` to the
  pure-hyper baseline server (both on CPU 0 with wrk);
- a blocking route and a fast one together: `wrk -c20` on `/blocking`
  (`def` with `time.sleep(0.01)`) while `wrk -c10 --latency` runs on
  `/fast`; the fast route alone (`-c10`) for comparison.

Rounds are interleaved (each round measures both servers, in rotating
order) and every response is checked by bench/check.lua. The server runs
on CPU 1, wrk on CPU 0 (both wrk processes in the mixed test). Writes
bench/execution.json.

Usage: python3 bench/execution.py [--rounds 3] [--duration 8]
Needs: wrk, taskset, uvicorn[standard] (uvloop, httptools), fastapi.
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from run import WRK_CPU, build_hyper_baseline, build_turbo_cli, start, wait_ready  # noqa: E402

ROUTES = {
    "def": ("/def/items/42?q=hello", '{"item_id":42,"q":"hello"}'),
    "async": ("/async/items/42?q=hello", '{"item_id":42,"q":"hello"}'),
    "async_sleep0": ("/async/sleep0", '{"slept":0}'),
    "async_sleep1ms": ("/async/sleep1ms", '{"slept":1}'),
    "async_echo": ("/async/echo", '{"echo":"ping"}'),
    "async_httpx": ("/async/httpx", '{"upstream":"Hello, World"}'),
}
ECHO_PORT, UPSTREAM_PORT = 18119, 18113

ECHO_SERVER = """
import asyncio, sys
async def echo(reader, writer):
    while line := await reader.readline():
        writer.write(line)
        await writer.drain()
async def main():
    server = await asyncio.start_server(echo, "127.0.0.1", int(sys.argv[1]), backlog=512)
    async with server:
        await server.serve_forever()
asyncio.run(main())
"""
BLOCKING = ("/blocking", '{"blocked_ms":10}')
FAST = ("/fast", '{"fast":true}')


def wrk(port: int, route: tuple, duration: int, connections: int, latency: bool = False):
    """A started wrk process checking every response of `route`."""
    path, body = route
    env = dict(os.environ, EXPECT_STATUS="200", EXPECT_BODY=body)
    command = ["taskset", "-c", WRK_CPU, "wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--timeout", "10s",
               "-s", str(BENCH / "check.lua")]
    if latency:
        command.append("--latency")
    command.append(f"http://127.0.0.1:{port}{path}")
    return subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env)


def result(process) -> dict:
    out = process.communicate()[0]
    checked, bad = map(int, re.search(r"CHECKED (\d+) BAD (\d+)", out).groups())
    if bad or checked == 0 or re.search(r"Socket errors: .*|Non-2xx or 3xx responses: \d+", out):
        raise RuntimeError(f"{bad} bad of {checked} responses\n{out}")
    measured = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))}
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", out)
    if p99:
        scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99.group(2)]
        measured["p99_ms"] = float(p99.group(1)) * scale
    return measured


def measure_round(port: int, duration: int) -> dict:
    measured = {name: result(wrk(port, route, duration, 50)) for name, route in ROUTES.items()}
    measured["fast_alone"] = result(wrk(port, FAST, duration, 10, latency=True))
    blocking = wrk(port, BLOCKING, duration, 20)
    fast = wrk(port, FAST, duration, 10, latency=True)
    measured["mixed_fast"], measured["mixed_blocking"] = result(fast), result(blocking)
    return measured


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=8)
    args = parser.parse_args()

    turbo = build_turbo_cli()
    server = BENCH / ".turbo-execution-server"
    subprocess.run([str(turbo), "build", str(BENCH / "execution_app.py"), "-o", str(server)], check=True,
                   stdout=subprocess.DEVNULL)
    systems = {"turbo": 18111, "fastapi": 18112}
    os.environ.update(ECHO_PORT=str(ECHO_PORT), UPSTREAM=f"http://127.0.0.1:{UPSTREAM_PORT}")
    upstreams = [
        subprocess.Popen(["taskset", "-c", WRK_CPU, sys.executable, "-c", ECHO_SERVER, str(ECHO_PORT)]),
        subprocess.Popen(["taskset", "-c", WRK_CPU, str(build_hyper_baseline()), str(UPSTREAM_PORT)],
                         stdout=subprocess.DEVNULL),
    ]
    processes = [
        start([str(server), "--port", str(systems["turbo"])]),
        start([sys.executable, "-m", "uvicorn", "execution_app:app", "--port", str(systems["fastapi"]),
               "--workers", "1", "--loop", "uvloop", "--http", "httptools", "--no-access-log",
               "--log-level", "warning"], cwd=BENCH),
    ]
    runs = {name: [] for name in systems}
    try:
        for port in systems.values():
            wait_ready(port, "/fast")
            # turbo moves /blocking to its thread pool within its first runs.
            for _ in range(3):
                wait_ready(port, "/blocking")
        names = list(systems)
        for index in range(args.rounds):
            for name in names[index % 2:] + names[:index % 2]:
                measured = measure_round(systems[name], args.duration)
                runs[name].append(measured)
                print(f"round {index + 1} {name}: " + ", ".join(
                    f"{key} {value['rps']:.0f}" + (f" (p99 {value['p99_ms']:.2f} ms)" if "p99_ms" in value else "")
                    for key, value in measured.items()), flush=True)
    finally:
        for process in processes + upstreams:
            process.terminate()
            process.wait()

    def median(name, key, field="rps"):
        return statistics.median(run[key][field] for run in runs[name])

    keys = list(runs["turbo"][0])
    report = {"rounds": args.rounds, "duration_s": args.duration, "medians": {}, "runs": runs}
    print(f"\n{'measure':16} {'turbo':>10} {'fastapi':>10} {'turbo/fastapi':>14}")
    for key in keys:
        medians = {name: median(name, key) for name in systems}
        entry = {"rps": {name: round(value) for name, value in medians.items()},
                 "turbo_vs_fastapi": round(medians["turbo"] / medians["fastapi"], 2)}
        if "p99_ms" in runs["turbo"][0][key]:
            entry["p99_ms"] = {name: round(median(name, key, "p99_ms"), 2) for name in systems}
        report["medians"][key] = entry
        print(f"{key:16} {medians['turbo']:10.0f} {medians['fastapi']:10.0f} {entry['turbo_vs_fastapi']:13.2f}x"
              + (f"   p99 ms {entry['p99_ms']}" if "p99_ms" in entry else ""))
    turbo_def = median("turbo", "def")
    report["turbo_async_vs_def"] = round(median("turbo", "async") / turbo_def, 3)
    report["turbo_fast_kept_under_blocking"] = round(median("turbo", "mixed_fast") / median("turbo", "fast_alone"), 3)
    print(f"\nturbo async/def: {report['turbo_async_vs_def']}x; fast route under blocking load keeps "
          f"{report['turbo_fast_kept_under_blocking']:.0%} of its throughput alone")
    (BENCH / "execution.json").write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {BENCH / 'execution.json'}")


if __name__ == "__main__":
    main()
