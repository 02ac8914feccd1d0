"""Path operations that `yield` (issue 13): JSON Lines and server-sent
events as FastAPI 0.165 streams them; items validated against the return
annotation; a `yield` dependency that stays open for the whole stream;
status codes, injected headers and background tasks; keep-alive pings."""

import asyncio
import math
from collections.abc import AsyncIterable, Iterable
from typing import Annotated, AsyncIterator, Optional

import fastapi.sse
from fastapi import BackgroundTasks, Depends, FastAPI, Response
from fastapi.responses import StreamingResponse
from fastapi.sse import EventSourceResponse, ServerSentEvent
from pydantic import BaseModel

app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)

# Read per stream by turbo; FastAPI reads `fastapi.routing._PING_INTERVAL`.
fastapi.sse._PING_INTERVAL = 0.1

EVENTS = []


class Item(BaseModel):
    name: str
    price: float
    note: Optional[str] = None


async def session():
    state = {"open": True}
    EVENTS.append("session opened")
    try:
        yield state
    finally:
        state["open"] = False
        EVENTS.append("session closed")


Session = Annotated[dict, Depends(session)]


@app.get("/events")
def events():
    return EVENTS


@app.get("/jsonl")
async def jsonl(count: int = 3):
    for n in range(count):
        yield {"n": n, "half": n / 2, "nan": math.nan, "text": "é\n"}


@app.get("/jsonl-sync")
def jsonl_sync(count: int = 3):
    for n in range(count):
        yield [n, str(n)]


@app.get("/jsonl-typed")
async def jsonl_typed() -> AsyncIterable[Item]:
    yield Item(name="a", price=1)
    yield {"name": "b", "price": "2.5", "extra": 1}


@app.get("/jsonl-typed-sync", response_model_exclude_none=True)
def jsonl_typed_sync() -> Iterable[Item]:
    yield {"name": "c", "price": 3}
    yield Item(name="d", price=4, note="n")


@app.get("/jsonl-session")
async def jsonl_session(db: Session):
    for n in range(3):
        await asyncio.sleep(0)
        yield {"n": n, "open": db["open"]}


@app.api_route("/jsonl-head", methods=["GET", "HEAD"])
async def jsonl_head(db: Session):
    yield {"open": db["open"]}


@app.post("/jsonl-status", status_code=201)
async def jsonl_status(response: Response, tasks: BackgroundTasks):
    response.headers["X-Streamed"] = "yes"
    tasks.add_task(EVENTS.append, "jsonl background")
    yield "first"
    yield None


@app.get("/sse", response_class=EventSourceResponse)
async def sse():
    yield {"plain": "dict"}
    yield "a string"
    yield ServerSentEvent(data={"x": 1}, event="update", id="7", retry=1500)
    yield ServerSentEvent(raw_data="line one\nline two", comment="two\nlines")
    yield ServerSentEvent(comment="only a comment")
    yield ServerSentEvent(data=Item(name="m", price=2))
    yield ServerSentEvent()


@app.get("/sse-sync", response_class=EventSourceResponse)
def sse_sync(count: int = 3):
    for n in range(count):
        yield {"n": n}


@app.get("/sse-typed", response_class=EventSourceResponse)
async def sse_typed() -> AsyncIterator[Item]:
    yield {"name": "t", "price": "1"}
    yield Item(name="u", price=2, note="x")


@app.post("/sse-post", response_class=EventSourceResponse, status_code=202)
async def sse_post(response: Response, db: Session):
    response.headers["X-Kind"] = "post"
    yield {"open": db["open"]}


@app.get("/sse-slow", response_class=EventSourceResponse)
async def sse_slow():
    for n in range(3):
        await asyncio.sleep(0.35)
        yield {"n": n}


@app.get("/sse-fails", response_class=EventSourceResponse)
async def sse_fails():
    yield {"n": 0}
    yield {"n": 1}
    raise RuntimeError("the event source broke")


@app.get("/raw", response_class=StreamingResponse)
async def raw():
    yield b"raw "
    yield "chunks"
