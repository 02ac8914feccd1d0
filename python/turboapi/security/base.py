"""`fastapi.security.base`: the base class of every security scheme. A
scheme keeps its OpenAPI description as its `model`, one of
`fastapi.openapi.models`' (`APIKey`, `HTTPBase`, `OAuth2`, ...); nothing per
request reads it."""

from typing import Any

from ..openapi.models import SecurityBase as SecurityBaseModel
from ..requests import Request


class SecurityBase:
    model: SecurityBaseModel
    scheme_name: str
    auto_error: bool

    async def __call__(self, request: Request) -> Any:
        """As FastAPI's: a coroutine, so that a subclass's own `async def
        __call__` can `await super().__call__(request)`. It never awaits
        anything: the server calls `_resolve` (each scheme's) directly
        when a scheme's `__call__` is this one."""
        return self._resolve(request)

    def _resolve(self, request: Request) -> Any:
        raise NotImplementedError

    def _not_authenticated(self) -> None:
        """No usable credentials: the scheme's 401 (each scheme's
        `make_not_authenticated_error`), or `None` with `auto_error=False`."""
        if self.auto_error:
            raise self.make_not_authenticated_error()
        return None
