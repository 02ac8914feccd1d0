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

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        """Starlette's ASGI response, for a response an ASGI middleware
        sends itself (the server sends a handler's directly)."""
        await send({"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers})
        await send({"type": "http.response.body", "body": self.body})
        if self.background is not None:
            await self.background()

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

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers})
        async for chunk in self.body_iterator:
            if not isinstance(chunk, (bytes, memoryview)):
                chunk = chunk.encode(self.charset)
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body", "body": b"", "more_body": False})
        if self.background is not None:
            await self.background()


class EventSourceResponse(StreamingResponse):
    """FastAPI's (`fastapi.sse`, also exported by `fastapi.responses`): the
    `text/event-stream` marker of a path operation that `yield`s
    server-sent events; `turboapi._streams` encodes them."""

    media_type = "text/event-stream"


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


class MalformedRangeHeader(Exception):
    def __init__(self, content: str = "Malformed range header.") -> None:
        self.content = content


class RangeNotSatisfiable(Exception):
    def __init__(self, max_size: int) -> None:
        self.max_size = max_size


class FileResponse(Response):
    """Starlette's `FileResponse`: its headers, ranges (206, multipart
    byteranges, 416) and conditional `If-Range` as Starlette computes them,
    here in Python once per response (`turbo_plan`); the file itself is
    read by the server as the client takes it, never whole in memory."""

    chunk_size = 64 * 1024
    max_ranges = 100

    def __init__(
        self,
        path: Any,
        status_code: int = 200,
        headers: Optional[Mapping[str, str]] = None,
        media_type: Optional[str] = None,
        background: Any = None,
        filename: Optional[str] = None,
        stat_result: Any = None,
        content_disposition_type: str = "attachment",
    ) -> None:
        from mimetypes import guess_type

        self.path = path
        self.status_code = status_code
        self.filename = filename
        if media_type is None:
            media_type = guess_type(filename or path)[0] or "application/octet-stream"
        self.media_type = media_type
        self.background = background
        self.init_headers(headers)
        self.headers.setdefault("accept-ranges", "bytes")
        if self.filename is not None:
            content_disposition_filename = quote(self.filename)
            if content_disposition_filename != self.filename:
                content_disposition = f"{content_disposition_type}; filename*=utf-8''{content_disposition_filename}"
            else:
                content_disposition = f'{content_disposition_type}; filename="{self.filename}"'
            self.headers.setdefault("content-disposition", content_disposition)
        self.stat_result = stat_result
        if stat_result is not None:
            self.set_stat_headers(stat_result)

    def set_stat_headers(self, stat_result: Any) -> None:
        import hashlib
        from email.utils import formatdate

        content_length = str(stat_result.st_size)
        last_modified = formatdate(stat_result.st_mtime, usegmt=True)
        etag_base = str(stat_result.st_mtime) + "-" + str(stat_result.st_size)
        etag = f'"{hashlib.md5(etag_base.encode(), usedforsecurity=False).hexdigest()}"'

        self.headers.setdefault("content-length", content_length)
        self.headers.setdefault("last-modified", last_modified)
        self.headers.setdefault("etag", etag)

    def turbo_plan(self, method: str, http_range: Optional[str], http_if_range: Optional[str]) -> Any:
        """What Starlette's `__call__` would send for this request: a
        `Response` for a range it refuses, else (status, raw headers, path,
        parts), each part bytes or a (start, end) byte range of the file
        (end None: to its end), `[b""]` for a HEAD request."""
        import os
        import stat
        from secrets import token_hex

        method = method.upper()
        header_only = method == "HEAD"
        if self.stat_result is None:
            try:
                stat_result = os.stat(self.path)
                self.set_stat_headers(stat_result)
            except FileNotFoundError:
                raise RuntimeError(f"File at path {self.path} does not exist.")
            else:
                if not stat.S_ISREG(stat_result.st_mode):
                    raise RuntimeError(f"File at path {self.path} is not a file.")
        else:
            stat_result = self.stat_result
        path = os.fspath(self.path)
        whole = (self.status_code, self.raw_headers, path, [b""] if header_only else [(0, None)])
        if (
            self.status_code != 200
            or http_range is None
            or method not in ("GET", "HEAD")
            or (http_if_range is not None and not self._should_use_range(http_if_range))
        ):
            return whole
        try:
            ranges = self._parse_range_header(http_range, stat_result.st_size)
        except MalformedRangeHeader as exc:
            return PlainTextResponse(exc.content, status_code=400)
        except RangeNotSatisfiable as exc:
            return PlainTextResponse(status_code=416, headers={"Content-Range": f"bytes */{exc.max_size}"})
        if len(ranges) == 0:
            return whole
        if len(ranges) == 1:
            start, end = ranges[0]
            headers = MutableHeaders(raw=list(self.raw_headers))
            headers["content-range"] = f"bytes {start}-{end - 1}/{stat_result.st_size}"
            headers["content-length"] = str(end - start)
            return (206, headers.raw, path, [b""] if header_only else [(start, end)])
        boundary = token_hex(13)
        content_length, header_generator = self.generate_multipart(
            ranges, boundary, stat_result.st_size, self.headers["content-type"]
        )
        headers = MutableHeaders(raw=list(self.raw_headers))
        headers["content-type"] = f"multipart/byteranges; boundary={boundary}"
        headers["content-length"] = str(content_length)
        if header_only:
            return (206, headers.raw, path, [b""])
        parts: list = []
        for start, end in ranges:
            parts += [header_generator(start, end), (start, end), b"\r\n"]
        parts.append(f"--{boundary}--".encode("latin-1"))
        return (206, headers.raw, path, parts)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        """Starlette's, from `turbo_plan`: the file read in 64 KiB pieces
        on the worker threads."""
        from ._event_loop import run_in_threadpool
        from .datastructures import Headers

        headers = Headers(raw=scope["headers"])
        plan = self.turbo_plan(scope["method"], headers.get("range"), headers.get("if-range"))
        if isinstance(plan, Response):
            await plan(scope, receive, send)
            return
        status, raw_headers, path, parts = plan
        await send({"type": "http.response.start", "status": status, "headers": raw_headers})
        with open(path, "rb") as file:
            for index, part in enumerate(parts):
                final = index + 1 == len(parts)
                if isinstance(part, bytes):
                    await send({"type": "http.response.body", "body": part, "more_body": not final})
                    continue
                start, end = part
                await run_in_threadpool(file.seek, start)
                while True:
                    size = self.chunk_size if end is None else min(self.chunk_size, end - start)
                    chunk = await run_in_threadpool(file.read, size)
                    start += len(chunk)
                    more = len(chunk) == self.chunk_size and (end is None or start < end)
                    await send({"type": "http.response.body", "body": chunk, "more_body": more or not final})
                    if not more:
                        break
        if self.background is not None:
            await self.background()

    def _should_use_range(self, http_if_range: str) -> bool:
        if http_if_range.startswith("W/"):
            return False
        return http_if_range == self.headers["last-modified"] or http_if_range == self.headers["etag"]

    @classmethod
    def _parse_range_header(cls, http_range: str, file_size: int) -> list:
        try:
            units, range_ = http_range.split("=", 1)
        except ValueError:
            raise MalformedRangeHeader()
        units = units.strip().lower()
        if units != "bytes":
            raise MalformedRangeHeader("Only support bytes range")
        if range_.count(",") + 1 > cls.max_ranges:
            return []
        ranges = cls._parse_ranges(range_, file_size)
        if len(ranges) == 0:
            raise MalformedRangeHeader("Range header: range must be requested")
        if any(not (0 <= start < file_size) for start, _ in ranges):
            raise RangeNotSatisfiable(file_size)
        if any(start >= end for start, end in ranges):
            raise MalformedRangeHeader("Range header: start must be less than end")
        if len(ranges) == 1:
            return ranges
        ranges.sort()
        result = [ranges[0]]
        for start, end in ranges[1:]:
            last_start, last_end = result[-1]
            if start <= last_end:
                result[-1] = (last_start, max(last_end, end))
            else:
                result.append((start, end))
        return result

    @classmethod
    def _parse_ranges(cls, range_: str, file_size: int) -> list:
        ranges = []
        for part in range_.split(","):
            part = part.strip()
            if not part or part == "-":
                continue
            if "-" not in part:
                continue
            start_str, end_str = part.split("-", 1)
            start_str = start_str.strip()
            end_str = end_str.strip()
            try:
                start = int(start_str) if start_str else max(file_size - int(end_str), 0)
                end = int(end_str) + 1 if start_str and end_str and int(end_str) < file_size else file_size
                ranges.append((start, end))
            except ValueError:
                continue
        return ranges

    def generate_multipart(self, ranges: Any, boundary: str, max_size: int, content_type: str) -> Any:
        boundary_len = len(boundary)
        static_header_part_len = 49 + boundary_len + len(content_type) + len(str(max_size))
        content_length = sum(
            (len(str(start)) + len(str(end - 1)) + static_header_part_len) + (end - start) for start, end in ranges
        ) + (4 + boundary_len)
        return (
            content_length,
            lambda start, end: (
                f"--{boundary}\r\nContent-Type: {content_type}\r\n"
                f"Content-Range: bytes {start}-{end - 1}/{max_size}\r\n\r\n"
            ).encode("latin-1"),
        )
