"""StreamingResponse (issue 13): async and sync iterators, str and bytes
chunks, empty chunks, 1,000 chunks, headers and media types, a background
after the stream, an iterator closed when the client goes away, a stream
that fails midway, a large stream to measure memory."""

import asyncio
import time

from fastapi import FastAPI
from fastapi.responses import StreamingResponse
from starlette.background import BackgroundTask

app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)

EVENTS = []


async def numbers(count: int):
    for n in range(count):
        yield f"{n}\n"
        if n % 100 == 0:
            await asyncio.sleep(0)


def sync_numbers(count: int):
    for n in range(count):
        yield f"line {n}\n".encode()


@app.get("/async")
def async_stream(count: int = 1000):
    return StreamingResponse(numbers(count), media_type="text/plain")


@app.get("/sync")
def sync_stream(count: int = 10):
    return StreamingResponse(sync_numbers(count), headers={"X-Kind": "sync"})


async def with_empty_chunks():
    yield b"a"
    yield b""
    yield "é"
    yield b""
    yield memoryview(b"z")


@app.get("/mixed")
async def mixed():
    return StreamingResponse(with_empty_chunks(), media_type="application/octet-stream")


@app.get("/empty")
def empty():
    return StreamingResponse(iter([]), media_type="text/plain")


def after_stream():
    EVENTS.append("background after the stream")


@app.get("/with-background")
def with_background():
    return StreamingResponse(numbers(3), background=BackgroundTask(after_stream))


async def endless():
    try:
        n = 0
        while True:
            yield b"x" * 1024
            n += 1
            await asyncio.sleep(0.001)
    finally:
        EVENTS.append("endless stream closed")


@app.get("/endless")
def endless_stream():
    return StreamingResponse(endless(), media_type="application/octet-stream")


async def fails_midway():
    yield b"first "
    yield b"second "
    raise RuntimeError("the stream broke")


@app.get("/fails")
def fails():
    return StreamingResponse(fails_midway())


def blocking_chunks():
    for n in range(3):
        time.sleep(0.1)
        yield f"slow {n}\n"


@app.get("/blocking")
def blocking():
    return StreamingResponse(blocking_chunks())


@app.get("/large")
def large(mib: int = 1024):
    chunk = b"y" * (1 << 16)

    async def chunks():
        for _ in range(mib * 16):
            yield chunk

    return StreamingResponse(chunks(), media_type="application/octet-stream")


@app.get("/events")
def events():
    return EVENTS


@app.get("/ok")
def ok():
    return {"ok": True}
