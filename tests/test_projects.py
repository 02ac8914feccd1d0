"""Multi-module projects compiled from `app/main.py` and compared with
FastAPI importing the same package: routers included across modules
(fullstack), an app factory with Starlette imports and `add_api_route`
(factory), routers nested three deep with prefixes at every level and two
modules importing each other (nested), an app assembled by class methods
(classbuilt). Also what start-up does when the
app registers routes other than the compiled ones: a router under a false
`if` is not served, and a prefix changed by the environment stops the
server with a message naming both paths.
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


def reference_client(env: dict, root=FULLSTACK):
    from fastapi.testclient import TestClient

    with imported_package(root, "app.main", env) as module:
        return TestClient(module.app, raise_server_exceptions=False, follow_redirects=False)


@pytest.fixture(scope="module")
def project_server(turbo, tmp_path_factory):
    """A running server per example project, with FastAPI's client for it."""
    running = {}

    def get(name: str):
        if name not in running:
            binary = build(turbo, EXAMPLES / name / "app" / "main.py", tmp_path_factory.mktemp(name) / "server")
            running[name] = (start(binary, {}), reference_client({}, EXAMPLES / name))
        return running[name]

    yield get
    for server, _ in running.values():
        server.stop()


FACTORY_CASES = [
    ("GET", "/health"),
    ("PUT", "/health"),
    ("GET", "/nothing"),
    ("GET", "/api/articles"),
    ("GET", "/api/articles/"),
    ("GET", "/api/articles?limit=0&offset=-1"),
    ("GET", "/api/articles?limit=1&offset=1"),
    ("GET", "/api/articles/hello"),
    ("GET", "/api/articles/nope"),
    ("DELETE", "/api/articles/hello"),
    ("GET", "/api/tags"),
    ("GET", "/api/tags/"),
    ("POST", "/api/tags"),
]

NESTED_CASES = [
    ("GET", "/"),
    ("GET", "/v1/api/"),
    ("GET", "/v1/api"),
    ("GET", "/v1/api/users"),
    ("GET", "/v1/api/users/"),
    ("GET", "/v1/api/users/10/groups"),
    ("GET", "/v1/api/users/x/groups"),
    ("GET", "/v1/api/groups/1/members"),
    ("GET", "/v1/api/admin/tenants/acme/"),
    ("GET", "/v1/api/admin/tenants/acme"),
    ("GET", "/v1/api/admin/tenants/acme/audit/events"),
    ("GET", "/v1/api/admin/tenants/acme/audit/events?level=error&limit=2"),
    ("GET", "/v1/api/admin/tenants/acme/audit/events?level=debug"),
    ("GET", "/v1/api/admin/tenants/acme/audit/events/42"),
    ("GET", "/v1/api/admin/tenants/acme/audit/events/x"),
    ("DELETE", "/v1/api/admin/tenants/acme/cache"),
    ("POST", "/v1/api/admin/tenants/acme/cache"),
    ("GET", "/v1/elsewhere/deep"),
    ("GET", "/v1/api/pages/page"),
    ("GET", "/v1/api/pages/data"),
    ("GET", "/v1/api/pages/text/plain"),
    ("GET", "/v2"),
]


@pytest.mark.parametrize("method,url", FACTORY_CASES)
def test_factory_matches_fastapi(project_server, method, url):
    server, reference = project_server("factory")
    assert_same(reference, server, method, url)


def test_factory_bodies_match_fastapi(project_server):
    server, reference = project_server("factory")
    json = {"content-type": "application/json"}
    for body in [b'{"title": "New one", "body": "b"}', b'{"title": "", "body": "b"}', b'{"body": 1}', b"[]"]:
        assert_same(reference, server, "POST", "/api/articles", content=body, headers=json)


@pytest.mark.parametrize("method,url", NESTED_CASES)
def test_nested_matches_fastapi(project_server, method, url):
    server, reference = project_server("nested")
    headers = {"x-token": "t"} if url.endswith("/cache") and method == "DELETE" else None
    assert_same(reference, server, method, url, headers=headers)


def test_nested_header_missing_matches_fastapi(project_server):
    server, reference = project_server("nested")
    assert_same(reference, server, "DELETE", "/v1/api/admin/tenants/acme/cache")


CLASSBUILT_CASES = [
    ("GET", "/health"),
    ("GET", "/items/"),
    ("GET", "/items"),
    ("GET", "/items/?limit=1"),
    ("GET", "/items/?limit=x"),
    ("GET", "/items/5"),
    ("GET", "/items/five"),
    ("GET", "/extras/2"),
    ("GET", "/extras/2?scale=0.25"),
    ("GET", "/extras/2?scale=big"),
    ("POST", "/extras/2"),
    ("GET", "/made/x"),
    ("GET", "/made/"),
]


@pytest.mark.parametrize("method,url", CLASSBUILT_CASES)
def test_classbuilt_matches_fastapi(project_server, method, url):
    server, reference = project_server("classbuilt")
    assert_same(reference, server, method, url)


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
        # 9 of the app's, and FastAPI's 4 documentation pages.
        assert "serving 13 routes" in server.banner
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
    # The first route that differs: the document's page (`openapi_url=` is
    # built from the same setting), registered before the app's routes.
    assert "registered route GET,HEAD /api/v2/openapi.json" in result.stderr, result.stderr
    assert "compiled with GET,HEAD /api/v1/openapi.json" in result.stderr, result.stderr
    assert "turbo build" in result.stderr
    assert result.stdout == ""


def test_factory_entry_as_uvicorn_spells_it(turbo, tmp_path):
    """`turbo build app.core.application:get_application --factory`: the
    server calls the factory, as `uvicorn --factory` does."""
    import subprocess

    from fastapi.testclient import TestClient

    root = EXAMPLES / "factory"
    output = tmp_path / "server"
    result = subprocess.run(
        [str(turbo), "build", "app.core.application:get_application", "--factory", "--app-dir", str(root),
         "-o", str(output)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    server = start(output, {})
    try:
        with imported_package(root, "app.core.application", {}) as module:
            reference = TestClient(module.get_application(), raise_server_exceptions=False, follow_redirects=False)
        for method, url in FACTORY_CASES:
            assert_same(reference, server, method, url)
    finally:
        server.stop()


def test_factory_flag_needs_a_name(turbo):
    import subprocess

    result = subprocess.run(
        [str(turbo), "check", "app.core.application", "--factory", "--app-dir", str(EXAMPLES / "factory")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert "--factory needs the factory's name" in result.stderr
