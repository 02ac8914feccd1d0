"""``starlette.exceptions`` as a turbo server provides it: Starlette's
``HTTPException``, the base of FastAPI's. Routing errors (404, 405) and
form errors (400) are raised as this class, as Starlette raises them."""

import http
from typing import Any, Dict, Optional

__all__ = ["HTTPException"]


class HTTPException(Exception):
    """Starlette's ``HTTPException``: same constructor and attributes."""

    def __init__(
        self,
        status_code: int,
        detail: Any = None,
        headers: Optional[Dict[str, str]] = None,
    ) -> None:
        if detail is None:
            detail = http.HTTPStatus(status_code).phrase
        self.status_code = status_code
        self.detail = detail
        self.headers = headers

    def __str__(self) -> str:
        return f"{self.status_code}: {self.detail}"

    def __repr__(self) -> str:
        class_name = self.__class__.__name__
        return f"{class_name}(status_code={self.status_code!r}, detail={self.detail!r})"


class WebSocketException(Exception):
    """Starlette's: closes the WebSocket with `code` and `reason` (before
    it is accepted, the handshake is refused with 403)."""

    def __init__(self, code: int, reason: Optional[str] = None) -> None:
        self.code = code
        self.reason = reason or ""

    def __str__(self) -> str:
        return f"{self.code}: {self.reason}"

    def __repr__(self) -> str:
        class_name = self.__class__.__name__
        return f"{class_name}(code={self.code!r}, reason={self.reason!r})"
