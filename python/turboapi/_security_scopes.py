"""`fastapi.security.SecurityScopes` (`fastapi.security.oauth2` re-exports
it). Kept out of the `security` package so that the server can make one
(for a `SecurityScopes` parameter) without importing every scheme and the
OpenAPI models they describe themselves with, which an app that uses no
scheme would pay for at start-up."""

from typing import List, Optional


class SecurityScopes:
    """The scopes every `Security()` dependency up to this one requires:
    `scopes` (a list) and `scope_str` (space-separated)."""

    def __init__(self, scopes: Optional[List[str]] = None):
        self.scopes: List[str] = scopes or []
        self.scope_str: str = " ".join(self.scopes)
