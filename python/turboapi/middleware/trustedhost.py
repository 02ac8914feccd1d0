"""`TrustedHostMiddleware`, served by the server in Rust
(`server/middleware/hosts.rs`) with Starlette 1.10's answers; the
constructor (and its checks) is Starlette's."""

from typing import Any, Dict, Optional, Sequence

__all__ = ["TrustedHostMiddleware"]

ENFORCE_DOMAIN_WILDCARD = "Domain wildcard patterns must be like '*.example.com'."


class TrustedHostMiddleware:
    def __init__(self, app: Any, allowed_hosts: Optional[Sequence[str]] = None, www_redirect: bool = True) -> None:
        if allowed_hosts is None:
            allowed_hosts = ["*"]

        for pattern in allowed_hosts:
            assert "*" not in pattern[1:], ENFORCE_DOMAIN_WILDCARD
            if pattern.startswith("*") and pattern != "*":
                assert pattern.startswith("*."), ENFORCE_DOMAIN_WILDCARD
        self.app = app
        self.allowed_hosts = [pattern.lower() for pattern in allowed_hosts]
        self.allow_any = "*" in allowed_hosts
        self.www_redirect = www_redirect

    def native_options(self) -> Dict[str, Any]:
        return {
            "allowed_hosts": list(self.allowed_hosts),
            "allow_any": bool(self.allow_any),
            "www_redirect": bool(self.www_redirect),
        }
