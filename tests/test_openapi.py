"""The OpenAPI document and the documentation pages, against FastAPI.

Every example app and project, and every test app, has its document
(`turbo openapi`, which the server prints as `/openapi.json` serves it)
compared with FastAPI's `app.openapi()` for the same source, as JSON, with
the differences printed when they fail. tests/apps/openapi declares what
the document is made of feature by feature (metadata, tags, security and
scopes, forms and files, embedded and multiple bodies, responses on
decorators, routers and inclusions, response classes, callbacks,
webhooks, `generate_unique_id_function`, a customised `openapi()`, a
mounted application). Its pages (`/openapi.json`, `/docs`,
`/docs/oauth2-redirect`, `/redoc`) are compared byte for byte with
FastAPI's TestClient, at the root and behind `--root-path`.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import EXAMPLES, ROOT, Server, app_fixtures, comparable_answer

APP = ROOT / "tests" / "apps" / "openapi" / "app.py"
binary, server, reference = app_fixtures(APP)

# Both sides iterate a route's set of methods (FastAPI's operation ids of
# `api_route(methods=[...])` depend on it): the same hash seed makes the
# order the same in both processes.
HASH_SEED = {"PYTHONHASHSEED": "0"}


def entries() -> list[Path]:
    """Every example and test app: single files and packages (`app/main.py`);
    not tests/apps/venv_app, which imports from a virtual environment its
    test makes."""
    apps = []
    for parent in (EXAMPLES, ROOT / "tests" / "apps"):
        for directory in sorted(p for p in parent.iterdir() if p.is_dir() and p.name != "venv_app"):
            for entry in (directory / "app.py", directory / "app" / "main.py"):
                if entry.exists():
                    apps.append(entry)
    return apps


def fastapi_document(entry: Path) -> dict:
    """FastAPI's `app.openapi()` for `entry`, imported in a fresh process
    (the projects are all packages named `app`); `turboapi` is FastAPI."""
    if entry.name == "main.py":
        root, module = entry.parent.parent, "app.main"
    else:
        root, module = entry.parent, entry.stem
    script = (
        "import json, sys, types, fastapi\n"
        "shim = types.ModuleType('turboapi'); shim.__dict__.update(fastapi.__dict__)\n"
        "shim.TurboAPI = fastapi.FastAPI; sys.modules['turboapi'] = shim\n"
        f"sys.path.insert(0, {str(root)!r})\n"
        f"import importlib; app = importlib.import_module({module!r}).app\n"
        "print(json.dumps(app.openapi()))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=root, env={**os.environ, **HASH_SEED}
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def differences(ours, theirs, pointer: str = "") -> list[str]:
    """Where two JSON values differ, as JSON pointers (ours, then FastAPI's)."""
    if isinstance(ours, dict) and isinstance(theirs, dict):
        found = []
        for key in ours.keys() | theirs.keys():
            inner = f"{pointer}/{key}"
            if key not in theirs:
                found.append(f"{inner}: only turbo's: {json.dumps(ours[key])[:200]}")
            elif key not in ours:
                found.append(f"{inner}: only FastAPI's: {json.dumps(theirs[key])[:200]}")
            else:
                found.extend(differences(ours[key], theirs[key], inner))
        return found
    if isinstance(ours, list) and isinstance(theirs, list) and len(ours) == len(theirs):
        return [d for i, (a, b) in enumerate(zip(ours, theirs)) for d in differences(a, b, f"{pointer}/{i}")]
    if ours != theirs:
        return [f"{pointer}: turbo {json.dumps(ours)[:200]} != FastAPI {json.dumps(theirs)[:200]}"]
    return []


@pytest.mark.parametrize("entry", entries(), ids=lambda p: str(p.relative_to(ROOT)))
def test_document_matches_fastapi(turbo, entry):
    result = subprocess.run(
        [str(turbo), "openapi", str(entry)], capture_output=True, text=True, env={**os.environ, **HASH_SEED}
    )
    assert result.returncode == 0, result.stderr
    ours = json.loads(result.stdout)
    theirs = fastapi_document(entry)
    assert ours == theirs, "\n".join(differences(ours, theirs))


def test_features_are_documented(server):
    """The feature app's document has what it declares (so the comparison
    with FastAPI compares something)."""
    document = server.client.get("/openapi.json").json()
    paths = document["paths"]
    assert document["info"]["title"] == "Shop API" and document["openapi"] == "3.0.2"
    assert "/internal" not in paths and "/openapi.json" not in paths
    assert paths["/v1/users/me"]["get"]["operationId"] == "users-read_me"
    assert paths["/v1/users/me"]["get"]["deprecated"] is True
    assert paths["/items/{item_id}"]["get"]["security"] == [
        {"APIKeyHeader": []},
        {"OAuth2PasswordBearer": ["items:read"]},
    ]
    assert paths["/invoices/"]["post"]["callbacks"]["invoice_notification"]
    assert document["webhooks"]["new-subscription"]["post"]["summary"] == "New Subscription"
    assert "multipart/form-data" in paths["/v1/users/avatar"]["post"]["requestBody"]["content"]
    assert set(document["components"]["securitySchemes"]) == {"OAuth2PasswordBearer", "APIKeyHeader", "HTTPBasic"}
    assert "Item-Input" in document["components"]["schemas"] and "Item-Output" in document["components"]["schemas"]
    assert not any(path.startswith("/sub") for path in paths)
    sub = server.client.get("/sub/openapi.json").json()
    assert sub["info"]["x-logo"] and list(sub["paths"]) == ["/things/{thing_id}"]
    assert list(sub["webhooks"]) == ["thing-created"]
    assert sub["servers"] == [{"url": "/sub"}]


PAGES = ["/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc", "/sub/openapi.json", "/sub/documentation", "/sub/redoc"]


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_pages_are_fastapis(server, reference, method, path):
    ours = server.client.request(method, path)
    theirs = reference.request(method, path)
    assert ours.status_code == 200
    assert comparable_answer(ours) == comparable_answer(theirs)


@pytest.mark.parametrize("path", ["/openapi.json", "/docs", "/redoc", "/sub/openapi.json", "/sub/documentation"])
def test_pages_behind_a_root_path(binary, path):
    """`--root-path` (uvicorn's): the document lists it as a server and the
    pages load the document from under it, as FastAPI does with the
    ASGI scope's `root_path`."""
    from fastapi.testclient import TestClient

    from conftest import load_with_fastapi

    running = Server(binary, "--root-path", "/shop")
    try:
        ours = running.client.get(path)
        # uvicorn puts the root path in front of the request's path; so
        # does this request, for Starlette's `get_route_path`.
        theirs = TestClient(load_with_fastapi(APP), root_path="/shop").get("/shop" + path)
        assert ours.status_code == 200
        assert comparable_answer(ours) == comparable_answer(theirs)
    finally:
        running.stop()


def test_pages_are_routes_like_fastapis(server, reference):
    """They are Starlette routes: other methods get 405 with their `Allow`,
    and the slash-toggled path redirects."""

    def answer(response):
        # Starlette writes `Allow` from a set ({"GET", "HEAD"}): its order
        # follows the process's string hashes.
        status, body, length, headers = comparable_answer(response)
        return status, body, length, [(k, ", ".join(sorted(v.split(", "))) if k == "allow" else v) for k, v in headers]

    for method, path in [("POST", "/docs"), ("DELETE", "/openapi.json"), ("GET", "/docs/"), ("GET", "/redoc/")]:
        assert answer(server.client.request(method, path)) == answer(reference.request(method, path)), (method, path)


def test_locked_document(turbo, tmp_path):
    """`turbo openapi -o` writes the document; `--locked` passes while it is
    the same and names each difference when it is not."""
    hello = EXAMPLES / "hello" / "app.py"
    written = tmp_path / "openapi.json"
    subprocess.run([str(turbo), "openapi", str(hello), "-o", str(written)], check=True, capture_output=True)
    assert json.loads(written.read_text())["paths"]["/"]["get"]["operationId"]
    locked = subprocess.run([str(turbo), "openapi", str(hello), "--locked", str(written)], capture_output=True, text=True)
    assert locked.returncode == 0, locked.stderr
    document = json.loads(written.read_text())
    document["paths"]["/"]["get"]["summary"] = "Renamed"
    document["info"]["version"] = "9"
    written.write_text(json.dumps(document))
    drift = subprocess.run([str(turbo), "openapi", str(hello), "--locked", str(written)], capture_output=True, text=True)
    assert drift.returncode == 1
    assert '/paths/~1/get/summary: was "Renamed", now "Root"' in drift.stderr
    assert '/info/version: was "9", now "0.1.0"' in drift.stderr
    assert f"turbo openapi {hello} -o {written}" in drift.stderr
