"""The app's lifespan (issue 13), against FastAPI's TestClient running the
same app (tests/apps/lifespan): startup before the first request, in
FastAPI's order, with its state in `request.state` and `app.state`;
shutdown after the last request; a failing startup is one error, exit
status 3 (uvicorn's) and nothing served; under --workers, every worker
runs its own."""

import json
import os
import subprocess

import pytest

from conftest import ROOT, Server, build, load_with_fastapi

APP = ROOT / "tests" / "apps" / "lifespan" / "app.py"

# FastAPI deprecates `on_event` (the app uses it on purpose).
pytestmark = pytest.mark.filterwarnings("ignore:\\s*on_event is deprecated:DeprecationWarning")

REQUESTS = ["/events", "/state", "/router-state", "/hits", "/hits", "/dependency-state", "/fresh"]


@pytest.fixture(scope="module")
def binary(turbo, tmp_path_factory):
    return build(turbo, APP, tmp_path_factory.mktemp("lifespan") / "server")


def with_style(style: str | None, log) -> dict:
    env = {key: value for key, value in os.environ.items() if key not in ("LIFESPAN_STYLE", "FAIL_STARTUP")}
    env["LIFESPAN_LOG"] = str(log)
    if style:
        env["LIFESPAN_STYLE"] = style
    return env


def fastapi_answers(style: str | None, log, monkeypatch) -> tuple[list, list]:
    """FastAPI's answers to REQUESTS, and the events its lifespan logged."""
    from fastapi.testclient import TestClient

    for key, value in with_style(style, log).items():
        monkeypatch.setenv(key, value)
    if not style:
        monkeypatch.delenv("LIFESPAN_STYLE", raising=False)
    app = load_with_fastapi(APP)
    with TestClient(app, raise_server_exceptions=False) as client:
        answers = []
        for path in REQUESTS:
            response = client.get(path)
            answers.append((path, response.status_code, response.text))
    return answers, log.read_text().splitlines()


@pytest.mark.parametrize("style", [None, "events"], ids=["lifespan", "event-handlers"])
def test_lifespan_runs_as_under_fastapi(binary, style, tmp_path, monkeypatch):
    expected, expected_events = fastapi_answers(style, tmp_path / "fastapi.log", monkeypatch)
    log = tmp_path / "turbo.log"
    server = Server(binary, env=with_style(style, log))
    try:
        answers = []
        for path in REQUESTS:
            response = server.client.get(path)
            answers.append((path, response.status_code, response.text))
        # Startup had run before the server answered its first request.
        assert log.read_text().splitlines() == json.loads(answers[0][2])
    finally:
        code, stderr = server.stop()
    assert code == 0, stderr
    assert answers == expected
    # Shutdown ran after the drain, in FastAPI's order.
    assert log.read_text().splitlines() == expected_events


def test_a_failing_startup_stops_the_server_with_status_3(binary, tmp_path):
    env = {**with_style(None, tmp_path / "log"), "FAIL_STARTUP": "1"}
    result = subprocess.run([str(binary), "--port", "0"], capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 3
    assert result.stdout == "", "nothing is served: no banner"
    assert "RuntimeError: the database is unreachable" in result.stderr
    assert "turbo: error: application startup failed (traceback above); exiting" in result.stderr
    # The lifespan was entered once and never exited.
    assert (tmp_path / "log").read_text().splitlines() == ["app lifespan enter"]


def test_a_failing_startup_under_workers_stops_everything(binary, tmp_path):
    env = {**with_style(None, tmp_path / "log"), "FAIL_STARTUP": "1"}
    result = subprocess.run([str(binary), "--port", "0", "--workers", "2"], capture_output=True, text=True,
                            env=env, timeout=60)
    assert result.returncode == 1
    assert "stopped before it was ready (exit status 3); not restarting it" in result.stderr


def test_every_worker_runs_its_own_lifespan(binary, tmp_path):
    log = tmp_path / "log"
    server = Server(binary, "--workers", "2", env=with_style(None, log))
    try:
        assert server.client.get("/state").json() == {"pool": "pool-1", "greeting": "hello"}
    finally:
        code, stderr = server.stop()
    assert code == 0, stderr
    events = log.read_text().splitlines()
    for event in ["app lifespan enter", "router lifespan enter", "router lifespan exit", "app lifespan exit"]:
        assert events.count(event) == 2, events
