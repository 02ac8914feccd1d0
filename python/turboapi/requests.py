"""The `Request` object a handler can ask for, with Starlette's interface.

The server builds it only for routes whose handler declares a `Request`
parameter (and for exception handlers), from data it already holds: the
scope-like fields are plain values and everything else is parsed on first
access, so asking for `request.method` costs no header parsing.
"""

import http.cookies
import json
from typing import Any, Dict, Optional

from . import _lifespan
from .datastructures import URL, Address, Headers, QueryParams, State


def cookie_parser(cookie_string: str) -> Dict[str, str]:
    """Starlette's (Django's) lenient `Cookie` header parser."""
    cookie_dict: Dict[str, str] = {}
    for chunk in cookie_string.split(";"):
        if "=" in chunk:
            key, val = chunk.split("=", 1)
        else:
            key, val = "", chunk
        key, val = key.strip(), val.strip()
        if key or val:
            cookie_dict[key] = http.cookies._unquote(val)  # type: ignore[attr-defined]
    return cookie_dict


def request_cookies(headers: Headers) -> Dict[str, str]:
    """Starlette's `request.cookies`: every `Cookie` header, later keys winning."""
    cookies: Dict[str, str] = {}
    for header in headers.getlist("cookie"):
        cookies.update(cookie_parser(header))
    return cookies


class ClientDisconnect(Exception):
    """Starlette's: the client went away while the body was read."""


async def empty_receive() -> Any:
    raise RuntimeError("Receive channel has not been made available")


async def empty_send(message: Any) -> None:
    raise RuntimeError("Send channel has not been made available")


class HTTPConnection:
    """Starlette's base of `Request` and `WebSocket`: what a scope says
    about the connection, parsed on first access."""

    def __init__(self, scope: Dict[str, Any]) -> None:
        self.scope = scope

    @property
    def app(self) -> Any:
        return self.scope["app"]

    @property
    def url(self) -> URL:
        if not hasattr(self, "_url"):
            path = self.scope["path"].replace("?", "%3F").replace("#", "%23").replace("\\", "%5C")
            scheme = self.scope.get("scheme", "http")
            netloc = self.headers.get("host")
            server = self.scope.get("server")
            if not netloc and server is not None:
                host, port = server
                default_port = {"http": 80, "https": 443, "ws": 80, "wss": 443}.get(scheme)
                netloc = host if port == default_port else f"{host}:{port}"
            query = self.scope["query_string"].decode("latin-1")
            suffix = f"?{query}" if query else ""
            if netloc:
                self._url = URL(f"{scheme}://{netloc}{path}{suffix}")
            else:
                # No host at all (a Unix socket, no `Host`): Starlette's URL
                # is the path alone.
                self._url = URL(f"{path}{suffix}")
        return self._url

    @property
    def base_url(self) -> URL:
        # Under a root path, Starlette's base URL ends with it: the top
        # level's, inside a mounted application.
        root = self.scope.get("app_root_path", self.scope.get("root_path", "")).rstrip("/")
        if not self.url.netloc:
            return URL(f"{root}/")
        return URL(f"{self.url.scheme}://{self.url.netloc}{root}/")

    @property
    def headers(self) -> Headers:
        if not hasattr(self, "_headers"):
            self._headers = Headers(raw=self.scope["headers"])
        return self._headers

    @property
    def query_params(self) -> QueryParams:
        if not hasattr(self, "_query_params"):
            self._query_params = QueryParams(self.scope["query_string"].decode("latin-1"))
        return self._query_params

    @property
    def path_params(self) -> Dict[str, Any]:
        return self.scope.get("path_params", {})

    @property
    def cookies(self) -> Dict[str, str]:
        if not hasattr(self, "_cookies"):
            self._cookies = request_cookies(self.headers)
        return self._cookies

    @property
    def client(self) -> Optional[Address]:
        client = self.scope.get("client")
        return Address(*client) if client is not None else None

    @property
    def state(self) -> State:
        if not hasattr(self, "_state"):
            # As uvicorn: a request's state starts as a copy of the state
            # the lifespan yielded.
            if "state" not in self.scope:
                self.scope["state"] = dict(_lifespan.STATE)
            self._state = State(self.scope["state"])
        return self._state

    def __getitem__(self, key: str) -> Any:
        return self.scope[key]


class Request(HTTPConnection):
    """An HTTP request. `body()` and `json()` are awaitable, as in Starlette.

    The server makes one with the body it read; an ASGI middleware makes
    one from its scope and `receive` (`Request(scope, receive)`), read as
    Starlette reads it."""

    def __init__(self, scope: Dict[str, Any], receive: Any = empty_receive, send: Any = empty_send) -> None:
        super().__init__(scope)
        self._receive = receive
        self._send = send
        self._stream_consumed = False
        self._is_disconnected = False

    @property
    def receive(self) -> Any:
        return self._receive

    @property
    def method(self) -> str:
        return self.scope["method"]

    async def stream(self) -> Any:
        """Starlette's: the body's chunks, from `receive` unless read."""
        if hasattr(self, "_body"):
            yield self._body
            yield b""
            return
        if self._stream_consumed:
            raise RuntimeError("Stream consumed")
        if self._receive is empty_receive:
            # A request the server made without its body: it has none.
            self._stream_consumed = True
            yield b""
            return
        while not self._stream_consumed:
            message = await self._receive()
            if message["type"] == "http.request":
                body = message.get("body", b"")
                if not message.get("more_body", False):
                    self._stream_consumed = True
                if body:
                    yield body
            elif message["type"] == "http.disconnect":
                self._is_disconnected = True
                raise ClientDisconnect()
        yield b""

    async def body(self) -> bytes:
        if not hasattr(self, "_body"):
            chunks = []
            async for chunk in self.stream():
                chunks.append(chunk)
            self._body = b"".join(chunks)
        return self._body

    async def is_disconnected(self) -> bool:
        return self._is_disconnected

    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            self._json = json.loads(await self.body())
        return self._json
