"""Python middleware through the ASGI bridge (issue 13): `@app.middleware
("http")` functions that change requests and responses, answer
themselves, read the body, set `request.state` and catch exceptions; a
`BaseHTTPMiddleware` subclass with options; pure ASGI middleware that
rewrites the path and wraps `send`; all interleaved with native GZip and
CORS middleware in Starlette's order (the last added is the outermost)."""

import asyncio

from fastapi import FastAPI, HTTPException, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import JSONResponse, PlainTextResponse, StreamingResponse
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)

SEEN = []


@app.get("/items/{item_id}")
def read_item(item_id: int, request: Request):
    return {"item_id": item_id, "user": getattr(request.state, "user", None), "tags": request.headers.get("x-tags")}


@app.post("/echo")
async def echo(request: Request):
    return {"body": (await request.body()).decode(), "length": request.headers.get("content-length")}


@app.get("/new/{name}")
def renamed(name: str, request: Request):
    return {"name": name, "path": request.url.path, "rewritten": request.scope.get("rewritten")}


@app.get("/large")
def large():
    return {"numbers": list(range(200))}


@app.get("/stream")
def stream():
    async def chunks():
        for n in range(5):
            await asyncio.sleep(0)
            yield f"chunk {n}\n"

    return StreamingResponse(chunks(), media_type="text/plain")


@app.get("/missing")
def missing():
    raise HTTPException(status_code=404, detail="no such thing", headers={"X-Reason": "absent"})


@app.get("/fails")
def fails():
    raise ValueError("handler failed")


@app.get("/fails-uncaught")
def fails_uncaught():
    raise KeyError("nobody catches this")


@app.get("/slow")
async def slow():
    SEEN.append("slow handler ran")
    return {"slow": True}


@app.get("/seen")
def seen():
    return SEEN


@app.middleware("http")
async def state_and_headers(request: Request, call_next):
    if request.url.path == "/blocked":
        return JSONResponse({"blocked": True}, status_code=403, headers={"X-Blocked": "yes"})
    request.state.user = "alice"
    if request.url.path == "/slow":
        await asyncio.sleep(0.3)
    if request.method == "POST":
        body = await request.body()
        SEEN.append(f"middleware read {len(body)} bytes")
    try:
        response = await call_next(request)
    except ValueError as exc:
        return PlainTextResponse(f"caught {exc}", status_code=500)
    response.headers["X-Inner"] = "function"
    return response


class Tagger(BaseHTTPMiddleware):
    def __init__(self, app: ASGIApp, tag: str) -> None:
        super().__init__(app)
        self.tag = tag

    async def dispatch(self, request: Request, call_next):
        response = await call_next(request)
        response.headers.append("X-Tag", self.tag)
        return response


class RewritePath:
    """Pure ASGI: `/old/...` is served as `/new/...`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith("/old/"):
            scope = dict(scope)
            scope["path"] = "/new/" + scope["path"][len("/old/"):]
            scope["raw_path"] = scope["path"].encode()
            scope["rewritten"] = True
        await self.app(scope, receive, send)


class ServerTiming:
    """Pure ASGI: a header added to `http.response.start`."""

    def __init__(self, app: ASGIApp, name: str = "app") -> None:
        self.app = app
        self.name = name

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_timing(message):
            if message["type"] == "http.response.start":
                message = dict(message)
                message["headers"] = list(message["headers"]) + [(b"server-timing", self.name.encode())]
            await send(message)

        await self.app(scope, receive, send_with_timing)


# Innermost first; the last added is the outermost.
app.add_middleware(RewritePath)
app.add_middleware(GZipMiddleware, minimum_size=100)
app.add_middleware(Tagger, tag="blue")
app.add_middleware(ServerTiming, name="edge")
app.add_middleware(CORSMiddleware, allow_origins=["https://shop.example"])
