"""The app's middleware as the server serves it.

`app.user_middleware` is Starlette's list, outermost first (`add_middleware`
inserts at the front). The server implements some middleware natively;
`native_stack` turns the declarations into their options for it and
refuses, with one clear error, what it does not serve yet.
"""

from typing import Any, List, Tuple

from .middleware.cors import CORSMiddleware
from .middleware.gzip import GZipMiddleware
from .middleware.httpsredirect import HTTPSRedirectMiddleware
from .middleware.trustedhost import TrustedHostMiddleware

#: What the server implements natively, by class.
NATIVE = {
    CORSMiddleware: "cors",
    GZipMiddleware: "gzip",
    TrustedHostMiddleware: "trusted_host",
    HTTPSRedirectMiddleware: "https_redirect",
}


def native_stack(app: Any) -> List[Tuple[str, Any]]:
    """(kind, options) for each middleware of `app`, outermost first."""
    stack = []
    for middleware in app.user_middleware:
        cls, args, kwargs = middleware
        kind = NATIVE.get(cls)
        if kind is None:
            name = getattr(cls, "__qualname__", repr(cls))
            module = getattr(cls, "__module__", "")
            what = "an @app.middleware(\"http\") function" if name == "BaseHTTPMiddleware" else f"{module}.{name}"
            raise TypeError(f"turbo does not serve {what} yet (serves: {', '.join(sorted(cls.__name__ for cls in NATIVE))})")
        # Built as Starlette builds it (`cls(app=..., *args, **kwargs)`):
        # a wrong option fails here, at start-up.
        instance = cls(None, *args, **kwargs)
        stack.append((kind, instance.native_options()))
    return stack
