"""The app of bench/execution.py (issue 11): the same handler as `def` and
as `async def`, coroutines that suspend (on the loop, on a timer, on real
sockets: a TCP echo server through asyncio streams and an HTTP server
through `httpx.AsyncClient`, both started by the benchmark), and a `def`
handler that blocks (a synchronous database call stands in as
`time.sleep(0.01)`)."""

import asyncio
import os
import time

import httpx
from fastapi import FastAPI

ECHO_PORT = int(os.environ.get("ECHO_PORT", "18119"))
UPSTREAM = os.environ.get("UPSTREAM", "http://127.0.0.1:18113")

app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)


@app.get("/def/items/{item_id}")
def read_item(item_id: int, q: str | None = None):
    return {"item_id": item_id, "q": q}


@app.get("/async/items/{item_id}")
async def read_item_async(item_id: int, q: str | None = None):
    return {"item_id": item_id, "q": q}


@app.get("/async/sleep0")
async def sleep0():
    await asyncio.sleep(0)
    return {"slept": 0}


@app.get("/async/sleep1ms")
async def sleep1ms():
    await asyncio.sleep(0.001)
    return {"slept": 1}


@app.get("/blocking")
def blocking():
    time.sleep(0.01)
    return {"blocked_ms": 10}


@app.get("/fast")
def fast():
    return {"fast": True}


# Connections to the echo server, reused as a database driver's pool would.
idle_echo_connections = []


@app.get("/async/echo")
async def echo():
    if idle_echo_connections:
        reader, writer = idle_echo_connections.pop()
    else:
        reader, writer = await asyncio.open_connection("127.0.0.1", ECHO_PORT)
    writer.write(b"ping\n")
    await writer.drain()
    line = await reader.readline()
    idle_echo_connections.append((reader, writer))
    return {"echo": line.decode().strip()}


client = httpx.AsyncClient(base_url=UPSTREAM, limits=httpx.Limits(max_connections=100))


@app.get("/async/httpx")
async def via_httpx():
    response = await client.get("/")
    return {"upstream": response.json()["message"]}
