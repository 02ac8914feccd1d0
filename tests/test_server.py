"""The server process: start-up, bad input, failures, shutdown."""

import os
import shutil
import signal
import socket
import subprocess
import time

import pytest

from conftest import EXAMPLES, Server


def raw_request(address: str, payload: bytes) -> bytes:
    host, port = address.split(":")
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall(payload)
        chunks = []
        while True:
            try:
                chunk = sock.recv(65536)
            except socket.timeout:
                break
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks)


@pytest.mark.parametrize("name", sorted(p.name for p in EXAMPLES.iterdir() if (p / "app.py").exists()))
def test_every_example_builds_and_serves(built, name):
    server = Server(built(name))
    try:
        assert server.client.get("/definitely/not/a/route").status_code == 404
    finally:
        code, stderr = server.stop()
    assert code == 0, stderr


def test_banner_names_address_and_route_count(built):
    server = Server(built("items"))
    try:
        # 25 of the app's, and FastAPI's 4 documentation pages.
        assert "serving 29 routes" in server.banner
        assert server.client.get("/").status_code == 200
    finally:
        code, _ = server.stop()
    assert code == 0


def test_malformed_http_gets_400_and_server_keeps_serving(server):
    srv = server("hello")
    response = raw_request(srv.address, b"GARBAGE\r\n\r\n")
    assert response.startswith(b"HTTP/1.1 400"), response
    response = raw_request(srv.address, b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n")
    assert response.startswith(b"HTTP/1.1 400"), response
    assert srv.client.get("/").json() == {"message": "Hello, World"}


def test_keep_alive_serves_many_requests_on_one_connection(server):
    srv = server("hello")
    payload = b"".join(b"GET /users/%d HTTP/1.1\r\nHost: x\r\n\r\n" % i for i in range(5))
    payload += b"GET /users/9 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    response = raw_request(srv.address, payload)
    assert response.count(b"HTTP/1.1 200 OK") == 6
    assert b'{"user_id":9,"name":"user9"}' in response


def test_request_body_is_drained_on_a_route_without_body_parameters(server):
    srv = server("items")
    body = b"x" * 100_000
    payload = b"POST /multi HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n" % len(body) + body
    payload += b"GET /ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    response = raw_request(srv.address, payload)
    assert response.count(b"HTTP/1.1 200 OK") == 2


def test_handler_exception_logs_traceback_and_server_keeps_serving(built):
    server = Server(built("items"))
    try:
        for _ in range(3):
            response = server.client.get("/broken")
            assert response.status_code == 500
            assert response.text == "Internal Server Error"
        assert server.client.get("/ping").json() == {"pong": True}
    finally:
        code, stderr = server.stop()
    assert code == 0
    assert stderr.count("Traceback (most recent call last):") == 3
    assert 'RuntimeError: this handler is broken on purpose' in stderr
    assert "in broken" in stderr


def test_sigint_and_sigterm_stop_cleanly(built):
    for sig in (signal.SIGINT, signal.SIGTERM):
        server = Server(built("hello"))
        assert server.client.get("/").status_code == 200
        server.process.send_signal(sig)
        assert server.process.wait(timeout=15) == 0
        stderr = server.process.stderr.read()
        assert f"{sig.name}, shutting down" in stderr


def test_runs_from_any_working_directory(built, tmp_path):
    server = Server(built("hello"), cwd=tmp_path)
    try:
        assert server.client.get("/users/3").json() == {"user_id": 3, "name": "user3"}
    finally:
        server.stop()


def test_app_dir_override_and_stale_source_warning(built, tmp_path):
    copy = tmp_path / "app.py"
    source = (EXAMPLES / "hello" / "app.py").read_text()
    copy.write_text(source.replace("Hello, World", "Hello, copy"))
    server = Server(built("hello"), "--app-dir", str(tmp_path))
    try:
        # The handler comes from the copy: the server imports the app at start-up.
        assert server.client.get("/").json() == {"message": "Hello, copy"}
    finally:
        _, stderr = server.stop()
    assert "changed since this server was built" in stderr


def test_handlers_that_no_longer_match_the_build_are_refused(built, tmp_path):
    source = (EXAMPLES / "hello" / "app.py").read_text()
    (tmp_path / "app.py").write_text(source.replace("def hello(", "def renamed("))
    result = subprocess.run(
        [str(built("hello")), "--port", "0", "--app-dir", str(tmp_path)], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 1
    assert (
        "the app registered route GET /hello/{name} (`renamed` in app) where this server was compiled "
        "with GET /hello/{name} (`hello` in app, line 14)" in result.stderr
    ), result.stderr


def test_import_error_in_app_is_reported(built, tmp_path):
    (tmp_path / "app.py").write_text("import not_a_module_anywhere\n")
    result = subprocess.run(
        [str(built("hello")), "--port", "0", "--app-dir", str(tmp_path)], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 1
    assert "ModuleNotFoundError" in result.stderr
    assert "the app failed to import" in result.stderr


def test_port_in_use_is_a_clear_error(built):
    blocker = socket.socket()
    blocker.bind(("127.0.0.1", 0))
    blocker.listen()
    port = blocker.getsockname()[1]
    try:
        result = subprocess.run(
            [str(built("hello")), "--port", str(port)], capture_output=True, text=True, timeout=30
        )
    finally:
        blocker.close()
    assert result.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr


def test_async_handlers_run_concurrently(server):
    """Suspended coroutines do not block the I/O thread."""
    srv = server("async_app")
    import concurrent.futures

    start = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: srv.client.get("/sleep/300").status_code, range(8)))
    elapsed = time.monotonic() - start
    assert results == [200] * 8
    assert elapsed < 2.0, f"8 concurrent 300 ms sleeps took {elapsed:.2f}s"


def test_header_bytes_are_decoded_as_latin1_like_uvicorn(server):
    """Starlette decodes raw header bytes as Latin-1. (FastAPI's TestClient
    re-encodes non-ASCII header values, so this is checked against what
    uvicorn answered for the same bytes: "caf\u00c3\u00a9 \u00ff".)"""
    srv = server("params")
    payload = b"GET /headers HTTP/1.1\r\nHost: x\r\nUser-Agent: caf\xc3\xa9 \xff\r\nConnection: close\r\n\r\n"
    response = raw_request(srv.address, payload)
    body = response.split(b"\r\n\r\n", 1)[1]
    assert body.startswith('{"ua":"caf\u00c3\u00a9 \u00ff"'.encode()), body
