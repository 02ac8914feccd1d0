"""`fastapi.security.oauth2`: OAuth2. `OAuth2PasswordBearer` and
`OAuth2AuthorizationCodeBearer` return the token of an `Authorization:
Bearer` header (`OAuth2` itself the whole header value), else a 401 with
`WWW-Authenticate: Bearer` (`None` with `auto_error=False`);
`OAuth2PasswordRequestForm` is the password flow's form as a class
dependency; `SecurityScopes` lists the scopes a route requires."""

from typing import Annotated, Any, Dict, Optional, Union, cast

from .._security_scopes import SecurityScopes as SecurityScopes
from ..exceptions import HTTPException
from ..openapi.models import OAuth2 as OAuth2Model
from ..openapi.models import OAuthFlows as OAuthFlowsModel
from ..params import Form
from ..requests import Request
from ..status import HTTP_401_UNAUTHORIZED
from .base import SecurityBase
from .utils import get_authorization_scheme_param


class OAuth2PasswordRequestForm:
    """The OAuth2 password flow's form: `username`, `password`, and optional
    `grant_type` (only "password"), `scope` (space-separated, read as the
    list `scopes`), `client_id` and `client_secret`."""

    def __init__(
        self,
        *,
        grant_type: Annotated[Optional[str], Form(pattern="^password$")] = None,
        username: Annotated[str, Form()],
        password: Annotated[str, Form(json_schema_extra={"format": "password"})],
        scope: Annotated[str, Form()] = "",
        client_id: Annotated[Optional[str], Form()] = None,
        client_secret: Annotated[Optional[str], Form(json_schema_extra={"format": "password"})] = None,
    ):
        self.grant_type = grant_type
        self.username = username
        self.password = password
        self.scopes = scope.split()
        self.client_id = client_id
        self.client_secret = client_secret


class OAuth2PasswordRequestFormStrict(OAuth2PasswordRequestForm):
    """The same form with `grant_type` required (and "password")."""

    def __init__(
        self,
        grant_type: Annotated[str, Form(pattern="^password$")],
        username: Annotated[str, Form()],
        password: Annotated[str, Form()],
        scope: Annotated[str, Form()] = "",
        client_id: Annotated[Optional[str], Form()] = None,
        client_secret: Annotated[Optional[str], Form()] = None,
    ):
        super().__init__(
            grant_type=grant_type,
            username=username,
            password=password,
            scope=scope,
            client_id=client_id,
            client_secret=client_secret,
        )


class OAuth2(SecurityBase):
    """OAuth2 with the given flows; the result is the raw `Authorization` value."""

    def __init__(
        self,
        *,
        flows: Union[OAuthFlowsModel, Dict[str, Dict[str, Any]]] = OAuthFlowsModel(),
        scheme_name: Optional[str] = None,
        description: Optional[str] = None,
        auto_error: bool = True,
    ):
        self.model = OAuth2Model(flows=cast(OAuthFlowsModel, flows), description=description)
        self.scheme_name = scheme_name or self.__class__.__name__
        self.auto_error = auto_error

    def make_not_authenticated_error(self) -> HTTPException:
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

    def _bearer_token(self, request: Request) -> Optional[str]:
        """The token of an `Authorization: Bearer <token>` header (the
        scheme in any case)."""
        authorization = request.headers.get("Authorization")
        scheme, param = get_authorization_scheme_param(authorization)
        if not authorization or scheme.lower() != "bearer":
            return self._not_authenticated()
        return param


class OAuth2PasswordBearer(OAuth2):
    """OAuth2 password flow, the token from `Authorization: Bearer <token>`."""

    def __init__(
        self,
        tokenUrl: str,  # noqa: N803 - FastAPI's names
        scheme_name: Optional[str] = None,
        scopes: Optional[Dict[str, str]] = None,
        description: Optional[str] = None,
        auto_error: bool = True,
        refreshUrl: Optional[str] = None,  # noqa: N803
    ):
        if not scopes:
            scopes = {}
        flows = OAuthFlowsModel(
            password=cast(Any, {"tokenUrl": tokenUrl, "refreshUrl": refreshUrl, "scopes": scopes})
        )
        super().__init__(flows=flows, scheme_name=scheme_name, description=description, auto_error=auto_error)

    def _resolve(self, request: Request) -> Optional[str]:
        return self._bearer_token(request)


class OAuth2AuthorizationCodeBearer(OAuth2):
    """OAuth2 authorization code flow, the token from `Authorization: Bearer <token>`."""

    def __init__(
        self,
        authorizationUrl: str,  # noqa: N803 - FastAPI's names
        tokenUrl: str,  # noqa: N803
        refreshUrl: Optional[str] = None,  # noqa: N803
        scheme_name: Optional[str] = None,
        scopes: Optional[Dict[str, str]] = None,
        description: Optional[str] = None,
        auto_error: bool = True,
    ):
        if not scopes:
            scopes = {}
        flows = OAuthFlowsModel(
            authorizationCode=cast(
                Any,
                {
                    "authorizationUrl": authorizationUrl,
                    "tokenUrl": tokenUrl,
                    "refreshUrl": refreshUrl,
                    "scopes": scopes,
                },
            )
        )
        super().__init__(flows=flows, scheme_name=scheme_name, description=description, auto_error=auto_error)

    def _resolve(self, request: Request) -> Optional[str]:
        return self._bearer_token(request)
