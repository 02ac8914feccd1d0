"""Multi-module projects: a package with routers included across modules,
compiled from `app/main.py` and compared with FastAPI importing the same
package. Also what start-up does when the app registers routes other than
the compiled ones: a router under a false `if` is not served, and a prefix
changed by the environment stops the server with a message naming both
paths.
"""

import contextlib
import importlib
import os
import sys

import pytest

from conftest import EXAMPLES, Server, build
from test_differential import assert_same

FULLSTACK = EXAMPLES / "fullstack"


@contextlib.contextmanager
def imported_package(root, module: str, env: dict):
    """Imports `module` from `root` under real FastAPI with `env` set; the
    package's modules are forgotten again afterwards."""
    saved_env = {key: os.environ.get(key) for key in env}
    os.environ.update(env)
    sys.path.insert(0, str(root))
    top = module.split(".")[0]
    try:
        yield importlib.import_module(module)
    finally:
        sys.path.remove(str(root))
        for name in [n for n in sys.modules if n == top or n.startswith(top + ".")]:
            del sys.modules[name]
        for key, value in saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@pytest.fixture(scope="module")
def fullstack_binary(turbo, tmp_path_factory):
    return build(turbo, FULLSTACK / "app" / "main.py", tmp_path_factory.mktemp("fullstack") / "server")


def start(binary, env: dict) -> Server:
    return Server(binary, env={**os.environ, **env})


def reference_client(env: dict):
    from fastapi.testclient import TestClient

    with imported_package(FULLSTACK, "app.main", env) as module:
        return TestClient(module.app, raise_server_exceptions=False, follow_redirects=False)


CASES = [
    ("GET", "/"),
    ("GET", "/api/v1/users/me"),
    ("GET", "/api/v1/users/7"),
    ("GET", "/api/v1/users/7?role=admin"),
    ("GET", "/api/v1/users/7?role=root"),
    ("GET", "/api/v1/users/x"),
    ("GET", "/api/v1/users"),
    ("GET", "/api/v1/users?q=ann"),
    ("GET", "/api/v1/users/"),
    ("GET", "/api/v1/users/stats/count"),
    ("POST", "/api/v1/users/me"),
    ("GET", "/api/v1/items/"),
    ("GET", "/api/v1/items"),
    ("GET", "/api/v1/items/?skip=1"),
    ("GET", "/api/v1/items/?limit=x"),
    ("GET", "/api/v1/items/1"),
    ("GET", "/api/v1/items/9"),
    ("DELETE", "/api/v1/items/1"),
    ("POST", "/api/v1/login/access-token?username=ann&password=pw"),
    ("POST", "/api/v1/login/access-token"),
    ("GET", "/api/v1/login/access-token"),
    ("GET", "/api/v1/utils/health-check/"),
    ("GET", "/api/v1/utils/health-check"),
    ("GET", "/api/v2/items/"),
    ("GET", "/items/"),
]


@pytest.mark.parametrize("method,url", CASES)
def test_fullstack_matches_fastapi(fullstack_binary, method, url):
    server = start(fullstack_binary, {})
    try:
        assert_same(reference_client({}), server, method, url)
    finally:
        server.stop()


def test_fullstack_bodies_match_fastapi(fullstack_binary):
    server = start(fullstack_binary, {})
    reference = reference_client({})
    try:
        json = {"content-type": "application/json"}
        for body in [b'{"title": "x"}', b'{"title": 1}', b"{}", b"not json", b'{"title": "x", "description": "d"}']:
            assert_same(reference, server, "POST", "/api/v1/items/", content=body, headers=json)
    finally:
        server.stop()


def test_router_under_a_false_if_is_not_served(fullstack_binary):
    env = {"ENVIRONMENT": "production"}
    server = start(fullstack_binary, env)
    reference = reference_client(env)
    try:
        for method, url in CASES:
            assert_same(reference, server, method, url)
        assert "serving 9 routes" in server.banner
    finally:
        code, _ = server.stop()
    assert code == 0


def test_prefix_changed_by_the_environment_stops_the_server(fullstack_binary):
    import subprocess

    result = subprocess.run(
        [str(fullstack_binary), "--port", "0"],
        env={**os.environ, "API_V1_STR": "/api/v2"},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode != 0
    assert "registered route POST /api/v2/login/access-token" in result.stderr, result.stderr
    assert "compiled with POST /api/v1/login/access-token" in result.stderr, result.stderr
    assert "turbo build" in result.stderr
    assert result.stdout == ""
