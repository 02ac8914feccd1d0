"""`fastapi.security.open_id_connect_url`: OpenID Connect. Like FastAPI's,
it only checks that an `Authorization` header is present and returns its
whole value; a missing or empty one is a 401 (`None` with
`auto_error=False`)."""

from typing import Optional

from .._starlette_exceptions import HTTPException
from ..requests import Request
from ..status import HTTP_401_UNAUTHORIZED
from ..openapi.models import OpenIdConnect as OpenIdConnectModel
from .base import SecurityBase


class OpenIdConnect(SecurityBase):
    def __init__(
        self,
        *,
        openIdConnectUrl: str,  # noqa: N803 - FastAPI's name
        scheme_name: Optional[str] = None,
        description: Optional[str] = None,
        auto_error: bool = True,
    ):
        self.model = OpenIdConnectModel(openIdConnectUrl=openIdConnectUrl, description=description)
        self.scheme_name = scheme_name or self.__class__.__name__
        self.auto_error = auto_error

    def make_not_authenticated_error(self) -> HTTPException:
        # Starlette's HTTPException, as FastAPI raises here (see api_key.py).
        return HTTPException(
            status_code=HTTP_401_UNAUTHORIZED,
            detail="Not authenticated",
            headers={"WWW-Authenticate": "Bearer"},
        )

    def _resolve(self, request: Request) -> Optional[str]:
        authorization = request.headers.get("Authorization")
        if not authorization:
            return self._not_authenticated()
        return authorization
