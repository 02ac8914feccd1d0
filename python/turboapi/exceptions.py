"""Exceptions a handler raises to produce an HTTP error response."""

import http
from typing import Any, Dict, Optional


class HTTPException(Exception):
    """Same constructor and attributes as ``fastapi.HTTPException``.

    The server answers it with ``{"detail": detail}`` (or no body for 1xx,
    204 and 304), the given status and the given headers, as FastAPI does.
    """

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
