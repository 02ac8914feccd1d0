"""The `turboapi` package provides every name `turbo check` accepts.

turbo-codegen's `imports::PROVIDED` (with `TURBOAPI_EXTRAS`) lists the
fastapi/turboapi modules and names an app may import; a server whose package lacked one would fail at
import. This checks each listed name against the package itself (in a
separate interpreter, so the FastAPI reference apps keep their own modules).
"""

import re
import subprocess
import sys

from conftest import ROOT


def provided() -> dict:
    source = (ROOT / "turbo-codegen" / "src" / "imports.rs").read_text()
    constants = {
        name: re.findall(r'"(\w+)"', body)
        for name, body in re.findall(r"const (\w+): &\[&str\] = &\[(.*?)\];", source, re.S)
    }
    table = source[source.index("pub const PROVIDED") : source.index("const EXCEPTIONS")]
    entries = {}
    for module, names in re.findall(r'\(\s*"([\w.]+)",\s*(&\[.*?\]|[A-Z_]+)\s*,?\s*\)', table, re.S):
        entries[module] = constants[names] if not names.startswith("&") else re.findall(r'"(\w+)"', names)
    return entries


def starlette_modules() -> dict:
    """`turbo_contract::STARLETTE_MODULES`: the package module installed
    as each `starlette.<name>`."""
    source = (ROOT / "turbo-contract" / "src" / "lib.rs").read_text()
    table = source[source.index("pub const STARLETTE_MODULES") : source.index("pub const PYTHON_PACKAGE")]
    return {f"starlette.{name}": module for name, module in re.findall(r'\("([\w.]+)", "([\w.]+)"\)', table)}


def package_module(module: str) -> str:
    if module.startswith("starlette."):
        return starlette_modules()[module]
    return module.replace("fastapi", "turboapi", 1).replace("starlette", "turboapi", 1)


def test_every_provided_name_exists():
    entries = provided()
    assert "fastapi.responses" in entries and "JSONResponse" in entries["fastapi.responses"]
    assert starlette_modules()["starlette.exceptions"] == "turboapi._starlette_exceptions"
    checks = [
        f"import importlib; m = importlib.import_module({package_module(module)!r}); "
        f"missing = [n for n in {names!r} if not hasattr(m, n)]; assert not missing, ({module!r}, missing)"
        for module, names in entries.items()
    ]
    result = subprocess.run(
        [sys.executable, "-c", "\n".join(checks)],
        env={"PYTHONPATH": str(ROOT / "python")},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
