"""Exceptions a handler raises to produce an HTTP error response."""

from typing import Any, Dict, Optional, Sequence

from ._starlette_exceptions import HTTPException as StarletteHTTPException
from ._starlette_exceptions import WebSocketException as StarletteWebSocketException


class HTTPException(StarletteHTTPException):
    """FastAPI's ``HTTPException``: Starlette's, as handlers raise it.

    The server answers it with ``{"detail": detail}`` (or no body for 1xx,
    204 and 304), the given status and the given headers, as FastAPI does.
    Routing and form errors raise Starlette's base class, so an app handler
    registered for this class does not see them, as in FastAPI.
    """


class WebSocketException(StarletteWebSocketException):
    """FastAPI's: closes the WebSocket with its code and reason."""


class ValidationException(Exception):
    """Base of FastAPI's validation errors: `errors()` lists pydantic-style dicts."""

    def __init__(self, errors: Sequence[Any], *, endpoint_ctx: Optional[Dict[str, Any]] = None) -> None:
        self._errors = errors
        self.endpoint_ctx = endpoint_ctx

    def errors(self) -> Sequence[Any]:
        return self._errors

    def __str__(self) -> str:
        message = f"{len(self._errors)} validation error{'s' if len(self._errors) != 1 else ''}:\n"
        for err in self._errors:
            message += f"  {err}\n"
        return message.rstrip()


class RequestValidationError(ValidationException):
    """The request's parameters did not validate; `body` is what was received."""

    def __init__(self, errors: Sequence[Any], *, body: Any = None, endpoint_ctx: Optional[Dict[str, Any]] = None) -> None:
        super().__init__(errors, endpoint_ctx=endpoint_ctx)
        self.body = body


class ResponseValidationError(ValidationException):
    """The handler's return value did not match its response model: a 500."""

    def __init__(self, errors: Sequence[Any], *, body: Any = None, endpoint_ctx: Optional[Dict[str, Any]] = None) -> None:
        super().__init__(errors, endpoint_ctx=endpoint_ctx)
        self.body = body


class FastAPIError(RuntimeError):
    """A generic, FastAPI-specific error (raised when an app is set up wrongly)."""


class WebSocketRequestValidationError(ValidationException):
    """A WebSocket route's parameters did not validate: FastAPI closes the
    WebSocket with 1008 (before it is accepted: the handshake gets 403)."""

    def __init__(self, errors: Sequence[Any], *, endpoint_ctx: Optional[Dict[str, Any]] = None) -> None:
        super().__init__(errors, endpoint_ctx=endpoint_ctx)


class FastAPIDeprecationWarning(UserWarning):
    """FastAPI's warning for deprecated options (`example=`, `regex=`): a
    `UserWarning`, as `DeprecationWarning`s are hidden by default."""
