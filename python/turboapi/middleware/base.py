"""Starlette 1.10's `BaseHTTPMiddleware` (what `@app.middleware("http")`
builds), ported from anyio to asyncio: the server's event loop runs it.

`dispatch(request, call_next)`: `call_next` runs the app inside in a task
and returns a streaming response of what it sends; the app's exception is
raised from `call_next`; the request body the dispatch read is given to
the app again. The structure and the error messages are Starlette's.
"""

import asyncio
import collections
from typing import Any, Awaitable, Callable, Dict, Mapping, Optional

from ..requests import ClientDisconnect, Request
from ..responses import Response

__all__ = ["BaseHTTPMiddleware"]

Message = Dict[str, Any]


class _EndOfStream(Exception):
    pass


class _BrokenStream(Exception):
    pass


class _MessageStream:
    """anyio's zero-buffer memory object stream, as the middleware uses
    it: a send waits until its message is taken; once the receiving side
    is closed, sends fail (`_BrokenStream`); once the sending side is
    closed and drained, receives end (`_EndOfStream`)."""

    def __init__(self) -> None:
        self._items: "collections.deque[Any]" = collections.deque()
        self._send_closed = False
        self._receive_closed = False
        self._waiter: Optional["asyncio.Future[None]"] = None

    def _wake(self) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)

    async def send(self, message: Message) -> None:
        if self._receive_closed:
            raise _BrokenStream()
        taken = asyncio.get_running_loop().create_future()
        self._items.append((message, taken))
        self._wake()
        await taken

    async def receive(self) -> Message:
        while not self._items:
            if self._send_closed:
                raise _EndOfStream()
            self._waiter = asyncio.get_running_loop().create_future()
            await self._waiter
        message, taken = self._items.popleft()
        if not taken.done():
            taken.set_result(None)
        return message

    def __aiter__(self) -> "_MessageStream":
        return self

    async def __anext__(self) -> Message:
        try:
            return await self.receive()
        except _EndOfStream:
            raise StopAsyncIteration

    def close_send(self) -> None:
        self._send_closed = True
        self._wake()

    def close_receive(self) -> None:
        self._receive_closed = True
        while self._items:
            _, taken = self._items.popleft()
            if not taken.done():
                taken.set_exception(_BrokenStream())


class _CachedRequest(Request):
    """If the dispatch function reads the body (`await request.body()`),
    it is kept and given to the app inside; if it reads the stream, the
    app gets an empty body so that it does not wait forever."""

    def __init__(self, scope: Dict[str, Any], receive: Any, send: Any) -> None:
        super().__init__(scope, receive, send)
        self._wrapped_rcv_disconnected = False
        self._wrapped_rcv_consumed = False

    async def wrapped_receive(self) -> Message:
        if self._wrapped_rcv_disconnected:
            return {"type": "http.disconnect"}
        if self._wrapped_rcv_consumed:
            if self._is_disconnected:
                self._wrapped_rcv_disconnected = True
                return {"type": "http.disconnect"}
            msg = await self.receive()
            if msg["type"] != "http.disconnect":  # pragma: no cover
                raise RuntimeError(f"Unexpected message received: {msg['type']}")
            self._wrapped_rcv_disconnected = True
            return msg

        if getattr(self, "_body", None) is not None:
            self._wrapped_rcv_consumed = True
            return {
                "type": "http.request",
                "body": self._body,
                "more_body": False,
            }
        elif self._stream_consumed:
            self._wrapped_rcv_consumed = True
            return {
                "type": "http.request",
                "body": b"",
                "more_body": False,
            }
        else:
            stream = self.stream()
            try:
                chunk = await stream.__anext__()
                self._wrapped_rcv_consumed = self._stream_consumed
                return {
                    "type": "http.request",
                    "body": chunk,
                    "more_body": not self._stream_consumed,
                }
            except ClientDisconnect:
                self._wrapped_rcv_disconnected = True
                return {"type": "http.disconnect"}
            finally:
                await stream.aclose()


async def _first(*awaitables: Awaitable[Any]) -> None:
    """Waits for the first of `awaitables`, cancelling the others (the
    task group of Starlette's `receive_or_disconnect`)."""
    tasks = [asyncio.ensure_future(awaitable) for awaitable in awaitables]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            if not task.done():
                task.cancel()
    for task in tasks:
        if task.done() and not task.cancelled() and task.exception() is not None:
            raise task.exception()  # type: ignore[misc]


class BaseHTTPMiddleware:
    def __init__(self, app: Any, dispatch: Optional[Callable[..., Any]] = None) -> None:
        self.app = app
        self.dispatch_func = self.dispatch if dispatch is None else dispatch

    async def __call__(self, scope: Dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        request = _CachedRequest(scope, receive, send)
        wrapped_receive = request.wrapped_receive
        response_sent = asyncio.Event()
        app_exc: Optional[Exception] = None
        exception_already_raised = False
        stream = _MessageStream()
        tasks = []

        async def call_next(request: Request) -> Response:
            async def receive_or_disconnect() -> Message:
                if response_sent.is_set():
                    return {"type": "http.disconnect"}
                receiving = asyncio.ensure_future(wrapped_receive())
                await _first(receiving, response_sent.wait())
                if response_sent.is_set() or not receiving.done() or receiving.cancelled():
                    return {"type": "http.disconnect"}
                return receiving.result()

            async def send_no_error(message: Message) -> None:
                try:
                    await stream.send(message)
                except _BrokenStream:
                    # The stream is closed, i.e. the response has been sent.
                    return

                if message["type"] == "http.response.pathsend" or (
                    message["type"] == "http.response.body" and not message.get("more_body", False)
                ):
                    await response_sent.wait()

            async def coro() -> None:
                nonlocal app_exc
                try:
                    await self.app(scope, receive_or_disconnect, send_no_error)
                except Exception as exc:
                    app_exc = exc
                finally:
                    stream.close_send()

            tasks.append(asyncio.get_running_loop().create_task(coro()))

            try:
                info = None
                while True:
                    message = await stream.receive()
                    if message["type"] == "http.response.debug":
                        info = message["info"]
                        continue
                    elif message["type"] == "http.response.early_hint":
                        await send(message)
                        continue
                    break
            except _EndOfStream:
                if app_exc is not None:
                    nonlocal exception_already_raised
                    exception_already_raised = True
                    raise app_exc from app_exc.__cause__ or app_exc.__context__
                raise RuntimeError("No response returned.")

            assert message["type"] == "http.response.start"

            async def body_stream() -> Any:
                async for message in stream:
                    if message["type"] == "http.response.pathsend":
                        yield message
                        break
                    assert message["type"] == "http.response.body", f"Unexpected message: {message}"
                    body = message.get("body", b"")
                    if body:
                        yield body
                    if not message.get("more_body", False):
                        break

            response = _StreamingResponse(status_code=message["status"], content=body_stream(), info=info)
            response.raw_headers = message.get("headers", [])
            return response

        try:
            response = await self.dispatch_func(request, call_next)
            await response(scope, wrapped_receive, send)
            response_sent.set()
            stream.close_receive()
        except BaseException:
            # The task group's exit on an error: the app is cancelled.
            for task in tasks:
                task.cancel()
            raise
        finally:
            if tasks:
                await asyncio.gather(*tasks, return_exceptions=True)
        if app_exc is not None and not exception_already_raised:
            raise app_exc

    async def dispatch(self, request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        raise NotImplementedError()  # pragma: no cover


class _StreamingResponse(Response):
    def __init__(
        self,
        content: Any,
        status_code: int = 200,
        headers: Optional[Mapping[str, str]] = None,
        media_type: Optional[str] = None,
        info: Optional[Mapping[str, Any]] = None,
    ) -> None:
        self.info = info
        self.body_iterator = content
        self.status_code = status_code
        self.media_type = media_type
        self.init_headers(headers)
        self.background = None

    async def __call__(self, scope: Dict[str, Any], receive: Any, send: Any) -> None:
        if self.info is not None:
            await send({"type": "http.response.debug", "info": self.info})
        await send(
            {
                "type": "http.response.start",
                "status": self.status_code,
                "headers": self.raw_headers,
            }
        )

        should_close_body = True
        async for chunk in self.body_iterator:
            if isinstance(chunk, dict):
                # An ASGI message which is not a response body (pathsend).
                should_close_body = False
                await send(chunk)
                continue
            await send({"type": "http.response.body", "body": chunk, "more_body": True})

        if should_close_body:
            await send({"type": "http.response.body", "body": b"", "more_body": False})

        if self.background:
            await self.background()
