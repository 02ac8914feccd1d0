"""The application object and its route decorators.

The decorators do not build a router: turbo has already compiled the routes
from the source. They append the handler to ``app._turbo_handlers`` in
declaration order so the server can pick up the exact function objects
(and check they are the ones it compiled) without looking names up.
"""

from typing import Any, Callable, Dict, List, Optional, Sequence, TypeVar

Handler = TypeVar("Handler", bound=Callable[..., Any])


class FastAPI:
    """Accepts FastAPI's constructor arguments; turbo reads them statically."""

    def __init__(self, **options: Any) -> None:
        self._turbo_options = options
        self._turbo_handlers: List[Callable[..., Any]] = []
        #: The decorator's keyword arguments per handler (response_model=, ...).
        self._turbo_route_options: List[Dict[str, Any]] = []
        #: `@app.exception_handler(...)` registrations: class or status code → handler.
        self._turbo_exception_handlers: Dict[Any, Callable[..., Any]] = {}

    def _route(self, path: str, methods: Sequence[str], **options: Any) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            self._turbo_handlers.append(handler)
            self._turbo_route_options.append(options)
            return handler

        return register

    def exception_handler(self, exc_class_or_status_code: Any) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            self._turbo_exception_handlers[exc_class_or_status_code] = handler
            return handler

        return register

    def add_exception_handler(self, exc_class_or_status_code: Any, handler: Callable[..., Any]) -> None:
        self._turbo_exception_handlers[exc_class_or_status_code] = handler

    def api_route(self, path: str, *, methods: Optional[Sequence[str]] = None, **options: Any):
        return self._route(path, methods or ["GET"], **options)

    def get(self, path: str, **options: Any):
        return self._route(path, ["GET"], **options)

    def put(self, path: str, **options: Any):
        return self._route(path, ["PUT"], **options)

    def post(self, path: str, **options: Any):
        return self._route(path, ["POST"], **options)

    def delete(self, path: str, **options: Any):
        return self._route(path, ["DELETE"], **options)

    def options(self, path: str, **options: Any):
        return self._route(path, ["OPTIONS"], **options)

    def head(self, path: str, **options: Any):
        return self._route(path, ["HEAD"], **options)

    def patch(self, path: str, **options: Any):
        return self._route(path, ["PATCH"], **options)

    def __call__(self, scope: Any, receive: Any, send: Any) -> Any:
        raise RuntimeError(
            "this app is compiled by turbo and cannot be served by an ASGI server; "
            "run `turbo build app.py -o server` and start ./server"
        )


class TurboAPI(FastAPI):
    """The same application object under turbo's own name."""
