"""The ASGI side of one WebSocket connection of a turbo server, as
uvicorn's `websockets` protocol (0.54, sans-I/O) gives it to an app.

The server (`turbo-runtime/src/server/websocket/`) routes the upgrade
request to its WebSocket route and runs the route with `Session.websocket`
(Starlette's `WebSocket` on `receive`/`send` here). What the client sends
arrives through `deliver`; what the app sends goes out through the
server's `outgoing(kind, first, second, future)`: `"accept"` (the
handshake's 101, with the subprotocol and headers), `"reject"` (the
handshake refused with that status), `"text"`, `"bytes"` and `"close"`
(frames, `future` settled once the frame is queued). When the route
returns or raises, `finish` does what Starlette and FastAPI do then.
"""

import asyncio
from typing import Any, Dict, Optional

from ._asgi import ClientDisconnected
from ._starlette_exceptions import WebSocketException
from .websockets import WebSocket


class Session:
    def __init__(self, scope: Dict[str, Any], outgoing: Any) -> None:
        self.scope = scope
        self._outgoing = outgoing
        self._queue: "asyncio.Queue[Dict[str, Any]]" = asyncio.Queue()
        self._queue.put_nowait({"type": "websocket.connect"})
        self.handshake_complete = False
        self.close_sent = False
        self.disconnected = False
        self.websocket = WebSocket(scope, self.receive, self.send)

    async def receive(self) -> Dict[str, Any]:
        return await self._queue.get()

    def deliver(self, message: Dict[str, Any]) -> int:
        """What the client sent (or its disconnect), from the server; how
        many messages now wait for the app."""
        if message["type"] == "websocket.disconnect":
            if self.disconnected:
                return self.queued()
            self.disconnected = True
        elif self.close_sent:
            # The app is past `websocket.close`: discarded, as uvicorn does.
            return self.queued()
        self._queue.put_nowait(message)
        return self.queued()

    def queued(self) -> int:
        return self._queue.qsize()

    async def send(self, message: Dict[str, Any]) -> None:
        if self.disconnected and self.handshake_complete:
            raise ClientDisconnected()
        kind = message["type"]
        if not self.handshake_complete:
            if kind == "websocket.accept":
                self.handshake_complete = True
                headers = [(bytes(name), bytes(value)) for name, value in message.get("headers") or []]
                self._outgoing("accept", message.get("subprotocol"), headers, None)
            elif kind == "websocket.close":
                self.handshake_complete = True
                self.close_sent = True
                self._queue.put_nowait({"type": "websocket.disconnect", "code": 1006})
                self._outgoing("reject", 403, None, None)
            else:
                raise RuntimeError(
                    "Expected ASGI message 'websocket.accept', 'websocket.close' "
                    f"or 'websocket.http.response.start' but got '{kind}'."
                )
        elif not self.close_sent:
            if kind == "websocket.send":
                data = message.get("bytes")
                if data is not None:
                    await self._frame("bytes", bytes(data))
                elif message.get("text") is not None:
                    await self._frame("text", message["text"])
            elif kind == "websocket.close":
                code = message.get("code", 1000)
                reason = message.get("reason", "") or ""
                self._queue.put_nowait({"type": "websocket.disconnect", "code": code, "reason": reason})
                self.close_sent = True
                await self._frame("close", code, reason)
            else:
                raise RuntimeError(f"Expected ASGI message 'websocket.send' or 'websocket.close', but got '{kind}'.")
        else:
            raise RuntimeError(f"Unexpected ASGI message '{kind}', after sending 'websocket.close'.")

    async def _frame(self, kind: str, first: Any, second: Any = None) -> None:
        future = asyncio.get_running_loop().create_future()
        self._outgoing(kind, first, second, future)
        await future

    async def finish(self, error: Optional[BaseException], invalid: bool) -> Optional[str]:
        """The route returned or raised (`error`, logged already) or its
        parameters did not validate (`invalid`): Starlette's and FastAPI's
        exception handlers for WebSockets, then uvicorn's end of the
        connection. Returns what uvicorn logs as an error, if anything."""
        if invalid:
            # FastAPI: `WebSocketRequestValidationError` closes with 1008.
            error = WebSocketException(1008)
        if isinstance(error, WebSocketException):
            try:
                await self.websocket.close(code=error.code, reason=error.reason)
            except Exception:  # pragma: no cover - closed already
                pass
            return None
        if not self.handshake_complete:
            self.handshake_complete = True
            self._outgoing("reject", 500, None, None)
            if error is None:
                return "ASGI callable returned without completing handshake."
        return None
