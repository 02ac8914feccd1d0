"""`HTTPSRedirectMiddleware`, served by the server in Rust
(`server/middleware/hosts.rs`) with Starlette 1.10's answers."""

from typing import Any, Dict

__all__ = ["HTTPSRedirectMiddleware"]


class HTTPSRedirectMiddleware:
    def __init__(self, app: Any) -> None:
        self.app = app

    def native_options(self) -> Dict[str, Any]:
        return {}
