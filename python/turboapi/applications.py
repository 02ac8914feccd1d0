"""The application object and its route decorators.

The app is a router (``routing.APIRouter``): its decorators and
``include_router`` record routes; turbo has already compiled them from the
source, and the server checks at start-up that the app registered the
routes it compiled.
"""

from typing import Any, Callable, Dict, List

from .datastructures import State
from .middleware import Middleware
from .middleware.base import BaseHTTPMiddleware
from .routing import APIRouter, Handler


class FastAPI(APIRouter):
    """Accepts FastAPI's constructor arguments; turbo reads them statically."""

    def __init__(self, **options: Any) -> None:
        super().__init__(
            default_response_class=options.get("default_response_class"),
            dependencies=options.get("dependencies"),
            on_startup=options.get("on_startup"),
            on_shutdown=options.get("on_shutdown"),
            lifespan=options.get("lifespan"),
        )
        self._turbo_options = options
        #: `app.state`, Starlette's.
        self.state = State()
        #: Starlette's `user_middleware`, outermost first; the server serves
        #: it (`turboapi._middleware`).
        self.user_middleware: List[Middleware] = list(options.get("middleware") or [])
        #: FastAPI's `dependency_overrides`: the server applies what is set
        #: here when it starts serving (original dependable → replacement).
        self.dependency_overrides: Dict[Callable[..., Any], Callable[..., Any]] = {}
        #: `@app.exception_handler(...)` registrations: class or status code → handler.
        self._turbo_exception_handlers: Dict[Any, Callable[..., Any]] = dict(options.get("exception_handlers") or {})

    def exception_handler(self, exc_class_or_status_code: Any) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            self._turbo_exception_handlers[exc_class_or_status_code] = handler
            return handler

        return register

    def add_exception_handler(self, exc_class_or_status_code: Any, handler: Callable[..., Any]) -> None:
        self._turbo_exception_handlers[exc_class_or_status_code] = handler

    def add_middleware(self, middleware_class: Any, *args: Any, **kwargs: Any) -> None:
        # Starlette's: the last one added is the outermost.
        self.user_middleware.insert(0, Middleware(middleware_class, *args, **kwargs))

    def middleware(self, middleware_type: str) -> Callable[[Handler], Handler]:
        assert middleware_type == "http", 'Currently only middleware("http") is supported.'

        def register(func: Handler) -> Handler:
            self.add_middleware(BaseHTTPMiddleware, dispatch=func)
            return func

        return register

    @property
    def add_event_handler(self) -> Any:
        # FastAPI's app has none (its router has): the same AttributeError.
        raise AttributeError(f"'{type(self).__name__}' object has no attribute 'add_event_handler'")

    @property
    def router(self) -> "_AppRouter":
        """FastAPI's `app.router` (`app.router.lifespan_context`, ...)."""
        return _AppRouter(self)

    def __call__(self, scope: Any, receive: Any, send: Any) -> Any:
        raise RuntimeError(
            "this app is compiled by turbo and cannot be served by an ASGI server; "
            "run `turbo build app.py -o server` and start ./server"
        )


class _AppRouter:
    """`app.router`: FastAPI keeps an app's routes and lifespan on a router
    of its own; here the app is that router, so this view forwards to it,
    with the router's `add_event_handler`, which FastAPI's app lacks."""

    def __init__(self, app: FastAPI) -> None:
        object.__setattr__(self, "_app", app)

    def add_event_handler(self, event_type: str, func: Callable[..., Any]) -> None:
        APIRouter.add_event_handler(self._app, event_type, func)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._app, name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._app, name, value)


class TurboAPI(FastAPI):
    """The same application object under turbo's own name."""
