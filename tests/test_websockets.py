"""WebSockets (issue 13), compared with FastAPI served by uvicorn 0.54
itself (tests/apps/websockets): one client script against both servers,
each conversation recorded (what the handshake gave, every message, the
close code and reason, or the refusal's status and body). Then what the
app sees when the client leaves, and HTTP requests to WebSocket paths."""

import asyncio
import json
import socket
import subprocess
import sys
import time

import pytest
import websockets
from websockets.asyncio.client import connect

from conftest import ROOT, Server, app_fixtures

APP = ROOT / "tests" / "apps" / "websockets" / "app.py"
binary, server, _ = app_fixtures(APP)

# (path, what the client sends ("recv" waits for a message), connect options)
CONVERSATIONS = [
    ("/echo", ["hello", "recv", b"abc", "recv", json.dumps({"a": 1}), "recv"], {}),
    ("/items/3?q=5", [], {"additional_headers": {"X-Client": "cli", "Cookie": "session=s1"}}),
    ("/items/3?token=ok", [], {}),
    ("/items/3?token=bad", [], {}),
    ("/items/x", [], {}),
    ("/items/3?q=notanumber", [], {}),
    ("/protocols", [], {"subprotocols": ["chat.v1", "chat.v2"]}),
    ("/chat", ["one", "recv", "two", "recv"], {}),
    ("/refuse", [], {}),
    ("/after-accept", [], {}),
    ("/raises", [], {}),
    ("/raises-later", [], {}),
    ("/forgets", [], {}),
    ("/returns", [], {}),
    ("/nowhere", [], {}),
    ("/events", [], {}),
]


async def converse(base: str, path: str, script: list, options: dict) -> list:
    record = []
    try:
        async with connect(base + path, open_timeout=5, close_timeout=5, **options) as ws:
            record.append(("accepted", ws.subprotocol, ws.response.headers.get("x-accepted")))
            for step in script:
                if step == "recv":
                    record.append(("message", await ws.recv()))
                else:
                    await ws.send(step)
            try:
                while True:
                    record.append(("message", await asyncio.wait_for(ws.recv(), 3)))
            except websockets.ConnectionClosed as closed:
                received = closed.rcvd
                record.append(("closed", received and received.code, received and received.reason))
            except TimeoutError:
                record.append(("still open",))
    except websockets.InvalidStatus as refused:
        record.append(("refused", refused.response.status_code, bytes(refused.response.body or b"")))
    return record


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def uvicorn():
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "app:app", "--app-dir", str(APP.parent), "--port", str(port),
         "--log-level", "warning"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 15
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            assert time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.1)
    yield f"127.0.0.1:{port}"
    process.terminate()
    process.wait()


@pytest.mark.parametrize("path,script,options", CONVERSATIONS, ids=[c[0] for c in CONVERSATIONS])
def test_conversations_go_as_under_uvicorn(server, uvicorn, path, script, options):
    ours = asyncio.run(converse(f"ws://{server.address}", path, script, options))
    theirs = asyncio.run(converse(f"ws://{uvicorn}", path, script, options))
    assert ours == theirs
    assert ours, "nothing recorded"


def test_the_app_sees_the_client_leave(server):
    async def leave():
        async with connect(f"ws://{server.address}/listen") as ws:
            await ws.send("hi")
            await ws.close(code=1001, reason="going away")

    before = len(server.client.get("/events").json())
    asyncio.run(leave())
    deadline = time.monotonic() + 5
    while "listen disconnect 1001" not in server.client.get("/events").json()[before:]:
        assert time.monotonic() < deadline, server.client.get("/events").json()
        time.sleep(0.05)


def test_http_requests_do_not_reach_websocket_routes(server):
    assert server.client.get("/echo").status_code == 404
    assert server.client.post("/echo").status_code == 404
    assert server.client.get("/events").status_code == 200


def test_many_connections_at_once(server):
    async def one(n):
        async with connect(f"ws://{server.address}/chat") as ws:
            await ws.send(f"m{n}")
            return await ws.recv()

    async def many():
        return await asyncio.gather(*(one(n) for n in range(50)))

    assert asyncio.run(many()) == [f"M{n}" for n in range(50)]


def test_a_client_that_does_not_answer_pings_is_disconnected(binary):
    # uvicorn's keep-alive, here with short intervals: the ping's pong does
    # not come, the connection fails with 1011 and the app sees it.
    server = Server(binary, "--ws-ping-interval", "0.2", "--ws-ping-timeout", "0.2")
    try:
        host, port = server.address.split(":")
        with socket.create_connection((host, int(port))) as sock:
            sock.sendall(
                b"GET /listen HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
            )
            assert sock.recv(4096).startswith(b"HTTP/1.1 101 Switching Protocols")
            deadline = time.monotonic() + 5
            while "listen disconnect 1011" not in server.client.get("/events").json():
                assert time.monotonic() < deadline, server.client.get("/events").json()
                time.sleep(0.05)
    finally:
        server.stop()


def test_a_fast_client_is_read_as_the_app_keeps_up(server):
    async def burst():
        async with connect(f"ws://{server.address}/chat") as ws:
            for n in range(300):
                await ws.send(f"m{n}")
            return [await ws.recv() for _ in range(300)]

    assert asyncio.run(burst()) == [f"M{n}" for n in range(300)]
