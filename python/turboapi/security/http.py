"""`fastapi.security.http`: HTTP authentication from the `Authorization`
header. `HTTPBasic` gives `HTTPBasicCredentials` (username, password),
`HTTPBearer` and `HTTPDigest` give `HTTPAuthorizationCredentials` (scheme,
credentials); a missing or malformed header is a 401 with the scheme's
`WWW-Authenticate` challenge (`None` with `auto_error=False`, except for a
`Basic` value that does not decode, which is always a 401)."""

import binascii
from base64 import b64decode
from typing import Dict, Optional

from pydantic import BaseModel

from ..exceptions import HTTPException
from ..requests import Request
from ..status import HTTP_401_UNAUTHORIZED
from ..openapi.models import HTTPBase as HTTPBaseModel
from ..openapi.models import HTTPBearer as HTTPBearerModel
from .base import SecurityBase
from .utils import get_authorization_scheme_param


class HTTPBasicCredentials(BaseModel):
    """The username and password `HTTPBasic` read."""

    username: str
    password: str


class HTTPAuthorizationCredentials(BaseModel):
    """The `Authorization` header split at its first space: `scheme` before
    it, `credentials` after it (stripped)."""

    scheme: str
    credentials: str


class HTTPBase(SecurityBase):
    model: HTTPBaseModel

    def __init__(
        self,
        *,
        scheme: str,
        scheme_name: Optional[str] = None,
        description: Optional[str] = None,
        auto_error: bool = True,
    ):
        self.model = HTTPBaseModel(scheme=scheme, description=description)
        self.scheme_name = scheme_name or self.__class__.__name__
        self.auto_error = auto_error

    def make_authenticate_headers(self) -> Dict[str, str]:
        return {"WWW-Authenticate": f"{self.model.scheme.title()}"}

    def make_not_authenticated_error(self) -> HTTPException:
        return HTTPException(
            status_code=HTTP_401_UNAUTHORIZED,
            detail="Not authenticated",
            headers=self.make_authenticate_headers(),
        )

    def _resolve(self, request: Request) -> Optional[HTTPAuthorizationCredentials]:
        return self._credentials(request, None)

    def _credentials(self, request: Request, required: Optional[str]) -> Optional[HTTPAuthorizationCredentials]:
        """The `Authorization` header's scheme and credentials (the scheme,
        any case, must be `required` if given)."""
        authorization = request.headers.get("Authorization")
        scheme, credentials = get_authorization_scheme_param(authorization)
        if not (authorization and scheme and credentials) or (required and scheme.lower() != required):
            return self._not_authenticated()
        return HTTPAuthorizationCredentials(scheme=scheme, credentials=credentials)


class HTTPBasic(HTTPBase):
    """HTTP Basic authentication (RFC 7617)."""

    def __init__(
        self,
        *,
        scheme_name: Optional[str] = None,
        realm: Optional[str] = None,
        description: Optional[str] = None,
        auto_error: bool = True,
    ):
        self.model = HTTPBaseModel(scheme="basic", description=description)
        self.scheme_name = scheme_name or self.__class__.__name__
        self.realm = realm
        self.auto_error = auto_error

    def make_authenticate_headers(self) -> Dict[str, str]:
        if self.realm:
            return {"WWW-Authenticate": f'Basic realm="{self.realm}"'}
        return {"WWW-Authenticate": "Basic"}

    def _resolve(self, request: Request) -> Optional[HTTPBasicCredentials]:  # type: ignore[override]
        authorization = request.headers.get("Authorization")
        scheme, param = get_authorization_scheme_param(authorization)
        if not authorization or scheme.lower() != "basic":
            return self._not_authenticated()
        # A Basic value that does not decode is a 401 even with auto_error=False.
        try:
            data = b64decode(param).decode("ascii")
        except (ValueError, UnicodeDecodeError, binascii.Error) as e:
            raise self.make_not_authenticated_error() from e
        username, separator, password = data.partition(":")
        if not separator:
            raise self.make_not_authenticated_error()
        return HTTPBasicCredentials(username=username, password=password)


class HTTPBearer(HTTPBase):
    """HTTP Bearer token authentication."""

    def __init__(
        self,
        *,
        bearerFormat: Optional[str] = None,  # noqa: N803 - FastAPI's name
        scheme_name: Optional[str] = None,
        description: Optional[str] = None,
        auto_error: bool = True,
    ):
        self.model = HTTPBearerModel(bearerFormat=bearerFormat, description=description)
        self.scheme_name = scheme_name or self.__class__.__name__
        self.auto_error = auto_error

    def _resolve(self, request: Request) -> Optional[HTTPAuthorizationCredentials]:
        return self._credentials(request, "bearer")


class HTTPDigest(HTTPBase):
    """HTTP Digest authentication: only the header's scheme is checked (a
    stub to subclass, as in FastAPI)."""

    def __init__(
        self,
        *,
        scheme_name: Optional[str] = None,
        description: Optional[str] = None,
        auto_error: bool = True,
    ):
        self.model = HTTPBaseModel(scheme="digest", description=description)
        self.scheme_name = scheme_name or self.__class__.__name__
        self.auto_error = auto_error

    def _resolve(self, request: Request) -> Optional[HTTPAuthorizationCredentials]:
        return self._credentials(request, "digest")
