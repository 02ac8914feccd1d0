"""Background tasks (issue 13), against FastAPI's TestClient over the same
app (tests/apps/background): each request's response, then the tasks it
left, observed through a later request (`/log`). TestClient runs a
request's background before it returns; the server runs it after the
response, so the test waits (bounded) for the log to grow."""

import time

import pytest

from conftest import ROOT, Server, binary_fixture, load_with_fastapi

APP = ROOT / "tests" / "apps" / "background" / "app.py"
binary = binary_fixture(APP)

REQUESTS = [
    ("POST", "/send/ada?q=x&user=ada"),
    ("POST", "/send/bob"),
    ("GET", "/own-background"),
    ("GET", "/response-without-background"),
    ("GET", "/failing"),
    ("GET", "/slow"),
]


def grown(client, count: int) -> list:
    deadline = time.monotonic() + 10
    while True:
        log = client.get("/log").json()
        if len(log) >= count or time.monotonic() > deadline:
            return log
        time.sleep(0.02)


def test_background_tasks_run_after_the_response_as_under_fastapi(binary):
    from fastapi.testclient import TestClient

    reference = TestClient(load_with_fastapi(APP), raise_server_exceptions=False)
    server = Server(binary)
    try:
        for method, path in REQUESTS:
            expected = reference.request(method, path)
            expected_log = reference.get("/log").json()
            started = time.monotonic()
            actual = server.client.request(method, path)
            took = time.monotonic() - started
            assert (actual.status_code, actual.content) == (expected.status_code, expected.content), path
            if path == "/slow":
                # The response did not wait for the 0.3 s task.
                assert took < 0.25, took
            assert grown(server.client, len(expected_log)) == expected_log, path
        # Nothing else ran late (the injected task beside a response's own
        # background, the task after the failing one).
        time.sleep(0.3)
        assert server.client.get("/log").json() == reference.get("/log").json()
        # A blocking `def` task runs on a worker thread: the server answers
        # meanwhile.
        server.client.get("/slow")
        started = time.monotonic()
        server.client.get("/log")
        assert time.monotonic() - started < 0.2
    finally:
        _, log = server.stop()
    assert "exception in a background task of GET /failing" in log, log
    assert "RuntimeError: task failed: boom" in log
