"""Where and how a server listens, and what it does with clients that are
slow, too many or stop reading (issue 12), against tests/apps/operations:
408 for headers that stop arriving, a reset for a client that stops
reading a response, 503 beyond the connection cap, Unix sockets, sockets
passed in (`--fd`), `--root-path` and the request target's fragment
compared with uvicorn itself, per-route body limits, and `--log-level`."""

import os
import re
import signal
import socket
import subprocess
import sys
import time

import httpx
import pytest

from conftest import OPERATIONS_APP, Server


def connect(server: Server) -> socket.socket:
    host, port = server.address.split(":")
    return socket.create_connection((host, int(port)), timeout=15)


def read_until_closed(sock: socket.socket) -> bytes:
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    return data


def test_headers_that_stop_arriving_get_408_and_the_connection_closes(operations_binary):
    server = Server(operations_binary, "--timeout-keep-alive", "0.5")
    try:
        sock = connect(server)
        sock.sendall(b"GET /ok HTTP/1.1\r\nHost: a\r\n")
        started = time.monotonic()
        answer = read_until_closed(sock)
        assert answer.startswith(b"HTTP/1.1 408 Request Timeout\r\n"), answer
        assert b"connection: close" in answer
        assert 0.4 < time.monotonic() - started < 5
        # A connection that sends nothing is idle, not late: closed silently.
        idle = connect(server)
        assert read_until_closed(idle) == b""
        assert server.client.get("/ok").json() == {"ok": True}
    finally:
        _, log = server.stop()
    assert "connection from" not in log, log


def rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        return int(re.search(r"VmRSS:\s+(\d+)", status.read()).group(1))


def test_clients_that_stop_reading_are_reset_after_the_write_timeout_and_their_responses_freed(operations_binary):
    server = Server(operations_binary, "--timeout-write", "1", "--inline", "/large")
    try:
        baseline = rss_kib(server.process.pid)
        stalled = []
        for _ in range(10):
            sock = connect(server)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            sock.sendall(b"GET /large?mib=20 HTTP/1.1\r\nHost: a\r\n\r\n")
            stalled.append(sock)
        time.sleep(0.5)
        # Meanwhile the server serves others.
        assert server.client.get("/ok").json() == {"ok": True}
        time.sleep(2)
        for sock in stalled:
            received = 0
            with pytest.raises(ConnectionResetError):
                while chunk := sock.recv(1 << 20):
                    received += len(chunk)
            assert received < 20 << 20
        # Ten 20 MiB responses are no longer held (in the process or in the
        # kernel's socket buffers).
        assert rss_kib(server.process.pid) - baseline < 100 * 1024
        assert server.client.get("/ok").json() == {"ok": True}
    finally:
        _, log = server.stop()
    assert "connection from" not in log, log


def test_requests_beyond_the_connection_cap_get_503_and_their_connection_closes(operations_binary):
    server = Server(operations_binary, "--limit-connections", "2")
    try:
        held = [connect(server) for _ in range(2)]
        time.sleep(0.2)
        extra = connect(server)
        extra.sendall(b"GET /ok HTTP/1.1\r\nHost: a\r\n\r\n")
        answer = read_until_closed(extra)
        assert answer.startswith(b"HTTP/1.1 503 Service Unavailable\r\n"), answer
        assert b"connection: close" in answer and answer.endswith(b"Service Unavailable")
        # The held connections are served as usual.
        held[0].sendall(b"GET /ok HTTP/1.1\r\nHost: a\r\n\r\n")
        assert held[0].recv(65536).endswith(b'{"ok":true}')
        for sock in held:
            sock.close()
        time.sleep(0.2)
        assert server.client.get("/ok").json() == {"ok": True}
    finally:
        server.stop()


def start_on(binary, *args, access_log=False):
    env = {**os.environ}
    if not access_log:
        env["TURBO_NO_ACCESS_LOG"] = "1"
    process = subprocess.Popen(
        [str(binary), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )
    return process


def stop(process) -> tuple[str, str]:
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=15)
    return out, err


def test_a_unix_socket_serves_requests_without_client_or_server_addresses(operations_binary, tmp_path):
    path = tmp_path / "server.sock"
    path.write_text("")  # not a socket: refused, never replaced
    refused = subprocess.run([str(operations_binary), "--uds", str(path)], capture_output=True, text=True, timeout=30)
    assert refused.returncode == 1
    assert f"cannot listen on {path}" in refused.stderr and "not a socket" in refused.stderr
    path.unlink()

    process = start_on(operations_binary, "--uds", str(path), access_log=True)
    banner = process.stdout.readline()
    assert f"on unix socket {path} (Ctrl+C to stop)" in banner, banner
    assert oct(path.stat().st_mode & 0o777) == "0o666"
    transport = httpx.HTTPTransport(uds=str(path))
    with httpx.Client(transport=transport, base_url="http://testserver") as client:
        seen = client.get("/url/a").json()
        redirect = client.get("/redirected")
    out, _ = stop(process)
    assert seen == {
        "name": "a",
        "url": "http://testserver/url/a",
        "base_url": "http://testserver/",
        "root_path": "",
        "path": "/url/a",
        "client": None,
    }
    assert redirect.headers["location"] == "http://testserver/redirected/"
    # uvicorn's access log names no client on a Unix socket.
    assert 'INFO:      - "GET /url/a HTTP/1.1" 200 OK' in out, out
    assert not path.exists(), "the socket file is removed at exit"


def test_workers_share_a_unix_socket(operations_binary, tmp_path):
    path = tmp_path / "workers.sock"
    process = start_on(operations_binary, "--uds", str(path), "--workers", "2")
    banner = process.stdout.readline()
    assert "with 2 worker processes" in banner, banner
    with httpx.Client(transport=httpx.HTTPTransport(uds=str(path)), base_url="http://a") as client:
        assert client.get("/ok").json() == {"ok": True}
    stop(process)
    assert not path.exists()


def test_a_listening_socket_passed_as_fd_is_served(operations_binary):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    port = listener.getsockname()[1]
    process = subprocess.Popen(
        [str(operations_binary), "--fd", str(listener.fileno())],
        pass_fds=[listener.fileno()],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "TURBO_NO_ACCESS_LOG": "1"},
    )
    listener.close()
    try:
        assert f"http://127.0.0.1:{port}" in process.stdout.readline()
        assert httpx.get(f"http://127.0.0.1:{port}/ok").json() == {"ok": True}
    finally:
        stop(process)


@pytest.mark.parametrize(
    "fd, message", [("0", "--fd 0: it is not a listening socket"), ("250", "--fd 250 is not an open descriptor")]
)
def test_an_fd_that_is_not_a_listening_socket_is_one_error(operations_binary, fd, message):
    result = subprocess.run(
        [str(operations_binary), "--fd", fd], stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 1
    assert message in result.stderr, result.stderr


class Uvicorn:
    """uvicorn itself (with httptools, as `uvicorn[standard]` and `fastapi
    run` serve) running the same app: the reference for what a server, not
    FastAPI, decides."""

    def __init__(self, *args: str):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "app:app", "--app-dir", str(OPERATIONS_APP.parent),
             "--port", "0", "--http", "httptools", "--no-access-log", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        while line := self.process.stderr.readline():
            if match := re.search(r"http://(127\.0\.0\.1:\d+)", line):
                self.address = match.group(1)
                return
        raise RuntimeError("uvicorn did not start")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=15)


def raw_get(address: str, target: str) -> tuple[str, dict, bytes]:
    host, port = address.split(":")
    sock = socket.create_connection((host, int(port)), timeout=15)
    sock.sendall(f"GET {target} HTTP/1.1\r\nHost: testserver\r\nConnection: close\r\n\r\n".encode())
    head, _, body = read_until_closed(sock).partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    return lines[0], {k.lower(): v for k, v in headers.items()}, body


def comparable(answer):
    """Status line, location and body, with the client's port removed."""
    status, headers, body = answer
    body = re.sub(rb'"client":\["127\.0\.0\.1",\d+\]', b'"client":"peer"', body)
    return status, headers.get("location"), body


TARGETS = [
    "/url/a",
    "/url/a?q=1",
    "/url/a#fragment",
    "/url/a?q=1#fragment",
    "/url/b%23c",
    "/redirected",
    "/redirected?x=1",
    "/api/url/a",
]


@pytest.mark.parametrize("args", [(), ("--root-path", "/api")], ids=["no-root-path", "root-path"])
def test_root_path_and_fragments_as_uvicorn(operations_binary, args):
    reference = Uvicorn(*args)
    server = Server(operations_binary, *args)
    try:
        for target in TARGETS:
            expected = comparable(raw_get(reference.address, target))
            assert comparable(raw_get(server.address, target)) == expected, target
    finally:
        server.stop()
        reference.stop()


def test_a_route_can_have_its_own_body_limit(operations_binary):
    big = {f"k{i}": "x" * 100 for i in range(50)}  # about 5.5 KB
    server = Server(
        operations_binary, "--limit-request-body", "1k", "--limit-request-body-for", "POST /upload=1m"
    )
    try:
        assert server.client.post("/upload", json=big).json() == {"keys": 50}
        assert server.client.post("/echo", json=big).status_code == 413
    finally:
        server.stop()
    unknown = subprocess.run(
        [str(operations_binary), "--port", "0", "--limit-request-body-for", "/nowhere=1m"],
        capture_output=True, text=True, timeout=30,
    )
    assert unknown.returncode == 1
    assert '--limit-request-body-for "/nowhere" names no route of this app' in unknown.stderr


@pytest.mark.parametrize("level, shown", [("info", {"traceback", "shutdown"}), ("error", {"traceback"}), ("critical", set())])
def test_log_level_gates_messages(operations_binary, level, shown):
    server = Server(operations_binary, "--log-level", level)
    try:
        assert server.client.get("/exit/system-exit").status_code == 500
        assert server.client.get("/ok").status_code == 200
    finally:
        code, log = server.stop()
    assert code == 0
    found = set()
    if "Traceback (most recent call last)" in log and "SystemExit: 3" in log:
        found.add("traceback")
    if "SIGTERM, shutting down" in log:
        found.add("shutdown")
    assert found == shown, log
