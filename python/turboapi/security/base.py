"""`fastapi.security.base`: the base class of every security scheme, and the
OpenAPI security-scheme models (`fastapi.openapi.models`' `APIKey`,
`HTTPBase`, `HTTPBearer`, `OAuth2`, `OAuthFlows`, `OpenIdConnect`...) a scheme
keeps as its `model`, with FastAPI's field names, aliases and defaults.
Nothing per request reads them; they only describe the scheme."""

from enum import Enum
from typing import Any, Dict, Literal, Optional

from pydantic import BaseModel, Field

from ..requests import Request


class BaseModelWithConfig(BaseModel):
    model_config = {"extra": "allow"}


class SecuritySchemeType(Enum):
    apiKey = "apiKey"
    http = "http"
    oauth2 = "oauth2"
    openIdConnect = "openIdConnect"


class SecurityBaseModel(BaseModelWithConfig):
    """`fastapi.openapi.models.SecurityBase`."""

    type_: SecuritySchemeType = Field(alias="type")
    description: Optional[str] = None


class APIKeyIn(Enum):
    query = "query"
    header = "header"
    cookie = "cookie"


class APIKey(SecurityBaseModel):
    type_: SecuritySchemeType = Field(default=SecuritySchemeType.apiKey, alias="type")
    in_: APIKeyIn = Field(alias="in")
    name: str


class HTTPBase(SecurityBaseModel):
    type_: SecuritySchemeType = Field(default=SecuritySchemeType.http, alias="type")
    scheme: str


class HTTPBearer(HTTPBase):
    scheme: Literal["bearer"] = "bearer"
    bearerFormat: Optional[str] = None


class OAuthFlow(BaseModelWithConfig):
    refreshUrl: Optional[str] = None
    scopes: Dict[str, str] = {}


class OAuthFlowImplicit(OAuthFlow):
    authorizationUrl: str


class OAuthFlowPassword(OAuthFlow):
    tokenUrl: str


class OAuthFlowClientCredentials(OAuthFlow):
    tokenUrl: str


class OAuthFlowAuthorizationCode(OAuthFlow):
    authorizationUrl: str
    tokenUrl: str


class OAuthFlows(BaseModelWithConfig):
    implicit: Optional[OAuthFlowImplicit] = None
    password: Optional[OAuthFlowPassword] = None
    clientCredentials: Optional[OAuthFlowClientCredentials] = None
    authorizationCode: Optional[OAuthFlowAuthorizationCode] = None


class OAuth2(SecurityBaseModel):
    type_: SecuritySchemeType = Field(default=SecuritySchemeType.oauth2, alias="type")
    flows: OAuthFlows


class OpenIdConnect(SecurityBaseModel):
    type_: SecuritySchemeType = Field(default=SecuritySchemeType.openIdConnect, alias="type")
    openIdConnectUrl: str


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
