"""Python middleware through the ASGI bridge (issue 13), against FastAPI's
TestClient over the same app (tests/apps/asgi_middleware): `@app.middleware
("http")` functions, a `BaseHTTPMiddleware` subclass and pure ASGI
middleware, interleaved with native GZip and CORS. Status, headers in
order and raw (compressed) bytes: requests answered by a middleware, a
rewritten path, `request.state` and a body read by both the middleware and
the handler, streams, HTTPException, unknown routes, an exception a
middleware catches and one nobody catches (Starlette's 500 from outside
every middleware)."""

import socket
import time

import httpx
import pytest

from conftest import ROOT, Server, app_fixtures

APP = ROOT / "tests" / "apps" / "asgi_middleware" / "app.py"
binary, server, reference = app_fixtures(APP)

REQUESTS = [
    ("GET", "/items/3", {}),
    ("GET", "/items/3", {"Accept-Encoding": "gzip", "Origin": "https://shop.example"}),
    ("GET", "/items/x", {}),
    ("GET", "/blocked", {"Origin": "https://shop.example"}),
    ("GET", "/old/renamed", {}),
    ("GET", "/new/direct", {}),
    ("GET", "/large", {"Accept-Encoding": "gzip"}),
    ("GET", "/large", {}),
    ("GET", "/stream", {"Accept-Encoding": "gzip"}),
    ("GET", "/stream", {}),
    ("GET", "/missing", {}),
    ("GET", "/nope", {"Accept-Encoding": "gzip"}),
    ("GET", "/fails", {}),
    ("GET", "/fails-uncaught", {"Origin": "https://shop.example"}),
    ("OPTIONS", "/items/3", {"Origin": "https://shop.example", "Access-Control-Request-Method": "GET"}),
    ("POST", "/echo", {"Content-Type": "text/plain"}),
    ("DELETE", "/items/3", {}),
]


def answer(client, method, path, headers):
    body = b"hello middleware" if method == "POST" else None
    with client.stream(method, path, headers=headers, content=body) as response:
        raw = b"".join(response.iter_raw())
    listed = [(k, v) for k, v in response.headers.multi_items() if k not in ("date", "server", "transfer-encoding")]
    return response.status_code, listed, raw


@pytest.mark.parametrize("method,path,headers", REQUESTS)
def test_python_middleware_answers_as_starlette(server, reference, method, path, headers):
    assert answer(server.client, method, path, headers) == answer(reference, method, path, headers)


def test_the_body_reaches_the_handler_after_the_middleware_read_it(server):
    response = server.client.post("/echo", content=b"x" * 5000)
    assert response.json() == {"body": "x" * 5000, "length": "5000"}
    assert "middleware read 5000 bytes" in server.client.get("/seen").json()


def test_state_set_by_a_middleware_reaches_the_handler(server):
    assert server.client.get("/items/7").json() == {"item_id": 7, "user": "alice", "tags": None}


def test_an_uncaught_exception_is_logged_once_and_the_server_keeps_serving(binary):
    server = Server(binary)
    try:
        assert server.client.get("/fails-uncaught").status_code == 500
        assert server.client.get("/items/1").status_code == 200
    finally:
        _, log = server.stop()
    assert log.count("KeyError: 'nobody catches this'") == 1


def test_a_streamed_response_passes_through_as_it_is_produced(server):
    with httpx.stream("GET", f"http://{server.address}/stream") as response:
        assert response.headers["transfer-encoding"] == "chunked"
        assert response.read() == b"".join(f"chunk {n}\n".encode() for n in range(5))


def test_a_client_that_leaves_does_not_stop_the_middleware_or_the_server(server):
    # As under uvicorn: the app runs on, `receive` says the client left,
    # `send` raises; nothing is written anywhere.
    host, port = server.address.split(":")
    with socket.create_connection((host, int(port))) as sock:
        sock.sendall(b"GET /slow HTTP/1.1\r\nHost: a\r\n\r\n")
        time.sleep(0.05)
    deadline = time.monotonic() + 5
    while "slow handler ran" not in server.client.get("/seen").json():
        assert time.monotonic() < deadline, "the middleware did not run on"
        time.sleep(0.05)
    assert server.client.get("/items/2").json()["item_id"] == 2
