"""Dependencies as real applications use them, compiled from
examples/store and compared with FastAPI importing the same package: a
SQLite session with `yield` (commit on success, rollback when the handler
or a dependency raises, close always), an async app-wide dependency, an
API key on an `include_router`, a role checker as a callable instance on
a router and a decorator, pagination as a class (`Depends()` on the
annotated type), an async generator with scope="function", caching and
use_cache=False, and the cache keyed by dependable and scope.

Each case starts from a freshly seeded database, sends one request, then
reads back the events the dependencies recorded (GET /events) and the
table (GET /items/), so the order of enter and exit code and what reached
the database are compared too, not only the response."""

import json

import pytest

from conftest import EXAMPLES, build
from test_differential import assert_same
from test_projects import reference_client, start

STORE = EXAMPLES / "store"

KEY = {"x-api-key": "s3cret"}
CLERK = {**KEY, "x-role": "clerk"}
ADMIN = {"x-role": "admin"}
JSON = {"content-type": "application/json"}

CASES = [
    ("GET", "/items/", KEY, None),
    ("GET", "/items/?offset=1&limit=2", {**KEY, "x-request-id": "r-1"}, None),
    ("GET", "/items/?limit=0&offset=x", KEY, None),  # two errors from the class dependency
    ("GET", "/items/?limit=0", {}, None),  # the API key's error, then the class's
    ("GET", "/items/", {"x-api-key": "wrong"}, None),  # HTTPException from a router dependency
    ("GET", "/items/3", KEY, None),
    ("GET", "/items/99", KEY, None),  # HTTPException from the handler reaches the session's except
    ("GET", "/items/x", KEY, None),  # a 422 reaches the session as RequestValidationError
    ("POST", "/items/", CLERK, {"name": "level", "price": 15.0, "stock": 2}),  # committed
    ("POST", "/items/", KEY, {"name": "level", "price": 15.0}),  # the role checker refuses a viewer
    ("POST", "/items/", CLERK, {"name": "level", "price": -1.0}),  # written, then rolled back
    ("POST", "/items/", CLERK, {"name": "crash", "price": 1.0}),  # a 500, rolled back
    ("POST", "/items/", CLERK, {"name": "saw", "price": 1.0}),  # sqlite3.IntegrityError, rolled back
    ("POST", "/items/", CLERK, {"price": "free"}),  # body errors
    ("POST", "/items/", CLERK, b"{not json"),
    ("GET", "/admin/stats", ADMIN, None),  # cached and use_cache=False
    ("GET", "/admin/stats", {}, None),
    ("DELETE", "/admin/items/2", ADMIN, None),
    ("DELETE", "/admin/items/2", {"x-role": "clerk"}, None),
    ("GET", "/events", {}, None),
    ("GET", "/cache-keys", {}, None),
]


@pytest.fixture(scope="module")
def store(turbo, tmp_path_factory):
    binary = build(turbo, STORE / "app" / "main.py", tmp_path_factory.mktemp("store") / "server")
    server = start(binary, {})
    yield server, reference_client({}, STORE)
    server.stop()


@pytest.mark.parametrize("method,url,headers,body", CASES)
def test_store_matches_fastapi(store, method, url, headers, body):
    server, reference = store
    for client in (reference, server.client):
        assert client.post("/reset").status_code == 204
    content = body if isinstance(body, (bytes, type(None))) else json.dumps(body).encode()
    headers = {**headers, **(JSON if body is not None else {})}
    assert_same(reference, server, method, url, content=content, headers=headers)
    events = assert_same(reference, server, "GET", "/events")
    table = assert_same(reference, server, "GET", "/items/?limit=50", headers=KEY)
    if (method, url) == ("POST", "/items/") and headers.get("x-role") == "clerk" and body == {
        "name": "level",
        "price": -1.0,
    }:
        # The row the handler wrote was rolled back by the session's exit code.
        assert "db:rollback:422" in events.json()
        assert "level" not in [item["name"] for item in table.json()]


def test_cleanup_order_is_read_back(store):
    """Exit code runs innermost first, function scope before request scope."""
    server, reference = store
    server.client.post("/reset")
    body = json.dumps({"name": "level", "price": 15.0}).encode()
    response = server.client.post("/items/", content=body, headers={**CLERK, **JSON, "x-request-id": "r-9"})
    assert response.status_code == 201
    assert server.client.get("/events").json() == [
        "request:r-9",
        "db:open",
        "timed:start",
        "timed:end",
        "db:commit",
        "db:close",
        "request:-",  # GET /events's own app-wide dependency
    ]


def test_a_dependable_whose_kind_changed_after_the_build_stops_the_server(turbo, tmp_path):
    """The server calls a `yield` dependable as a context manager because
    it was compiled as one: if the source now makes it a plain function,
    it refuses to start instead of calling it the wrong way."""
    import shutil
    import subprocess

    project = tmp_path / "store"
    shutil.copytree(STORE, project, ignore=shutil.ignore_patterns("__pycache__"))
    binary = build(turbo, project / "app" / "main.py", tmp_path / "server")
    deps = project / "app" / "api" / "deps.py"
    source = deps.read_text()
    changed = source.replace('    EVENTS.append("numbered")\n    yield len(EVENTS)', '    EVENTS.append("numbered")\n    return len(EVENTS)')
    assert changed != source
    deps.write_text(changed)
    result = subprocess.run([str(binary), "--port", "0"], capture_output=True, text=True, timeout=30)
    assert result.returncode != 0
    assert "app.api.deps.numbered of GET /cache-keys is a function" in result.stderr, result.stderr
    assert "compiled for a generator" in result.stderr, result.stderr
