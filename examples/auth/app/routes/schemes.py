"""Every scheme of `fastapi.security`, as apps declare them: module-level
instances, an instance created inline, `auto_error=False`, a subclass
that overrides `__call__` and one that inherits it, and `SecurityScopes`
accumulated along a chain of `Security()` calls."""

import secrets
from typing import Annotated, Optional

from fastapi import APIRouter, Depends, HTTPException, Request, Security
from fastapi.security import (
    APIKeyCookie,
    APIKeyHeader,
    APIKeyQuery,
    HTTPAuthorizationCredentials,
    HTTPBasic,
    HTTPBasicCredentials,
    HTTPBearer,
    HTTPDigest,
    OAuth2,
    OAuth2AuthorizationCodeBearer,
    OpenIdConnect,
    SecurityScopes,
)
from fastapi.security.utils import get_authorization_scheme_param

router = APIRouter(prefix="/schemes")

basic = HTTPBasic(realm="store")
bearer = HTTPBearer(auto_error=False)
digest = HTTPDigest()
query_key = APIKeyQuery(name="api_key")
cookie_key = APIKeyCookie(name="session")
header_key = APIKeyHeader(name="X-Key", auto_error=False)
openid = OpenIdConnect(openIdConnectUrl="https://example.com/.well-known/openid-configuration")
code = OAuth2AuthorizationCodeBearer(authorizationUrl="authorize", tokenUrl="token", scopes={"read": "Read."})


class CookieBearer(OAuth2):
    """A bearer token from the `Authorization` header or else a cookie."""

    def __call__(self, request: Request) -> Optional[str]:
        header = request.headers.get("Authorization") or request.cookies.get("access_token")
        scheme, token = get_authorization_scheme_param(header)
        if scheme.lower() != "bearer":
            raise HTTPException(status_code=401, detail="Not authenticated", headers={"WWW-Authenticate": "Bearer"})
        return token


class QuietBearer(HTTPBearer):
    """Inherits `__call__` from HTTPBearer."""


class PrefixedBearer(HTTPBearer):
    """Its own `async def __call__`, awaiting the scheme's."""

    async def __call__(self, request: Request) -> Optional[HTTPAuthorizationCredentials]:
        credentials = await super().__call__(request)
        if credentials is not None and not credentials.credentials.startswith("tk_"):
            raise HTTPException(status_code=403, detail="Tokens start with tk_")
        return credentials


cookie_bearer = CookieBearer()
quiet = QuietBearer(auto_error=False)
prefixed = PrefixedBearer()


@router.get("/basic")
def read_basic(credentials: Annotated[HTTPBasicCredentials, Depends(basic)]):
    good = secrets.compare_digest(credentials.username, "stanley") and secrets.compare_digest(
        credentials.password, "swordfish"
    )
    if not good:
        raise HTTPException(status_code=401, detail="Incorrect username or password", headers={"WWW-Authenticate": "Basic"})
    return {"username": credentials.username}


@router.get("/bearer")
def read_bearer(credentials: Annotated[Optional[HTTPAuthorizationCredentials], Depends(bearer)]):
    if credentials is None:
        return {"anonymous": True}
    return {"scheme": credentials.scheme, "credentials": credentials.credentials}


@router.get("/digest")
def read_digest(credentials: HTTPAuthorizationCredentials = Security(digest)):
    return {"scheme": credentials.scheme, "credentials": credentials.credentials}


@router.get("/keys")
def read_keys(
    key: Annotated[str, Depends(query_key)],
    session: Annotated[str, Depends(cookie_key)],
    extra: Annotated[Optional[str], Depends(header_key)],
):
    return {"key": key, "session": session, "extra": extra}


@router.get("/inline")
def read_inline(key: Annotated[str, Depends(APIKeyHeader(name="X-Inline"))]):
    return {"key": key}


@router.get("/openid")
def read_openid(token: Annotated[str, Depends(openid)]):
    return {"token": token}


@router.get("/code")
def read_code(token: Annotated[str, Security(code, scopes=["read"])]):
    return {"token": token}


@router.get("/cookie-bearer")
def read_cookie_bearer(token: Annotated[str, Depends(cookie_bearer)]):
    return {"token": token}


@router.get("/quiet")
def read_quiet(credentials: Annotated[Optional[HTTPAuthorizationCredentials], Depends(quiet)]):
    return {"credentials": credentials.credentials if credentials else None}


@router.get("/prefixed")
def read_prefixed(credentials: Annotated[HTTPAuthorizationCredentials, Depends(prefixed)]):
    return {"credentials": credentials.credentials}


def remember_key(request: Request, key: Annotated[str, Depends(query_key)]) -> None:
    """Leaves the key on `request.state` for the handler (one `Request` per request)."""
    request.state.key = key


@router.get("/state", dependencies=[Depends(remember_key)])
def read_state(request: Request):
    return {"key": request.state.key}


CALLS: list = []


def scopes_seen(security_scopes: SecurityScopes) -> list:
    CALLS.append(security_scopes.scope_str)
    return security_scopes.scopes


def inner(
    seen: Annotated[list, Security(scopes_seen, scopes=["c", "a"])],
    again: Annotated[list, Depends(scopes_seen)],
) -> dict:
    return {"inner": seen, "inner_plain": again}


@router.get("/scopes")
def read_scopes(
    security_scopes: SecurityScopes,
    nested: Annotated[dict, Security(inner, scopes=["b", "a"])],
    direct: Annotated[list, Security(scopes_seen, scopes=["a", "b", "c"])],
    plain: Annotated[list, Depends(scopes_seen)],
):
    """Scopes accumulate down the chain; the cache is keyed by them for a
    dependable that reads `SecurityScopes` (so `direct` and the nested
    `["b", "a", "c"]` are one cache entry, `plain` and the nested plain one
    another)."""
    calls = list(CALLS)
    CALLS.clear()
    return {"handler": security_scopes.scopes, "nested": nested, "direct": direct, "plain": plain, "calls": calls}
