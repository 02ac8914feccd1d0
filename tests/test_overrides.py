"""`app.dependency_overrides`, set before the server starts serving (here
by tests/apps/overrides at import, as chosen by OVERRIDES), compared with
FastAPI importing the same package with the same overrides: a generator
replaced by another (its exit code runs), a dependency with dependencies
of its own replaced by one without parameters (its token check and its
database session are then not run, while the handler's own session
still is), a replacement declaring the same parameters but `async def`,
one declaring some of them (FastAPI's testing guide: the others are not
read), one keeping one of two dependencies (the other is not run), and an
override declaring a parameter the replaced one does not, refused at
start-up."""

import pytest

from conftest import ROOT, build
from test_differential import assert_same
from test_projects import reference_client, start

OVERRIDES = ROOT / "tests" / "apps" / "overrides"

CASES = [
    ("GET", "/db", {}),
    ("GET", "/me", {"authorization": "Bearer good"}),
    ("GET", "/me", {"authorization": "Bearer bad"}),
    ("GET", "/me", {}),
    ("GET", "/settings?level=3", {}),
    ("GET", "/settings?level=0", {}),
    ("GET", "/strict?x=2", {}),
    ("GET", "/items/?q=foo&skip=1&limit=2", {}),
    ("GET", "/items/?skip=x&limit=y", {}),  # not read by the override
]

MODES = ["", "db", "user", "lambda,db", "settings", "db,user,settings", "commons", "subset", "subset,db"]


@pytest.fixture(scope="module")
def binary(turbo, tmp_path_factory):
    return build(turbo, OVERRIDES / "app" / "main.py", tmp_path_factory.mktemp("overrides") / "server")


@pytest.mark.parametrize("mode", MODES)
def test_same_as_fastapi(binary, mode):
    env = {"OVERRIDES": mode}
    server = start(binary, env)
    try:
        reference = reference_client(env, OVERRIDES)
        for method, path, headers in CASES:
            assert_same(reference, server, method, path, headers=headers)
            # What ran, and in which order: the replaced generator's exit code.
            assert_same(reference, server, "GET", "/events")
    finally:
        server.stop()


def test_an_override_turbo_cannot_serve_stops_the_server(binary):
    import os
    import subprocess

    env = {**os.environ, "OVERRIDES": "wrong"}
    result = subprocess.run([str(binary), "--port", "0"], capture_output=True, text=True, timeout=30, env=env)
    assert result.returncode != 0
    assert "app.dependency_overrides[app.deps.strict] = app.deps.wrong_strict" in result.stderr, result.stderr
    assert "strict takes (x), wrong_strict takes (y)" in result.stderr, result.stderr
