"""The ASGI bridge: how a turbo server runs the app's Python middleware.

Middleware the server implements natively (CORS, GZip, TrustedHost,
HTTPSRedirect) runs in Rust. Any other (`@app.middleware("http")`,
`BaseHTTPMiddleware` subclasses, pure ASGI middleware) is a Python ASGI
app; a run of them, in Starlette's order, wraps a `NativeApp`: the rest of
the app inside them (native middleware further in, the router, the
routes), served by the server. Per request (`turbo-runtime/src/server/asgi/`):

- the server reads the body and makes an `Exchange(app, scope, body)`,
  which runs the middleware as a task and gives what it sends, one
  message per `next()`, as `("start", status, headers)` and
  `("body", bytes, more_body)`;
- when the middleware calls the app inside it, `NativeApp` reads the body
  from its `receive` and hands the scope and body back to the server
  (`dispatch`), which answers with the status, headers and body (whole,
  or a stream: a callable that settles a future with the next piece),
  sent on as ASGI messages. An
  exception no handler took comes back as that exception, so it passes
  through the middleware as it does under Starlette.

Only apps with such middleware pay for any of this.
"""

import asyncio
from typing import Any, Callable, Dict, List, Optional, Tuple

from . import _lifespan

#: Queued once the middleware returned.
_DONE = object()


class _Failed:
    def __init__(self, error: BaseException) -> None:
        self.error = error


def scope_of(
    kind: str,
    method: Optional[str],
    path: str,
    raw_path: bytes,
    query_string: bytes,
    headers: List[Tuple[bytes, bytes]],
    client: Optional[Tuple[str, int]],
    server: Optional[Tuple[str, int]],
    scheme: str,
    root_path: str,
    subprotocols: Optional[List[str]],
) -> Dict[str, Any]:
    """uvicorn's scope of an HTTP request (`kind` "http", with its
    `method`) or of a WebSocket handshake ("websocket", with the
    `subprotocols` asked for), with the app Starlette adds."""
    from ._plans import APP

    scope: Dict[str, Any] = {
        "type": kind,
        "asgi": {"version": "3.0", "spec_version": "2.4"},
        "http_version": "1.1",
        "server": server,
        "client": client,
        "scheme": scheme,
        "root_path": root_path,
        "path": path,
        "raw_path": raw_path,
        "query_string": query_string,
        "headers": headers,
        "state": dict(_lifespan.STATE),
        "app": APP,
    }
    if method is not None:
        scope["method"] = method
    if subprotocols is not None:
        scope["subprotocols"] = subprotocols
    return scope


class Exchange:
    """Runs `app(scope, receive, send)` as a task; `next()` gives the
    messages it sends, as `("start", status, headers)` and `("body",
    bytes, more_body)`, then None once the app returned (after its last
    message: work it does after the response runs to its end); what the
    app raises, `next()` raises.

    `receive` gives the body, then (once the response is complete, or the
    client went away) `http.disconnect`.
    """

    def __init__(self, app: Any, scope: Dict[str, Any], body: bytes) -> None:
        self._messages: "asyncio.Queue[Any]" = asyncio.Queue(1)
        self._finished = asyncio.Event()
        self._body: Optional[bytes] = body
        self._app = app
        self._scope = scope
        # Started by the first `next()`, on the loop.
        self._task: Optional["asyncio.Task[None]"] = None
        self._disconnected = False

    async def _receive(self) -> Dict[str, Any]:
        if self._body is not None:
            body, self._body = self._body, None
            return {"type": "http.request", "body": body, "more_body": False}
        await self._finished.wait()
        return {"type": "http.disconnect"}

    async def _send(self, message: Dict[str, Any]) -> None:
        if self._disconnected:
            # uvicorn's `ClientDisconnected` (an `OSError`).
            raise ClientDisconnected()
        kind = message["type"]
        if kind == "http.response.start":
            await self._messages.put(("start", message["status"], list(message.get("headers", ()))))
        elif kind == "http.response.body":
            more = bool(message.get("more_body", False))
            await self._messages.put(("body", bytes(message.get("body", b"")), more))
            if not more:
                self._finished.set()
        else:
            raise RuntimeError(f"Unexpected ASGI message '{kind}' sent, after response already completed.")

    async def _run(self, app: Any, scope: Dict[str, Any]) -> None:
        try:
            await app(scope, self._receive, self._send)
        except BaseException as error:
            outcome: Any = _Failed(error)
        else:
            outcome = _DONE
        if not self._disconnected:
            await self._messages.put(outcome)

    async def next(self) -> Any:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run(self._app, self._scope))
        message = await self._messages.get()
        if message is _DONE:
            return None
        if isinstance(message, _Failed):
            raise message.error
        return message

    def disconnect(self) -> None:
        """The client went away: as under uvicorn, the app keeps running,
        `receive` gives `http.disconnect` and `send` raises; a pending
        `next()` returns None."""
        self._disconnected = True
        self._finished.set()
        while not self._messages.empty():
            self._messages.get_nowait()
        self._messages.put_nowait(_DONE)


class ClientDisconnected(OSError):
    """uvicorn's: `send` after the client went away."""


class NativeApp:
    """The app inside a run of Python middleware: `dispatch(position,
    scope, body, future)` is the server's, which serves the request from
    that position of the middleware stack inwards and settles `future`
    with `(status, headers, body, stream, error)`."""

    def __init__(self, position: int, dispatch: Callable[..., None]) -> None:
        self.position = position
        self._dispatch = dispatch

    async def __call__(self, scope: Dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            raise RuntimeError(f"turbo serves HTTP only, not {scope['type']!r}")
        chunks = []
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        loop = asyncio.get_running_loop()
        answered = loop.create_future()
        self._dispatch(self.position, scope, b"".join(chunks), answered)
        status, headers, body, stream, error = await answered
        if error is not None:
            raise error
        await send({"type": "http.response.start", "status": status, "headers": headers})
        if stream is None:
            await send({"type": "http.response.body", "body": body, "more_body": False})
            return
        while True:
            piece = loop.create_future()
            stream(piece)
            data, last = await piece
            await send({"type": "http.response.body", "body": data, "more_body": not last})
            if last:
                return


def build_layer(declared: List[Any], inner: Any) -> Any:
    """A run of Python middleware, outermost first, built as Starlette
    builds its stack (`cls(app=inner, *args, **kwargs)`, innermost first)."""
    app = inner
    for cls, args, kwargs in reversed(declared):
        app = cls(app, *args, **kwargs)
    return app


class Mounted:
    """An ASGI app mounted with `app.mount(path, app)`: Starlette's `Mount`.
    The compiled route (the mount path and everything below it, every
    method) calls `_turbo_serve`, which calls the app with Starlette's
    child scope (`root_path` extended by the mount path) and the request's
    body, and answers with what it sends: a whole response for one body
    message, else a stream of them. What the app raises before its
    response starts reaches the app's exception handlers, as under
    Starlette."""

    def __init__(self, app: Any, path: str) -> None:
        self.app = app
        self.path = path

    async def _turbo_serve(self, request: Any, path: str) -> Any:
        from .responses import Response

        outer = request.scope
        scope = dict(outer)
        root_path = outer.get("root_path", "")
        scope.update(
            {
                "asgi": {"version": "3.0", "spec_version": "2.4"},
                "raw_path": outer["path"].encode("utf-8"),
                "state": outer.get("state", dict(_lifespan.STATE)),
                "path_params": {},
                "app_root_path": outer.get("app_root_path", root_path),
                "root_path": root_path + self.path,
                "endpoint": self.app,
            }
        )
        exchange = Exchange(self.app, scope, await request.body())
        start = await exchange.next()
        if start is None:
            raise RuntimeError("ASGI callable returned without starting response.")
        _, status, headers = start
        first = await exchange.next()
        if first is None:
            raise RuntimeError("ASGI callable returned without completing response.")
        _, data, more = first
        if not more:
            # One message: a whole body; the app runs on to its end.
            asyncio.get_running_loop().create_task(_drain(exchange))
            response = Response(status_code=status)
            response.body = data
            response.raw_headers = headers
            return response
        return _mounted_stream(status, headers, data, exchange)


async def _drain(exchange: Exchange) -> None:
    while await exchange.next() is not None:
        pass


def _mounted_stream(status: int, headers: List[Tuple[bytes, bytes]], first: bytes, exchange: Exchange) -> Any:
    """What a mounted app streams, as a `StreamingResponse`."""
    from .responses import StreamingResponse

    async def chunks() -> Any:
        finished = False
        try:
            yield first
            while True:
                message = await exchange.next()
                if message is None:
                    raise RuntimeError("ASGI callable returned without completing response.")
                _, data, more = message
                yield data
                if not more:
                    break
            finished = True
            asyncio.get_running_loop().create_task(_drain(exchange))
        finally:
            if not finished:
                # The client went away (or the app failed).
                exchange.disconnect()

    response = StreamingResponse(chunks(), status_code=status)
    response.raw_headers = headers
    return response
