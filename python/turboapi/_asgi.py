"""The ASGI bridge: how a turbo server runs the app's Python middleware.

Middleware the server implements natively (CORS, GZip, TrustedHost,
HTTPSRedirect) runs in Rust. Any other (`@app.middleware("http")`,
`BaseHTTPMiddleware` subclasses, pure ASGI middleware) is a Python ASGI
app; a run of them, in Starlette's order, wraps a `NativeApp`: the rest of
the app inside them (native middleware further in, the router, the
routes), served by the server. Per request (`turbo-runtime/src/server/asgi.rs`):

- the server reads the body and calls `exchange(app, scope, body)`, an
  async generator that runs the middleware as a task and yields what it
  sends, as `("start", status, headers)` and `("body", bytes, more_body)`;
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

#: What `exchange` yields once the middleware returned.
_DONE = object()


class _Failed:
    def __init__(self, error: BaseException) -> None:
        self.error = error


def scope_of(
    method: str,
    path: str,
    raw_path: bytes,
    query_string: bytes,
    headers: List[Tuple[bytes, bytes]],
    client: Optional[Tuple[str, int]],
    server: Optional[Tuple[str, int]],
    scheme: str,
    root_path: str,
) -> Dict[str, Any]:
    """uvicorn's HTTP scope (with the app Starlette adds)."""
    from ._plans import APP

    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.4"},
        "http_version": "1.1",
        "server": server,
        "client": client,
        "scheme": scheme,
        "method": method,
        "root_path": root_path,
        "path": path,
        "raw_path": raw_path,
        "query_string": query_string,
        "headers": headers,
        "state": dict(_lifespan.STATE),
        "app": APP,
    }


async def exchange(app: Any, scope: Dict[str, Any], body: bytes) -> Any:
    """Runs `app(scope, receive, send)` and yields the messages it sends.

    `receive` gives the body, then (once the response is complete, or the
    stream is closed because the client went away) `http.disconnect`. The
    generator ends when the app returns, after its last message (work it
    does after the response runs to its end); what the app raises is
    raised here."""
    loop = asyncio.get_running_loop()
    messages: "asyncio.Queue[Any]" = asyncio.Queue(1)
    finished = asyncio.Event()
    body_sent = False

    async def receive() -> Dict[str, Any]:
        nonlocal body_sent
        if not body_sent:
            body_sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        await finished.wait()
        return {"type": "http.disconnect"}

    async def send(message: Dict[str, Any]) -> None:
        kind = message["type"]
        if kind == "http.response.start":
            await messages.put(("start", message["status"], list(message.get("headers", ()))))
        elif kind == "http.response.body":
            more = bool(message.get("more_body", False))
            await messages.put(("body", bytes(message.get("body", b"")), more))
            if not more:
                finished.set()
        else:
            raise RuntimeError(f"Unexpected ASGI message '{kind}' sent, after response already completed.")

    async def run() -> None:
        try:
            await app(scope, receive, send)
        except BaseException as error:
            await messages.put(_Failed(error))
            return
        await messages.put(_DONE)

    task = loop.create_task(run())
    try:
        while True:
            message = await messages.get()
            if message is _DONE:
                return
            if isinstance(message, _Failed):
                raise message.error
            yield message
    finally:
        finished.set()
        if not task.done():
            task.cancel()


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
