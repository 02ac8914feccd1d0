"""GZipMiddleware (issue 13), with CORSMiddleware outside it: bodies below
and above `minimum_size`, excluded media types, an encoded response, a
partial one, the app's own `Vary`, errors. GZIP_LEVEL sets the level."""

import os

from fastapi import FastAPI, HTTPException, Response
from fastapi.middleware.cors import CORSMiddleware
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import PlainTextResponse, StreamingResponse

app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
app.add_middleware(GZipMiddleware, minimum_size=500, compresslevel=int(os.environ.get("GZIP_LEVEL", "9")))
app.add_middleware(CORSMiddleware, allow_origins=["*"])

ITEMS = [{"id": n, "name": f"item number {n}", "tags": ["a", "b", "c"]} for n in range(200)]


@app.get("/small")
def small():
    return {"ok": True}


@app.get("/large")
def large():
    return ITEMS


@app.get("/text")
def text():
    return PlainTextResponse("lorem ipsum dolor sit amet " * 100)


@app.get("/edge")
def edge(size: int):
    return PlainTextResponse("x" * size)


@app.get("/png")
def png():
    return Response(b"\x89PNG" + b"\x00" * 2000, media_type="image/png")


@app.get("/encoded")
def encoded():
    return Response("already " * 200, headers={"Content-Encoding": "identity"})


@app.get("/partial")
def partial():
    return Response("part " * 200, status_code=206)


@app.get("/vary")
def vary():
    return Response("varies " * 200, headers={"Vary": "Cookie"})


@app.get("/missing-item")
def missing_item():
    raise HTTPException(status_code=404, detail="x" * 600)


@app.get("/crash")
def crash():
    raise RuntimeError("boom")


async def chunks(count: int):
    for n in range(count):
        yield f"chunk {n} " * 20
        if n == 3:
            yield ""


@app.get("/stream")
def stream(count: int = 30):
    return StreamingResponse(chunks(count), media_type="text/plain")


@app.get("/stream-sse")
def stream_sse():
    return StreamingResponse(chunks(5), media_type="text/event-stream")


async def fails_first():
    raise RuntimeError("no first chunk")
    yield b""


@app.get("/stream-fails-first")
def stream_fails_first():
    return StreamingResponse(fails_first())
