"""The application object and its route decorators.

The app is a router (``routing.APIRouter``): its decorators and
``include_router`` record routes; turbo has already compiled them from the
source, and the server checks at start-up that the app registered the
routes it compiled.
"""

from typing import Any, Callable, Dict, List, Optional

from .datastructures import State
from .middleware import Middleware
from .middleware.base import BaseHTTPMiddleware
from .requests import Request
from .responses import JSONResponse, Response
from .routing import APIRouter, Handler, StarletteRoute


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
        # What FastAPI documents the app with, under FastAPI's attribute names.
        self.title: str = options.get("title", "FastAPI")
        self.summary: Optional[str] = options.get("summary")
        self.description: str = options.get("description", "")
        self.version: str = options.get("version", "0.1.0")
        self.terms_of_service: Optional[str] = options.get("terms_of_service")
        self.contact: Optional[Dict[str, Any]] = options.get("contact")
        self.license_info: Optional[Dict[str, Any]] = options.get("license_info")
        self.openapi_url: Optional[str] = options.get("openapi_url", "/openapi.json")
        self.openapi_tags: Optional[List[Dict[str, Any]]] = options.get("openapi_tags")
        self.root_path_in_servers: bool = options.get("root_path_in_servers", True)
        self.docs_url: Optional[str] = options.get("docs_url", "/docs")
        self.redoc_url: Optional[str] = options.get("redoc_url", "/redoc")
        self.swagger_ui_oauth2_redirect_url: Optional[str] = options.get(
            "swagger_ui_oauth2_redirect_url", "/docs/oauth2-redirect"
        )
        self.swagger_ui_init_oauth: Optional[Dict[str, Any]] = options.get("swagger_ui_init_oauth")
        self.swagger_ui_parameters: Optional[Dict[str, Any]] = options.get("swagger_ui_parameters")
        self.servers: List[Dict[str, Any]] = options.get("servers") or []
        self.separate_input_output_schemas: bool = options.get("separate_input_output_schemas", True)
        self.openapi_external_docs: Optional[Dict[str, Any]] = options.get("openapi_external_docs")
        self.openapi_version: str = "3.1.0"
        self.openapi_schema: Optional[Dict[str, Any]] = None
        self.root_path: str = options.get("root_path", "")
        if self.openapi_url:
            assert self.title, "A title must be provided for OpenAPI, e.g.: 'My API'"
            assert self.version, "A version must be provided for OpenAPI, e.g.: '2.1.0'"
        #: FastAPI's `app.webhooks`: path operations that are only documented.
        self.webhooks: APIRouter = options.get("webhooks") or APIRouter()
        self.setup()

    def openapi(self) -> Dict[str, Any]:
        """FastAPI's: the OpenAPI document, generated the first time and kept
        in `openapi_schema` (an app may replace this method, as FastAPI's
        documentation shows)."""
        if not self.openapi_schema:
            from .openapi.utils import get_openapi

            self.openapi_schema = get_openapi(
                title=self.title,
                version=self.version,
                openapi_version=self.openapi_version,
                summary=self.summary,
                description=self.description,
                terms_of_service=self.terms_of_service,
                contact=self.contact,
                license_info=self.license_info,
                routes=self.routes,
                webhooks=self.webhooks.routes,
                tags=self.openapi_tags,
                servers=self.servers,
                separate_input_output_schemas=self.separate_input_output_schemas,
                external_docs=self.openapi_external_docs,
            )
        return self.openapi_schema

    def setup(self) -> None:
        """FastAPI's: the documentation pages, registered first, as Starlette
        routes (GET and HEAD; no dependencies). turbo compiled them from the
        same options."""
        pages = []
        if self.openapi_url:
            pages.append((self.openapi_url, self._turbo_openapi_page))
            if self.docs_url:
                pages.append((self.docs_url, self._turbo_swagger_ui_page))
                if self.swagger_ui_oauth2_redirect_url:
                    pages.append((self.swagger_ui_oauth2_redirect_url, self._turbo_swagger_ui_redirect_page))
            if self.redoc_url:
                pages.append((self.redoc_url, self._turbo_redoc_page))
        for path, endpoint in pages:
            self._turbo_entries.append(
                StarletteRoute(path, ("GET", "HEAD"), endpoint, {"dependencies": [], "include_in_schema": False})
            )

    async def _turbo_openapi_page(self, req: Request) -> Response:
        root_path = req.scope.get("root_path", "").rstrip("/")
        schema = self.openapi()
        if root_path and self.root_path_in_servers:
            server_urls = {s.get("url") for s in schema.get("servers", [])}
            if root_path not in server_urls:
                schema = dict(schema)
                schema["servers"] = [{"url": root_path}] + schema.get("servers", [])
        return JSONResponse(schema)

    async def _turbo_swagger_ui_page(self, req: Request) -> Response:
        from .openapi import _assets
        from .openapi.docs import get_swagger_ui_html

        root_path = req.scope.get("root_path", "").rstrip("/")
        openapi_url = root_path + (self.openapi_url or "")
        oauth2_redirect_url = self.swagger_ui_oauth2_redirect_url
        if oauth2_redirect_url:
            oauth2_redirect_url = root_path + oauth2_redirect_url
        return get_swagger_ui_html(
            openapi_url=openapi_url,
            title=f"{self.title} - Swagger UI",
            oauth2_redirect_url=oauth2_redirect_url,
            init_oauth=self.swagger_ui_init_oauth,
            swagger_ui_parameters=self.swagger_ui_parameters,
            **_assets.swagger_ui_urls(),
        )

    async def _turbo_swagger_ui_redirect_page(self, req: Request) -> Response:
        from .openapi.docs import get_swagger_ui_oauth2_redirect_html

        return get_swagger_ui_oauth2_redirect_html()

    async def _turbo_redoc_page(self, req: Request) -> Response:
        from .openapi import _assets
        from .openapi.docs import get_redoc_html

        root_path = req.scope.get("root_path", "").rstrip("/")
        openapi_url = root_path + (self.openapi_url or "")
        return get_redoc_html(openapi_url=openapi_url, title=f"{self.title} - ReDoc", **_assets.redoc_urls())

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
