"""Path operations that `yield` (issue 13): JSON Lines and server-sent
events, compared with FastAPI's TestClient over the same app
(tests/apps/events): status, headers and body bytes. Then what only a
real server shows: a request-scope `yield` dependency open for the whole
stream and closed after it (also when a HEAD request never reads it),
keep-alive pings on an idle event stream, and an event source that raises
(FastAPI ends the stream cleanly and logs the error)."""

import time

import httpx
import pytest

from conftest import ROOT, Server, app_fixtures

APP = ROOT / "tests" / "apps" / "events" / "app.py"
binary, server, reference = app_fixtures(APP)

REQUESTS = [
    ("GET", "/jsonl"),
    ("GET", "/jsonl?count=0"),
    ("GET", "/jsonl-sync?count=5"),
    ("GET", "/jsonl-typed"),
    ("GET", "/jsonl-typed-sync"),
    ("GET", "/jsonl-session"),
    ("POST", "/jsonl-status"),
    ("GET", "/sse"),
    ("GET", "/sse-sync"),
    ("GET", "/sse-sync?count=0"),
    ("GET", "/sse-typed"),
    ("POST", "/sse-post"),
    ("GET", "/raw"),
    ("GET", "/jsonl?count=x"),
]


def comparable(response):
    headers = [(k, v) for k, v in response.headers.multi_items() if k not in ("date", "server", "transfer-encoding")]
    return response.status_code, headers, response.content


@pytest.mark.parametrize("method,path", REQUESTS)
def test_streams_answer_as_fastapi(server, reference, method, path):
    assert comparable(server.client.request(method, path)) == comparable(reference.request(method, path))


def events_after(server, request):
    """The app's event log (`/events`) grown by what `request` causes,
    once the stream's after-work is done."""
    before = len(server.client.get("/events").json())
    request()
    deadline = time.monotonic() + 5
    while True:
        events = server.client.get("/events").json()[before:]
        if events and events[-1] in ("session closed", "jsonl background") or time.monotonic() > deadline:
            return events
        time.sleep(0.02)


def test_a_request_scope_dependency_stays_open_for_the_stream(server, reference):
    lines = []
    events = events_after(server, lambda: lines.extend(server.client.get("/jsonl-session").text.splitlines()))
    assert lines == ['{"n": 0, "open": true}', '{"n": 1, "open": true}', '{"n": 2, "open": true}']
    assert events == ["session opened", "session closed"]


def test_the_background_runs_after_the_stream(server):
    events = events_after(server, lambda: server.client.post("/jsonl-status"))
    assert events == ["jsonl background"]


def test_a_stream_never_read_still_closes_its_dependencies(server):
    events = events_after(server, lambda: server.client.head("/jsonl-head"))
    assert events == ["session opened", "session closed"]


def test_an_idle_event_stream_gets_keepalive_pings(server):
    # The app sets `fastapi.sse._PING_INTERVAL = 0.1`; events come every 0.35 s.
    with httpx.stream("GET", f"http://{server.address}/sse-slow", timeout=10) as response:
        body = response.read().decode()
    events = [part for part in body.split("\n\n") if part]
    assert [e for e in events if e != ": ping"] == ['data: {"n": 0}', 'data: {"n": 1}', 'data: {"n": 2}']
    before_first = events.index('data: {"n": 0}')
    assert before_first >= 1 and all(e == ": ping" for e in events[:before_first])


def test_an_event_source_that_raises_ends_the_stream_cleanly(binary):
    server = Server(binary)
    try:
        # httpx raises on a chunked body cut off without its last chunk.
        with httpx.stream("GET", f"http://{server.address}/sse-fails", timeout=10) as response:
            body = response.read()
        assert body == b'data: {"n": 0}\n\ndata: {"n": 1}\n\n'
        assert server.client.get("/jsonl?count=1").status_code == 200
    finally:
        _, log = server.stop()
    assert "RuntimeError: the event source broke" in log
