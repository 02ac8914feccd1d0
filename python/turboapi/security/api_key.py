"""`fastapi.security.api_key`: an API key read from a query parameter, a
header or a cookie; the dependency's result is the key (a string), or a 401
(`None` with `auto_error=False`) when it is missing or empty."""

from typing import Optional

from .._starlette_exceptions import HTTPException
from ..requests import Request
from ..status import HTTP_401_UNAUTHORIZED
from ..openapi.models import APIKey, APIKeyIn
from .base import SecurityBase


class APIKeyBase(SecurityBase):
    model: APIKey

    def __init__(
        self,
        location: APIKeyIn,
        name: str,
        description: Optional[str],
        scheme_name: Optional[str],
        auto_error: bool,
    ):
        self.auto_error = auto_error
        self.model = APIKey(**{"in": location}, name=name, description=description)
        self.scheme_name = scheme_name or self.__class__.__name__

    def make_not_authenticated_error(self) -> HTTPException:
        # Starlette's HTTPException, not FastAPI's subclass, as FastAPI raises
        # it here: an app's handler for FastAPI's class does not see it.
        return HTTPException(
            status_code=HTTP_401_UNAUTHORIZED,
            detail="Not authenticated",
            headers={"WWW-Authenticate": "APIKey"},
        )

    def check_api_key(self, api_key: Optional[str]) -> Optional[str]:
        if not api_key:
            return self._not_authenticated()
        return api_key


class APIKeyQuery(APIKeyBase):
    """The API key in the query parameter `name`."""

    def __init__(
        self,
        *,
        name: str,
        scheme_name: Optional[str] = None,
        description: Optional[str] = None,
        auto_error: bool = True,
    ):
        super().__init__(
            location=APIKeyIn.query,
            name=name,
            scheme_name=scheme_name,
            description=description,
            auto_error=auto_error,
        )

    def _resolve(self, request: Request) -> Optional[str]:
        return self.check_api_key(request.query_params.get(self.model.name))


class APIKeyHeader(APIKeyBase):
    """The API key in the header `name`."""

    def __init__(
        self,
        *,
        name: str,
        scheme_name: Optional[str] = None,
        description: Optional[str] = None,
        auto_error: bool = True,
    ):
        super().__init__(
            location=APIKeyIn.header,
            name=name,
            scheme_name=scheme_name,
            description=description,
            auto_error=auto_error,
        )

    def _resolve(self, request: Request) -> Optional[str]:
        return self.check_api_key(request.headers.get(self.model.name))


class APIKeyCookie(APIKeyBase):
    """The API key in the cookie `name`."""

    def __init__(
        self,
        *,
        name: str,
        scheme_name: Optional[str] = None,
        description: Optional[str] = None,
        auto_error: bool = True,
    ):
        super().__init__(
            location=APIKeyIn.cookie,
            name=name,
            scheme_name=scheme_name,
            description=description,
            auto_error=auto_error,
        )

    def _resolve(self, request: Request) -> Optional[str]:
        return self.check_api_key(request.cookies.get(self.model.name))
