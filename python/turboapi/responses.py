"""Response classes with Starlette's semantics (ported from Starlette 1.x, BSD-3).

A handler that returns one of these bypasses FastAPI's JSON encoding: the
server sends its `status_code`, `body` and `raw_headers` as they are. The
constructors compute `content-length` and `content-type` exactly as
Starlette's do, so the bytes on the wire match.
"""

import http.cookies
import json
import sys
from datetime import datetime
from email.utils import format_datetime
from typing import Any, Mapping, Optional
from urllib.parse import quote

from .datastructures import MutableHeaders

try:  # pragma: no cover - depends on the environment
    import orjson
except ImportError:  # pragma: no cover
    orjson = None  # type: ignore[assignment]


class Response:
    media_type: Optional[str] = None
    charset = "utf-8"

    def __init__(
        self,
        content: Any = None,
        status_code: int = 200,
        headers: Optional[Mapping[str, str]] = None,
        media_type: Optional[str] = None,
        background: Any = None,
    ) -> None:
        self.status_code = status_code
        if media_type is not None:
            self.media_type = media_type
        self.background = background
        self.body = self.render(content)
        self.init_headers(headers)

    def render(self, content: Any) -> bytes:
        if content is None:
            return b""
        if isinstance(content, memoryview):
            return content.tobytes()
        if isinstance(content, bytes):
            return content
        return content.encode(self.charset)

    def init_headers(self, headers: Optional[Mapping[str, str]] = None) -> None:
        if headers is None:
            raw_headers: list = []
            populate_content_length = True
            populate_content_type = True
        else:
            raw_headers = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]
            keys = [h[0] for h in raw_headers]
            populate_content_length = b"content-length" not in keys
            populate_content_type = b"content-type" not in keys

        body = getattr(self, "body", None)
        if (
            body is not None
            and populate_content_length
            and not (self.status_code < 200 or self.status_code in (204, 304))
        ):
            raw_headers.append((b"content-length", str(len(body)).encode("latin-1")))

        content_type = self.media_type
        if content_type is not None and populate_content_type:
            if content_type.startswith("text/") and "charset=" not in content_type.lower():
                content_type += "; charset=" + self.charset
            raw_headers.append((b"content-type", content_type.encode("latin-1")))

        self.raw_headers = raw_headers

    @property
    def headers(self) -> MutableHeaders:
        if not hasattr(self, "_headers"):
            self._headers = MutableHeaders(raw=self.raw_headers)
        return self._headers

    def set_cookie(
        self,
        key: str,
        value: str = "",
        max_age: Optional[int] = None,
        expires: Any = None,
        path: Optional[str] = "/",
        domain: Optional[str] = None,
        secure: bool = False,
        httponly: bool = False,
        samesite: Optional[str] = "lax",
        partitioned: bool = False,
    ) -> None:
        cookie: http.cookies.BaseCookie = http.cookies.SimpleCookie()
        cookie[key] = value
        if max_age is not None:
            cookie[key]["max-age"] = max_age
        if expires is not None:
            if isinstance(expires, datetime):
                cookie[key]["expires"] = format_datetime(expires, usegmt=True)
            else:
                cookie[key]["expires"] = expires
        if path is not None:
            cookie[key]["path"] = path
        if domain is not None:
            cookie[key]["domain"] = domain
        if secure:
            cookie[key]["secure"] = True
        if httponly:
            cookie[key]["httponly"] = True
        if samesite is not None:
            assert samesite.lower() in ["strict", "lax", "none"], "samesite must be either 'strict', 'lax' or 'none'"
            cookie[key]["samesite"] = samesite
        if partitioned:
            if sys.version_info < (3, 14):
                raise ValueError("Partitioned cookies are only supported in Python 3.14 and above.")
            cookie[key]["partitioned"] = True
        cookie_val = cookie.output(header="").strip()
        self.raw_headers.append((b"set-cookie", cookie_val.encode("latin-1")))

    def delete_cookie(
        self,
        key: str,
        path: str = "/",
        domain: Optional[str] = None,
        secure: bool = False,
        httponly: bool = False,
        samesite: Optional[str] = "lax",
        partitioned: bool = False,
    ) -> None:
        self.set_cookie(
            key,
            max_age=0,
            expires=0,
            path=path,
            domain=domain,
            secure=secure,
            httponly=httponly,
            samesite=samesite,
            partitioned=partitioned,
        )


class HTMLResponse(Response):
    media_type = "text/html"


class PlainTextResponse(Response):
    media_type = "text/plain"


class JSONResponse(Response):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":")).encode(
            "utf-8"
        )


class ORJSONResponse(JSONResponse):
    """FastAPI's `ORJSONResponse`; needs `orjson` installed."""

    def render(self, content: Any) -> bytes:
        assert orjson is not None, "orjson must be installed to use ORJSONResponse"
        return orjson.dumps(content, option=orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY)


class RedirectResponse(Response):
    def __init__(
        self,
        url: Any,
        status_code: int = 307,
        headers: Optional[Mapping[str, str]] = None,
        background: Any = None,
    ) -> None:
        super().__init__(content=b"", status_code=status_code, headers=headers, background=background)
        self.headers["location"] = quote(str(url), safe=":/%#?=@[]!$&'()*+,;")


class StreamingResponse(Response):
    """Starlette's `StreamingResponse`: its body comes from an iterator,
    async or not (a synchronous one is iterated in the server's worker
    threads, as Starlette's `iterate_in_threadpool`). The server sends the
    chunks as the client takes them (`turbo-runtime/src/response/body.rs`)."""

    body_iterator: Any

    def __init__(
        self,
        content: Any,
        status_code: int = 200,
        headers: Optional[Mapping[str, str]] = None,
        media_type: Optional[str] = None,
        background: Any = None,
    ) -> None:
        from collections.abc import AsyncIterable

        if isinstance(content, AsyncIterable):
            self.body_iterator = content
        else:
            self.body_iterator = iterate_in_threadpool(content)
        self.status_code = status_code
        self.media_type = self.media_type if media_type is None else media_type
        self.background = background
        self.init_headers(headers)


async def iterate_in_threadpool(iterator: Any) -> Any:
    """Starlette's: each `next()` of a synchronous iterator in a worker
    thread, so a blocking one never holds the server's I/O thread."""
    from ._event_loop import run_in_threadpool

    as_iterator = iter(iterator)
    while True:
        try:
            yield await run_in_threadpool(_next, as_iterator)
        except _StopIteration:
            break


class _StopIteration(Exception):
    """`StopIteration` cannot cross a coroutine boundary."""


def _next(iterator: Any) -> Any:
    try:
        return next(iterator)
    except StopIteration:
        raise _StopIteration


async def stream_chunks(response: StreamingResponse) -> Any:
    """The chunks the server sends for `response`, as bytes, in Starlette's
    encoding (`str` chunks with the response's charset); the iterator is
    closed when the stream stops, finished or not (the client went away)."""
    iterator = response.body_iterator
    try:
        async for chunk in iterator:
            if not isinstance(chunk, (bytes, memoryview)):
                chunk = chunk.encode(response.charset)
            yield bytes(chunk)
    finally:
        close = getattr(iterator, "aclose", None)
        if close is not None:
            await close()
