#!/usr/bin/env python3
"""Benchmark: `turbo check` on generated apps of 100, 1,000 and 10,000 routes,
and on a generated project of 50 modules with 1,000 routes.

Each app mixes static routes, templated routes with typed path and query
parameters, and shares first segments so the shadowing analysis has real
work to do. The project is laid out as real ones are: `app/main.py`
including an aggregating router, 45 route modules of about 22 routes each
on routers with prefixes, models imported from `app/models.py`. Timed with
hyperfine (warm-up runs, then at least 10 runs).

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


PROJECT_MODULES = 45


def write_project(root: Path, routes: int) -> Path:
    """A package of 50 modules: main, the aggregating router, models and
    route modules; `routes` routes in all. Returns the entry file."""
    app = root / "app"
    (app / "routes").mkdir(parents=True)
    (app / "__init__.py").write_text("")
    (app / "routes" / "__init__.py").write_text("")
    (app / "models.py").write_text(
        "from pydantic import BaseModel\n\n\nclass Item(BaseModel):\n    name: str\n    price: float\n"
    )
    imports, includes = [], []
    per_module = routes // PROJECT_MODULES
    extra = routes - per_module * PROJECT_MODULES
    for m in range(PROJECT_MODULES):
        count = per_module + (1 if m < extra else 0)
        lines = [
            "from typing import Optional",
            "from fastapi import APIRouter, Query",
            "from ..models import Item",
            "",
            f'router = APIRouter(prefix="/m{m}", tags=["m{m}"])',
            "",
        ]
        for i in range(count):
            kind = i % 3
            if kind == 0:
                lines += [f'@router.get("/static{i}")', f"def h{i}():", f"    return {{'i': {i}}}"]
            elif kind == 1:
                lines += [
                    f'@router.get("/items{i}/{{item_id}}")',
                    f"def h{i}(item_id: int, q: Optional[str] = None, limit: int = Query(10, le=100)):",
                    "    return item_id",
                ]
            else:
                lines += [f'@router.post("/items{i}", status_code=201)', f"def h{i}(item: Item):", "    return item"]
            lines.append("")
        (app / "routes" / f"r{m}.py").write_text("\n".join(lines))
        imports.append(f"from app.routes import r{m}")
        includes.append(f"api.include_router(r{m}.router)")
    (app / "api.py").write_text(
        "\n".join(["from fastapi import APIRouter", *imports, "", "api = APIRouter()", *includes, ""])
    )
    (app / "main.py").write_text(
        "from fastapi import FastAPI\n\nfrom app.api import api\n\n"
        "app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)\n"
        'app.include_router(api, prefix="/api/v1")\n'
    )
    return app / "main.py"


def timed(turbo: Path, target: Path, name: str, tmp: str) -> dict:
    export = Path(tmp) / f"hyperfine-{name}.json"
    subprocess.run(
        ["hyperfine", "--warmup", "3", "--min-runs", "10", "--export-json", str(export), "--style", "basic",
         f"{turbo} check {target}"],
        check=True,
    )
    result = json.loads(export.read_text())["results"][0]
    return {
        "median_ms": round(result["median"] * 1000, 1),
        "mean_ms": round(result["mean"] * 1000, 1),
        "stddev_ms": round(result["stddev"] * 1000, 1),
        "runs": len(result["times"]),
    }


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
            results[routes] = timed(turbo, app, str(routes), tmp)
            results[routes]["source_bytes"] = len(app.read_text())
        entry = write_project(Path(tmp) / "project", 1000)
        check = subprocess.run([str(turbo), "check", str(entry)], capture_output=True, text=True)
        assert check.returncode == 0, check.stderr
        assert "1000 routes OK (50 modules)" in check.stderr, check.stderr
        results["project-50-modules-1000"] = timed(turbo, entry, "project", tmp)
    (BENCH / "check_speed.json").write_text(json.dumps(results, indent=2) + "\n")
    for routes, result in results.items():
        print(f"{routes:>24}: median {result['median_ms']} ms")


if __name__ == "__main__":
    main()
