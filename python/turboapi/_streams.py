"""Path operations that `yield`: FastAPI 0.165 streams their items as JSON
Lines (`application/jsonl`), as server-sent events
(`response_class=EventSourceResponse`), or as the chunks of the
`response_class` they declare. A port of the streaming half of FastAPI's
`get_request_handler`; the server then sends the `StreamingResponse`
built here like any other (`turbo-runtime/src/response/body.rs`).
"""

import asyncio
import inspect
import json
import math
from collections.abc import AsyncGenerator, AsyncIterable, AsyncIterator, Generator, Iterable, Iterator
from typing import Any, Callable, Optional

from . import sse
from .encoders import jsonable_encoder
from .exceptions import ResponseValidationError
from .responses import StreamingResponse, iterate_in_threadpool

# FastAPI's `_STREAM_ORIGINS`: return annotations whose item type a stream validates.
_STREAM_ORIGINS = {AsyncIterable, AsyncIterator, AsyncGenerator, Iterable, Iterator, Generator}


def is_generator(handler: Any) -> bool:
    """FastAPI's `_is_gen_callable or _is_async_gen_callable` for an endpoint."""
    target = inspect.unwrap(handler)
    return inspect.isgeneratorfunction(target) or inspect.isasyncgenfunction(target)


def stream_item_type(annotation: Any) -> Optional[Any]:
    """FastAPI's `get_stream_item_type`: `X` of `AsyncIterator[X]` and kin."""
    import typing

    if typing.get_origin(annotation) in _STREAM_ORIGINS:
        args = typing.get_args(annotation)
        return args[0] if args else Any
    return None


def _normalize_non_finite_floats(data: Any) -> Any:
    if isinstance(data, float):
        return data if math.isfinite(data) else None
    if isinstance(data, dict):
        return {key: _normalize_non_finite_floats(value) for key, value in data.items()}
    if isinstance(data, list):
        return [_normalize_non_finite_floats(value) for value in data]
    return data


class DeferredStreamError(Exception):
    """An SSE generator raised: FastAPI's producer task ends the stream
    cleanly and its exception surfaces after the response (logged by the
    server), so the client sees a complete response."""

    def __init__(self, error: BaseException) -> None:
        super().__init__(repr(error))
        self.error = error


class StreamPlan:
    """How a generator endpoint's items become a response (FastAPI's
    `is_sse_stream`, `is_json_stream` and raw-streaming branches)."""

    def __init__(self, handler: Any, response_class: Any, item_field: Any, serialize_options: Any) -> None:
        self.is_async = inspect.isasyncgenfunction(inspect.unwrap(handler))
        self.is_sse = isinstance(response_class, type) and issubclass(response_class, sse.EventSourceResponse)
        self.is_json = response_class is None
        self.response_class = response_class
        self.item_field = item_field
        self.serialize_options = serialize_options

    def _serialize_data(self, data: Any) -> bytes:
        if self.item_field is not None:
            value, errors = self.item_field.validate(data, ("response",))
            if errors:
                raise ResponseValidationError(errors=errors, body=data)
            return self.item_field.adapter.dump_json(value, **self.serialize_options)
        return json.dumps(_normalize_non_finite_floats(jsonable_encoder(data))).encode("utf-8")

    def _serialize_sse_item(self, item: Any) -> bytes:
        if isinstance(item, sse.ServerSentEvent):
            if item.raw_data is not None:
                data_str: Optional[str] = item.raw_data
            elif item.data is not None:
                if hasattr(item.data, "model_dump_json"):
                    data_str = item.data.model_dump_json()
                else:
                    data_str = json.dumps(_normalize_non_finite_floats(jsonable_encoder(item.data)))
            else:
                data_str = None
            return sse.format_sse_event(
                data_str=data_str, event=item.event, id=item.id, retry=item.retry, comment=item.comment
            )
        return sse.format_sse_event(data_str=self._serialize_data(item).decode("utf-8"))

    def respond(self, generator: Any, args: dict) -> Any:
        if self.is_sse:
            items = generator.__aiter__() if self.is_async else iterate_in_threadpool(generator)
            response = StreamingResponse(
                _with_keepalive(items, self._serialize_sse_item), media_type="text/event-stream", **args
            )
            response.headers["Cache-Control"] = "no-cache"
            # For Nginx proxies to not buffer server sent events
            response.headers["X-Accel-Buffering"] = "no"
            return response
        if self.is_json:
            content = _mapped(generator, self.is_async, lambda item: self._serialize_data(item) + b"\n")
            return StreamingResponse(content, media_type="application/jsonl", **args)
        return self.response_class(content=generator, **args)


def _mapped(generator: Any, is_async: bool, serialize: Callable[[Any], bytes]) -> Any:
    if is_async:

        async def encoded_async() -> Any:
            async for item in generator:
                yield serialize(item)

        return encoded_async()

    def encoded() -> Any:
        for item in generator:
            yield serialize(item)

    return encoded()


async def _with_keepalive(items: Any, serialize: Callable[[Any], bytes]) -> Any:
    """FastAPI's SSE producer and keep-alive inserter: a task pulls and
    encodes items (a buffer of one between it and the client); when none
    comes for `sse._PING_INTERVAL` seconds a `: ping` comment is sent. The
    producer is cancelled when the stream stops early."""
    queue: "asyncio.Queue[Any]" = asyncio.Queue(maxsize=1)
    done = object()

    async def produce() -> None:
        try:
            async for item in items:
                await queue.put(serialize(item))
        except Exception as error:
            await queue.put(DeferredStreamError(error))
            return
        await queue.put(done)

    loop = asyncio.get_running_loop()
    producer = loop.create_task(produce())
    # One pending `get` kept across pings, so no item is lost to a timeout.
    getter: Optional["asyncio.Task[Any]"] = None
    try:
        while True:
            if getter is None:
                getter = loop.create_task(queue.get())
            finished, _ = await asyncio.wait({getter}, timeout=sse._PING_INTERVAL)
            if not finished:
                yield sse.KEEPALIVE_COMMENT
                continue
            data = getter.result()
            getter = None
            if data is done:
                return
            if isinstance(data, DeferredStreamError):
                raise data
            yield data
    finally:
        for task in (getter, producer):
            if task is not None and not task.done():
                task.cancel()
