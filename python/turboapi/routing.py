"""Routers: ``APIRouter``, the route decorators and ``include_router``.

The decorators do not build a matcher: turbo has compiled the routes from
the source. They record each route (path, methods, endpoint, options) and
each inclusion, so that at start-up the server can list the routes the app
really registered, in FastAPI's matching order, and check them against the
compiled table (``effective_routes``). The prefix checks and the
``include_router`` errors are FastAPI 0.165's, with its messages.
"""

from typing import Any, Callable, Iterator, List, NamedTuple, Optional, Sequence, Tuple, TypeVar, Union

from . import _lifespan

Handler = TypeVar("Handler", bound=Callable[..., Any])


class APIRoute(NamedTuple):
    """One registered route: its path as declared on its router (the
    router's own prefix joined), methods, endpoint and decorator options;
    in `effective_routes`, also the application serving it and the path it
    is mounted at (a mounted FastAPI app's routes)."""

    path: str
    methods: Tuple[str, ...]
    endpoint: Callable[..., Any]
    options: dict
    app: Any = None
    mount: str = ""


class StarletteRoute(APIRoute):
    """A route added with Starlette's `add_route` (FastAPI's documentation
    pages): not a path operation, so not in the schema."""

    __slots__ = ()


def _mount_boundary() -> None:
    """The endpoint of a mounted FastAPI application's boundary: what its
    routes do not match under its path is its own 404 or 405 (never an
    outer route's), which the server answers without calling this."""


class _Mount(NamedTuple):
    """`mount(path, app, name=None)`: Starlette's `Mount`."""

    path: str
    app: Any
    name: Optional[str]


class _Inclusion(NamedTuple):
    router: "APIRouter"
    prefix: str
    options: dict


def _check_prefix(prefix: str) -> None:
    if prefix:
        assert prefix.startswith("/"), "A path prefix must start with '/'"
        assert not prefix.endswith("/"), "A path prefix must not end with '/', as the routes will start with '/'"


class APIRouter:
    """Accepts FastAPI's ``APIRouter`` arguments; turbo reads them statically."""

    def __init__(
        self,
        *,
        prefix: str = "",
        default_response_class: Any = None,
        dependencies: Optional[Sequence[Any]] = None,
        on_startup: Optional[Sequence[Callable[[], Any]]] = None,
        on_shutdown: Optional[Sequence[Callable[[], Any]]] = None,
        lifespan: Optional[Callable[..., Any]] = None,
        **options: Any,
    ) -> None:
        _check_prefix(prefix)
        self.prefix = prefix
        self.default_response_class = default_response_class
        self.dependencies = list(dependencies or [])
        self.on_startup: List[Callable[[], Any]] = list(on_startup or [])
        self.on_shutdown: List[Callable[[], Any]] = list(on_shutdown or [])
        self.lifespan_context = _lifespan.context_of(self, lifespan)
        self._turbo_options = options
        #: Routes and inclusions, in the order they were added.
        self._turbo_entries: List[Union[APIRoute, _Inclusion, _Mount]] = []

    @property
    def routes(self) -> List[Any]:
        """FastAPI's `router.routes` as `get_openapi(routes=...)` and
        `callbacks=` read them: the router's path operations, with its
        inclusions flattened (`openapi._routes.RouteContext`)."""
        from .openapi._routes import route_contexts

        return list(route_contexts(self))

    def add_api_route(
        self,
        path: str,
        endpoint: Callable[..., Any],
        *,
        methods: Optional[Sequence[str]] = None,
        **options: Any,
    ) -> None:
        methods = tuple(m.upper() for m in (methods or ["GET"]))
        # FastAPI copies the router's dependencies into the route when it is added.
        options = {**options, "dependencies": [*self.dependencies, *(options.get("dependencies") or [])]}
        self._turbo_entries.append(APIRoute(self.prefix + path, methods, endpoint, options))

    def mount(self, path: str, app: Any, name: Optional[str] = None) -> None:
        """Starlette's `Router.mount`; the server serves `StaticFiles`."""
        assert path == "" or path.startswith("/"), "Routed paths must start with '/'"
        self._turbo_entries.append(_Mount(path.rstrip("/"), app, name))

    def api_route(self, path: str, *, methods: Optional[Sequence[str]] = None, **options: Any):
        def register(handler: Handler) -> Handler:
            self.add_api_route(path, handler, methods=methods, **options)
            return handler

        return register

    def get(self, path: str, **options: Any):
        return self.api_route(path, methods=["GET"], **options)

    def put(self, path: str, **options: Any):
        return self.api_route(path, methods=["PUT"], **options)

    def post(self, path: str, **options: Any):
        return self.api_route(path, methods=["POST"], **options)

    def delete(self, path: str, **options: Any):
        return self.api_route(path, methods=["DELETE"], **options)

    def options(self, path: str, **options: Any):
        return self.api_route(path, methods=["OPTIONS"], **options)

    def head(self, path: str, **options: Any):
        return self.api_route(path, methods=["HEAD"], **options)

    def patch(self, path: str, **options: Any):
        return self.api_route(path, methods=["PATCH"], **options)

    def trace(self, path: str, **options: Any):
        return self.api_route(path, methods=["TRACE"], **options)

    def add_api_websocket_route(
        self, path: str, endpoint: Callable[..., Any], name: Optional[str] = None, **options: Any
    ) -> None:
        # Listed under turbo's WebSocket pseudo-method (`turbo_contract::WEBSOCKET`).
        options = {**options, "name": name, "dependencies": [*self.dependencies, *(options.get("dependencies") or [])]}
        self._turbo_entries.append(APIRoute(self.prefix + path, ("WEBSOCKET",), endpoint, options))

    def websocket(self, path: str, name: Optional[str] = None, **options: Any):
        def register(handler: Handler) -> Handler:
            self.add_api_websocket_route(path, handler, name=name, **options)
            return handler

        return register

    def add_event_handler(self, event_type: str, func: Callable[[], Any]) -> None:
        assert event_type in ("startup", "shutdown")
        if event_type == "startup":
            self.on_startup.append(func)
        else:
            self.on_shutdown.append(func)

    def on_event(self, event_type: str) -> Callable[[Handler], Handler]:
        def register(func: Handler) -> Handler:
            APIRouter.add_event_handler(self, event_type, func)
            return func

        return register

    def include_router(self, router: "APIRouter", *, prefix: str = "", **options: Any) -> None:
        if router is self:
            raise AssertionError(
                "Cannot include the same APIRouter instance into itself. "
                "Did you mean to include a different router?"
            )
        if _includes(router, self):
            raise AssertionError(
                "Cannot include an APIRouter instance that already includes this router. "
                "Router inclusion cycles are not allowed."
            )
        _check_prefix(prefix)
        if not prefix:
            for route in _routes(router, ""):
                if not route.path:
                    from .exceptions import FastAPIError

                    raise FastAPIError(
                        f"Prefix and path cannot be both empty (path operation: {route.endpoint.__name__})"
                    )
        self._turbo_entries.append(_Inclusion(router, prefix, options))
        # FastAPI's: the router's event handlers join this one's, and its
        # lifespan runs inside this one's.
        self.on_startup.extend(router.on_startup)
        self.on_shutdown.extend(router.on_shutdown)
        self.lifespan_context = _lifespan.merge(self.lifespan_context, router.lifespan_context)


def _includes(router: APIRouter, target: APIRouter) -> bool:
    for entry in router._turbo_entries:
        if isinstance(entry, _Inclusion) and (entry.router is target or _includes(entry.router, target)):
            return True
    return False


def _routes(
    router: APIRouter,
    prefix: str,
    outer_classes: Tuple[Any, ...] = (),
    outer_dependencies: Sequence[Any] = (),
    app: Any = None,
    mount: str = "",
) -> Iterator[APIRoute]:
    """The routes of `router` with `prefix` joined; `outer_classes` are the
    `default_response_class` values of the inclusions and routers above,
    innermost first; `outer_dependencies` what the inclusions above add
    before a route's own dependencies (each inclusion: its parent router's,
    then its own `dependencies=`), outermost first; `app` serves them,
    mounted at `mount`."""
    classes = (router.default_response_class, *outer_classes)
    for entry in router._turbo_entries:
        if isinstance(entry, _Inclusion):
            inner = (entry.options.get("default_response_class"), *classes)
            dependencies = [*outer_dependencies, *router.dependencies, *(entry.options.get("dependencies") or [])]
            yield from _routes(entry.router, prefix + router.prefix + entry.prefix, inner, dependencies, app, mount)
        elif isinstance(entry, _Mount) and hasattr(entry.app, "_turbo_exception_handlers"):
            # A FastAPI application: its routes in place (Starlette's Mount
            # tries them there), with nothing of the outer app's, then its
            # boundary.
            inner_mount = mount + entry.path
            yield from _routes(entry.app, prefix + entry.path, (), (), entry.app, inner_mount)
            yield APIRoute(prefix + entry.path + "/{path:path}", (), _mount_boundary, {"dependencies": []},
                           entry.app, inner_mount)
        elif isinstance(entry, _Mount):
            # The compiled route: the mount path and everything below it,
            # every method, served by the mounted app's endpoint.
            from . import _asgi
            from .staticfiles import StaticFiles

            if isinstance(entry.app, StaticFiles):
                endpoint = entry.app._turbo_serve
            else:
                endpoint = _asgi.Mounted(entry.app, entry.path)._turbo_serve
            yield APIRoute(prefix + entry.path + "/{path:path}", (), endpoint, {"dependencies": []}, app, mount)
        else:
            options = _with_response_class(entry.options, classes)
            if outer_dependencies:
                options = {**options, "dependencies": [*outer_dependencies, *options["dependencies"]]}
            yield entry._replace(path=prefix + entry.path, options=options, app=app, mount=mount)


def _with_response_class(options: dict, classes: Tuple[Any, ...]) -> dict:
    """FastAPI 0.165's response class of a route: its own `response_class`,
    else the first `default_response_class` set from the inside out (its
    router, that router's inclusion, the parent router, ...)."""
    if options.get("response_class") is not None:
        return options
    for response_class in classes:
        if response_class is not None:
            return {**options, "response_class": response_class}
    return options


def effective_routes(app: APIRouter) -> List[APIRoute]:
    """Every route the app serves, with its full path, in FastAPI's matching
    order: included routers are flattened depth-first where they were
    included, as they are now (routes added after inclusion count)."""
    return list(_routes(app, "", app=app))
