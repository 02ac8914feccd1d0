"""Operations (issue 12), against tests/apps/operations: what ends a Python
program, raised by a handler, a dependency, a `yield` dependency's cleanup
or an exception handler, is a 500 with its traceback logged, as uvicorn
answers it, and the server keeps serving; at import, it is one clear error
and exit status 1."""

import os
import subprocess

import pytest

from conftest import ROOT, Server, build

APP = ROOT / "tests" / "apps" / "operations" / "app.py"

EXITS = {
    "/exit/system-exit": "SystemExit: 3",
    "/exit/sys-exit": "SystemExit",
    "/exit/keyboard-interrupt": "KeyboardInterrupt",
    "/exit/generator-exit": "GeneratorExit",
    "/exit/async": "SystemExit: 4",
    "/exit/async-after-await": "SystemExit: 4",
    "/exit/async-keyboard-interrupt-after-await": "KeyboardInterrupt",
    "/exit/dependency": "SystemExit: 6",
    "/exit/exception-handler": "SystemExit: 5",
}


@pytest.fixture(scope="module")
def binary(turbo, tmp_path_factory):
    return build(turbo, APP, tmp_path_factory.mktemp("operations") / "server")


def test_what_ends_a_python_program_is_a_500_and_the_server_keeps_serving(binary):
    server = Server(binary)
    try:
        for path in EXITS:
            response = server.client.get(path)
            assert (response.status_code, response.text) == (500, "Internal Server Error"), path
            assert response.headers["content-type"] == "text/plain; charset=utf-8"
            assert server.client.get("/ok").json() == {"ok": True}
        # Raised by a cleanup after the response was decided: logged only.
        assert server.client.get("/exit/yield-cleanup").json() == {"value": 1}
        assert server.process.poll() is None
    finally:
        code, log = server.stop()
    assert code == 0, log
    for path, shown in EXITS.items():
        assert shown in log, f"{path}: no traceback with {shown!r} in the log"
    assert "SystemExit: 7" in log
    assert log.count("Traceback (most recent call last)") >= len(EXITS) + 1


@pytest.mark.parametrize("status", ["0", "3"])
def test_sys_exit_at_import_is_one_error_and_exit_status_1(binary, status):
    env = {**os.environ, "EXIT_AT_IMPORT": status}
    result = subprocess.run([str(binary), "--port", "0"], capture_output=True, text=True, timeout=30, env=env)
    assert result.returncode == 1, result.stderr
    assert "turbo: error: the app failed to import (traceback above)" in result.stderr
    assert "SystemExit" in result.stderr
    assert result.stdout == ""
