"""The routes an application documents, as FastAPI 0.165 sees them.

turbo's routers record what each decorator and `include_router` was given
(`turboapi.routing`); FastAPI builds, for every path operation, a route
object (`APIRoute`, or an `_EffectiveRouteContext` for one reached through
`include_router`) whose attributes the schema is generated from. This
module builds those objects from the records: `RouteContext` ports
`_populate_api_route_state`, and `route_contexts` walks inclusions with
`_RouterIncludeContext`'s rules for combining what routers and inclusions
add (prefix, tags, dependencies, responses, callbacks, deprecation,
`include_in_schema`, the response class and `generate_unique_id_function`).
An application's mounts are not part of its schema, as in FastAPI.
"""

import inspect
import re
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any, Callable, Iterator, List

from ..responses import JSONResponse, Response
from ..sse import EventSourceResponse, ServerSentEvent
from ._dependant import (
    _get_body_field,
    _get_flat_body_params,
    _is_async_gen_callable,
    _is_gen_callable,
    _should_embed_body_fields,
    create_model_field,
    get_dependant,
    get_parameterless_sub_dependant,
    get_stream_item_type,
    get_typed_return_annotation,
)
from ._fields import Default, DefaultPlaceholder, lenient_issubclass


def generate_unique_id(route: "RouteContext") -> str:
    """`fastapi.routing.generate_unique_id`: the default operation id."""
    operation_id = f"{route.name}{route.path_format}"
    operation_id = re.sub(r"\W", "_", operation_id)
    assert route.methods
    operation_id = f"{operation_id}_{list(route.methods)[0].lower()}"
    return operation_id


def get_value_or_default(first_item: Any, *extra_items: Any) -> Any:
    """`fastapi.utils.get_value_or_default`: the first item that is not a default."""
    for item in (first_item, *extra_items):
        if not isinstance(item, DefaultPlaceholder):
            return item
    return first_item


def is_body_allowed_for_status_code(status_code: Any) -> bool:
    """`fastapi.utils.is_body_allowed_for_status_code`."""
    if status_code is None:
        return True
    if status_code in {"default", "1XX", "2XX", "3XX", "4XX", "5XX"}:
        return True
    current_status_code = int(status_code)
    return not (current_status_code < 200 or current_status_code in {204, 205, 304})


_PATH_PARAM = re.compile(r"{([a-zA-Z_][a-zA-Z0-9_]*)(:[a-zA-Z_][a-zA-Z0-9_]*)?}")


def path_format(path: str) -> str:
    """Starlette's `compile_path(path)[1]`: the path with `{name:convertor}`
    written `{name}`."""
    return _PATH_PARAM.sub(lambda match: "{" + match.group(1) + "}", path)


def _router_option(router: Any, name: str, default: Any) -> Any:
    """What an `APIRouter(...)` (or a `FastAPI(...)`, for its router) was given."""
    value = router._turbo_options.get(name)
    return default if value is None else value


@dataclass
class IncludeContext:
    """FastAPI's `_RouterIncludeContext`: what the inclusions above a router add."""

    prefix: str = ""
    tags: List[Any] = field(default_factory=list)
    dependencies: List[Any] = field(default_factory=list)
    default_response_class: Any = field(default_factory=lambda: Default(JSONResponse))
    responses: dict = field(default_factory=dict)
    callbacks: List[Any] = field(default_factory=list)
    deprecated: Any = None
    include_in_schema: bool = True
    generate_unique_id_function: Any = field(default_factory=lambda: Default(generate_unique_id))

    @classmethod
    def for_include(cls, parent: Any, prefix: str, options: dict) -> "IncludeContext":
        """`_RouterIncludeContext.for_include`: `parent.include_router(..., **options)`."""
        return cls(
            prefix=parent.prefix + prefix,
            tags=[*_router_option(parent, "tags", []), *(options.get("tags") or [])],
            dependencies=[*parent.dependencies, *(options.get("dependencies") or [])],
            default_response_class=get_value_or_default(
                options.get("default_response_class") or Default(JSONResponse),
                parent.default_response_class or Default(JSONResponse),
            ),
            responses={**_router_option(parent, "responses", {}), **(options.get("responses") or {})},
            callbacks=[*_router_option(parent, "callbacks", []), *(options.get("callbacks") or [])],
            deprecated=options.get("deprecated") or _router_option(parent, "deprecated", None),
            include_in_schema=_router_option(parent, "include_in_schema", True)
            and options.get("include_in_schema", True),
            generate_unique_id_function=get_value_or_default(
                options.get("generate_unique_id_function") or Default(generate_unique_id),
                _router_option(parent, "generate_unique_id_function", Default(generate_unique_id)),
            ),
        )

    def combine(self, child: "IncludeContext") -> "IncludeContext":
        """`_RouterIncludeContext.combine`: an inclusion inside this one."""
        return IncludeContext(
            prefix=self.prefix + child.prefix,
            tags=[*self.tags, *child.tags],
            dependencies=[*self.dependencies, *child.dependencies],
            default_response_class=get_value_or_default(child.default_response_class, self.default_response_class),
            responses={**self.responses, **child.responses},
            callbacks=[*self.callbacks, *child.callbacks],
            deprecated=self.deprecated or child.deprecated,
            include_in_schema=self.include_in_schema and child.include_in_schema,
            generate_unique_id_function=get_value_or_default(
                child.generate_unique_id_function, self.generate_unique_id_function
            ),
        )


class RouteContext:
    """One path operation with every attribute FastAPI's `APIRoute` has for
    the schema (FastAPI's `_APIRouteLike`)."""

    def __init__(self, route: Any, router: Any, context: "IncludeContext | None") -> None:
        options = route.options
        # What `APIRouter.add_api_route` merges in from the router it was added to.
        router_default_class = router.default_response_class or Default(JSONResponse)
        response_class = get_value_or_default(options.get("response_class") or Default(JSONResponse), router_default_class)
        tags = [*_router_option(router, "tags", []), *(options.get("tags") or [])]
        responses = {**_router_option(router, "responses", {}), **(options.get("responses") or {})}
        callbacks = [*_router_option(router, "callbacks", []), *(options.get("callbacks") or [])]
        deprecated = options.get("deprecated") or _router_option(router, "deprecated", None)
        include_in_schema = options.get("include_in_schema", True) and _router_option(router, "include_in_schema", True)
        router_unique_id = _router_option(router, "generate_unique_id_function", Default(generate_unique_id))
        unique_id_function = get_value_or_default(
            options.get("generate_unique_id_function") or Default(generate_unique_id), router_unique_id
        )
        dependencies = list(options.get("dependencies") or [])
        path = route.path
        if context is not None:
            # `_EffectiveRouteContext.from_api_route`.
            path = context.prefix + path
            tags = [*context.tags, *tags]
            dependencies = [*context.dependencies, *dependencies]
            responses = {**context.responses, **responses}
            deprecated = deprecated or context.deprecated
            include_in_schema = include_in_schema and context.include_in_schema
            response_class = get_value_or_default(response_class, router_default_class, context.default_response_class)
            callbacks = [*context.callbacks, *callbacks]
            unique_id_function = get_value_or_default(
                unique_id_function, router_unique_id, context.generate_unique_id_function
            )
        self._populate(
            path,
            route.endpoint,
            response_model=options["response_model"] if "response_model" in options else Default(None),
            status_code=options.get("status_code"),
            tags=tags,
            dependencies=dependencies,
            summary=options.get("summary"),
            description=options.get("description"),
            response_description=options.get("response_description", "Successful Response"),
            responses=responses,
            deprecated=deprecated,
            name=options.get("name"),
            methods=route.methods,
            operation_id=options.get("operation_id"),
            include_in_schema=include_in_schema,
            response_class=response_class,
            callbacks=callbacks,
            openapi_extra=options.get("openapi_extra"),
            generate_unique_id_function=unique_id_function,
        )

    def _populate(
        self,
        path: str,
        endpoint: Callable[..., Any],
        *,
        response_model: Any,
        status_code: Any,
        tags: List[Any],
        dependencies: List[Any],
        summary: Any,
        description: Any,
        response_description: str,
        responses: dict,
        deprecated: Any,
        name: Any,
        methods: Any,
        operation_id: Any,
        include_in_schema: bool,
        response_class: Any,
        callbacks: Any,
        openapi_extra: Any,
        generate_unique_id_function: Any,
    ) -> None:
        """`fastapi.routing._populate_api_route_state`, for what the schema reads."""
        self.path = path
        self.endpoint = endpoint
        self.stream_item_type = None
        self.summary = summary
        self.response_description = response_description
        self.deprecated = deprecated
        self.operation_id = operation_id
        self.include_in_schema = include_in_schema
        self.response_class = response_class
        self.callbacks = callbacks
        self.openapi_extra = openapi_extra
        self.generate_unique_id_function = generate_unique_id_function
        self.tags = tags or []
        self.responses = responses or {}
        self.name = getattr(endpoint, "__name__", endpoint.__class__.__name__) if name is None else name
        self.path_format = path_format(path)
        if methods is None:
            methods = ["GET"]
        self.methods = {method.upper() for method in methods}
        if isinstance(generate_unique_id_function, DefaultPlaceholder):
            current_generate_unique_id = generate_unique_id_function.value
        else:
            current_generate_unique_id = generate_unique_id_function
        self.unique_id = self.operation_id or current_generate_unique_id(self)
        if isinstance(status_code, IntEnum):
            status_code = int(status_code)
        self.status_code = status_code
        self.dependencies = list(dependencies or [])
        self.description = description or inspect.cleandoc(self.endpoint.__doc__ or "")
        self.description = self.description.split("\f")[0].strip()
        response_fields = {}
        for additional_status_code, response in self.responses.items():
            assert isinstance(response, dict), "An additional response must be a dict"
            model = response.get("model")
            if model:
                assert is_body_allowed_for_status_code(additional_status_code), (
                    f"Status code {additional_status_code} must not have a response body"
                )
                response_name = f"Response_{additional_status_code}_{self.unique_id}"
                response_fields[additional_status_code] = create_model_field(
                    name=response_name, type_=model, mode="serialization"
                )
        self.response_fields = response_fields
        # `_build_dependant_with_parameterless_dependencies`.
        self.dependant = get_dependant(path=self.path_format, call=self.endpoint, scope="function")
        for depends in self.dependencies[::-1]:
            self.dependant.dependencies.insert(0, get_parameterless_sub_dependant(depends=depends, path=self.path_format))
        body_params = _get_flat_body_params(self.dependant)
        self._embed_body_fields = _should_embed_body_fields(body_params)
        self.body_field = _get_body_field(
            body_params=body_params, name=self.unique_id, embed_body_fields=self._embed_body_fields
        )
        is_generator = _is_async_gen_callable(self.dependant.call) or _is_gen_callable(self.dependant.call)
        self.is_sse_stream = is_generator and lenient_issubclass(response_class, EventSourceResponse)
        self.is_json_stream = is_generator and isinstance(response_class, DefaultPlaceholder)
        if isinstance(response_model, DefaultPlaceholder):
            return_annotation = get_typed_return_annotation(endpoint)
            if lenient_issubclass(return_annotation, Response):
                response_model = None
            else:
                stream_item = get_stream_item_type(return_annotation)
                if stream_item is not None and is_generator:
                    if (
                        isinstance(response_class, DefaultPlaceholder)
                        or lenient_issubclass(response_class, EventSourceResponse)
                    ) and not lenient_issubclass(stream_item, ServerSentEvent):
                        self.stream_item_type = stream_item
                    response_model = None
                else:
                    response_model = return_annotation
        self.response_model = response_model
        if self.response_model:
            assert is_body_allowed_for_status_code(status_code), (
                f"Status code {status_code} must not have a response body"
            )
            self.response_field = create_model_field(
                name="Response_" + self.unique_id, type_=self.response_model, mode="serialization"
            )
        else:
            self.response_field = None
        if self.stream_item_type:
            self.stream_item_field = create_model_field(
                name="StreamItem_" + self.unique_id, type_=self.stream_item_type, mode="serialization"
            )
        else:
            self.stream_item_field = None


def route_contexts(router: Any, context: "IncludeContext | None" = None) -> Iterator[RouteContext]:
    """The path operations of `router` in declaration order, inclusions
    flattened where they were included (FastAPI's `iter_route_contexts`);
    WebSocket routes, mounts and the documentation pages are not path
    operations."""
    from ..routing import APIRoute, StarletteRoute, _Inclusion

    for entry in router._turbo_entries:
        if isinstance(entry, _Inclusion):
            inner = IncludeContext.for_include(router, entry.prefix, entry.options)
            yield from route_contexts(entry.router, inner if context is None else context.combine(inner))
        elif isinstance(entry, APIRoute) and entry.methods != ("WEBSOCKET",) and not isinstance(entry, StarletteRoute):
            yield RouteContext(entry, router, context)

