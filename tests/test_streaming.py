"""StreamingResponse (issue 13), against FastAPI's TestClient over the same
app (tests/apps/streaming): status, headers and the bytes of each stream;
then what only a real server shows: chunked transfer, a blocking iterator
that does not hold the server, the iterator closed when the client goes
away, a stream that fails midway, and a 1 GiB stream served with a
bounded RSS."""

import re
import socket
import time

import httpx
import pytest

from conftest import ROOT, Server, binary_fixture, load_with_fastapi

APP = ROOT / "tests" / "apps" / "streaming" / "app.py"
binary = binary_fixture(APP)


@pytest.fixture
def server(binary):
    server = Server(binary)
    yield server
    server.stop()


def comparable(response):
    headers = [(k, v) for k, v in response.headers.multi_items() if k not in ("date", "server", "transfer-encoding")]
    return response.status_code, headers, response.content


@pytest.mark.parametrize("path", ["/async", "/async?count=3", "/sync", "/mixed", "/empty", "/with-background",
                                  "/blocking"])
def test_streams_answer_as_fastapi(server, path):
    from fastapi.testclient import TestClient

    reference = TestClient(load_with_fastapi(APP))
    assert comparable(server.client.get(path)) == comparable(reference.get(path))


def test_a_stream_is_sent_chunked(server):
    with httpx.stream("GET", f"http://{server.address}/async?count=1000") as response:
        assert response.headers["transfer-encoding"] == "chunked"
        assert "content-length" not in response.headers
        lines = b"".join(response.iter_bytes()).decode().splitlines()
    assert lines == [str(n) for n in range(1000)]


def test_the_background_runs_after_the_stream(server):
    assert server.client.get("/with-background").text == "0\n1\n2\n"
    deadline = time.monotonic() + 5
    while "background after the stream" not in server.client.get("/events").json():
        assert time.monotonic() < deadline
        time.sleep(0.02)


def test_a_blocking_iterator_does_not_hold_the_server(server):
    with httpx.stream("GET", f"http://{server.address}/blocking") as response:
        started = time.monotonic()
        assert server.client.get("/ok").json() == {"ok": True}
        assert time.monotonic() - started < 0.09
        assert response.read() == b"slow 0\nslow 1\nslow 2\n"


def test_the_iterator_is_closed_when_the_client_goes_away(server):
    host, port = server.address.split(":")
    sock = socket.create_connection((host, int(port)))
    sock.sendall(b"GET /endless HTTP/1.1\r\nHost: a\r\n\r\n")
    assert sock.recv(65536).startswith(b"HTTP/1.1 200 OK")
    time.sleep(0.1)
    sock.close()
    deadline = time.monotonic() + 5
    while "endless stream closed" not in server.client.get("/events").json():
        assert time.monotonic() < deadline, "the iterator was not closed"
        time.sleep(0.02)


def test_a_stream_that_fails_midway_is_cut_off_and_logged(binary):
    server = Server(binary)
    try:
        with pytest.raises(httpx.RemoteProtocolError):
            server.client.get("/fails")
        assert server.client.get("/ok").json() == {"ok": True}
    finally:
        _, log = server.stop()
    assert "exception while streaming a response" in log
    assert "RuntimeError: the stream broke" in log


def rss_mib(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        return int(re.search(r"VmRSS:\s+(\d+)", status.read()).group(1)) / 1024


def test_a_1_gib_stream_is_served_in_bounded_memory(server):
    peak = 0.0
    received = 0
    with httpx.stream("GET", f"http://{server.address}/large?mib=1024", timeout=120) as response:
        for n, chunk in enumerate(response.iter_raw(1 << 20)):
            received += len(chunk)
            if n % 64 == 0:
                peak = max(peak, rss_mib(server.process.pid))
    assert received == 1 << 30
    print(f"peak RSS {peak:.1f} MiB")
    assert peak < 64, f"RSS reached {peak:.1f} MiB"
