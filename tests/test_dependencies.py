"""Dependencies (`Depends`) compiled from a project (examples/deps) and
compared with FastAPI importing the same package: dependables in another
module, `Annotated` and default spellings and a module-level alias,
sub-dependencies, per-request caching and `use_cache=False`,
`dependencies=[...]` on a decorator, `HTTPException` from a dependency
(with its headers), a dependency's path, query, header and cookie
parameters, `Request` and `Response`, and every error of every dependency
gathered into one 422 in FastAPI's order (duplicates included). Each
response lists the dependables called, in order, so the call order is
compared too."""

import pytest

from conftest import EXAMPLES, build
from test_differential import assert_same
from test_projects import reference_client, start

DEPS = EXAMPLES / "deps"

TOKEN = {"x-token": "secret"}
BAD_TOKEN = {"x-token": "nope"}
WITH_SESSION = {"x-token": "secret", "cookie": "session=abc"}

CASES = [
    ("GET", "/items/", None),
    ("GET", "/items/?skip=2&limit=5&q=x", None),
    ("GET", "/items/?limit=1000&skip=x", None),
    ("GET", "/items/?limit=", None),
    ("GET", "/items/mine", TOKEN),
    ("GET", "/items/mine", WITH_SESSION),
    ("GET", "/items/mine", None),
    ("GET", "/items/mine", BAD_TOKEN),
    ("GET", "/items/mine?limit=x", None),
    ("GET", "/items/mine?limit=x", BAD_TOKEN),
    ("GET", "/items/5", TOKEN),
    ("GET", "/items/13", TOKEN),
    ("GET", "/items/x", TOKEN),
    ("GET", "/items/x", None),
    ("GET", "/items/5", BAD_TOKEN),
    ("GET", "/items/calls/cached", None),
    ("GET", "/items/calls/uncached", None),
    ("POST", "/items/audit", TOKEN),
    ("POST", "/items/audit", None),
    ("POST", "/items/audit", BAD_TOKEN),
    ("GET", "/items/audit", TOKEN),
]


@pytest.fixture(scope="module")
def deps_server(turbo, tmp_path_factory):
    binary = build(turbo, DEPS / "app" / "main.py", tmp_path_factory.mktemp("deps") / "server")
    server = start(binary, {})
    yield server, reference_client({}, DEPS)
    server.stop()


@pytest.mark.parametrize("method,url,headers", CASES)
def test_dependencies_match_fastapi(deps_server, method, url, headers):
    server, reference = deps_server
    response = assert_same(reference, server, method, url, headers=headers)
    if url == "/items/mine" and headers == TOKEN:
        # The dependables really ran, each once, in FastAPI's order.
        assert response.json()["calls"] == ["token", "current_user", "pagination"]


def test_response_header_set_by_a_dependency(deps_server):
    server, reference = deps_server
    assert_same(reference, server, "GET", "/items/")  # forgets earlier calls on both sides
    response = assert_same(reference, server, "POST", "/items/audit", headers=TOKEN)
    assert response.headers["x-audited"] == "ann"
    assert response.json()["calls"] == ["token", "current_user", "audit"]


def test_a_dependable_changed_after_the_build_stops_the_server(turbo, tmp_path):
    """The server calls only the dependables it compiled: if the app's
    handler now depends on another function, it refuses to start."""
    import shutil
    import subprocess

    project = tmp_path / "deps"
    shutil.copytree(DEPS, project, ignore=shutil.ignore_patterns("__pycache__"))
    binary = build(turbo, project / "app" / "main.py", tmp_path / "server")
    items = project / "app" / "api" / "items.py"
    items.write_text(
        items.read_text().replace(
            "def list_items(page: Annotated[dict, Depends(pagination)]",
            "def list_items(page: Annotated[dict, Depends(deps.counter)]",
        )
    )
    result = subprocess.run([str(binary), "--port", "0"], capture_output=True, text=True, timeout=30)
    assert result.returncode != 0
    assert "dependency 1 of GET /items/ is app.api.deps.counter" in result.stderr, result.stderr
    assert "compiled with app.api.deps.pagination" in result.stderr, result.stderr
    assert "turbo build" in result.stderr
