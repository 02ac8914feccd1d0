#!/usr/bin/env python3
"""Benchmark: `turbo check` on generated apps of 100, 1,000 and 10,000 routes.

Each app mixes static routes, templated routes with typed path and query
parameters, and shares first segments so the shadowing analysis has real
work to do. Timed with hyperfine (warm-up runs, then at least 10 runs).

Usage: python3 bench/check_speed.py     # needs hyperfine; writes bench/check_speed.json
"""

import json
import subprocess
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent


def app_source(routes: int) -> str:
    lines = [
        "from typing import Optional",
        "from fastapi import FastAPI, HTTPException",
        "",
        "app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)",
        "",
    ]
    for i in range(routes):
        group = f"g{i // 10}"
        kind = i % 4
        if kind == 0:
            lines += [f'@app.get("/{group}/static{i}")', f"def h{i}():", f"    return {{'i': {i}}}"]
        elif kind == 1:
            lines += [
                f'@app.get("/{group}/items{i}/{{item_id}}")',
                f"def h{i}(item_id: int, q: Optional[str] = None, limit: int = 10):",
                "    return item_id",
            ]
        elif kind == 2:
            lines += [
                f'@app.post("/{group}/orders{i}/{{order_id:int}}", status_code=201)',
                f"async def h{i}(order_id: int, note: str = 'x'):",
                "    return order_id",
            ]
        else:
            lines += [
                f'@app.api_route("/{group}/files{i}/{{rest:path}}", methods=["GET", "PUT"])',
                f"def h{i}(rest: str, flag: bool = False):",
                "    raise HTTPException(status_code=404)",
            ]
        lines.append("")
    return "\n".join(lines) + "\n"


def main():
    subprocess.run(["cargo", "build", "--release", "--quiet", "-p", "turbo-codegen"], cwd=ROOT, check=True)
    turbo = ROOT / "target" / "release" / "turbo"
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for routes in (100, 1000, 10000):
            app = Path(tmp) / f"app{routes}.py"
            app.write_text(app_source(routes))
            check = subprocess.run([str(turbo), "check", str(app)], capture_output=True, text=True)
            assert check.returncode == 0, check.stderr
            assert f"{routes} routes OK" in check.stderr, check.stderr
            export = Path(tmp) / f"hyperfine{routes}.json"
            subprocess.run(
                ["hyperfine", "--warmup", "3", "--min-runs", "10", "--export-json", str(export), "--style", "basic",
                 f"{turbo} check {app}"],
                check=True,
            )
            result = json.loads(export.read_text())["results"][0]
            results[routes] = {
                "median_ms": round(result["median"] * 1000, 1),
                "mean_ms": round(result["mean"] * 1000, 1),
                "stddev_ms": round(result["stddev"] * 1000, 1),
                "runs": len(result["times"]),
                "source_bytes": len(app.read_text()),
            }
    (BENCH / "check_speed.json").write_text(json.dumps(results, indent=2) + "\n")
    for routes, result in results.items():
        print(f"{routes:6} routes: median {result['median_ms']} ms")


if __name__ == "__main__":
    main()
