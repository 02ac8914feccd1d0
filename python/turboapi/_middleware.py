"""The app's middleware as the server serves it.

`app.user_middleware` is Starlette's list, outermost first (`add_middleware`
inserts at the front). The server implements some middleware natively;
`stack` turns the declarations into their options for it, and runs of any
other middleware into Python ASGI apps around the rest of the app
(`_asgi`).
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


def stack(app: Any, dispatch: Any) -> List[Tuple[str, Any]]:
    """The server's stack, outermost first: `(kind, options)` for each
    middleware it serves natively, and `("python", layer)` for each run of
    other middleware (an ASGI app wrapping `_asgi.NativeApp`, which hands
    the request back to the server at the next position through the
    server's `dispatch`)."""
    from . import _asgi

    entries: List[Tuple[str, Any]] = []
    run: List[Any] = []

    def close_run() -> None:
        if run:
            position = len(entries) + 1
            inner = _asgi.NativeApp(position, dispatch)
            entries.append(("python", _asgi.build_layer(list(run), inner)))
            run.clear()

    for middleware in app.user_middleware:
        cls, args, kwargs = middleware
        kind = NATIVE.get(cls)
        if kind is None:
            run.append((cls, args, kwargs))
            continue
        close_run()
        # Built as Starlette builds it (`cls(app=..., *args, **kwargs)`):
        # a wrong option fails here, at start-up.
        instance = cls(None, *args, **kwargs)
        entries.append((kind, instance.native_options()))
    close_run()
    return entries
