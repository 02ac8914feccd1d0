"""The Python half of a route's work, planned once at start-up (internal).

turbo's compiler knows, per route, which parameters and responses need
pydantic or Python objects; the server builds one plan object for each at
start-up from the handler's real signature (annotations, `Query()`/`Body()`
markers, defaults) and the decorator's real options, then calls it per
request. Every function here ports the FastAPI 0.165 code path it names,
so errors, defaults and bytes are FastAPI's own.
"""

import functools
import inspect
import typing
import warnings
from copy import deepcopy
from typing import Any, Dict, List, Optional, Tuple

from . import _forms, _streams, sse
from ._body import MISSING
from ._starlette_exceptions import HTTPException
from .exceptions import RequestValidationError, ResponseValidationError
from .datastructures import FormData
from .params import BodyParam, FileParam, FormParam, Param
from .responses import JSONResponse, Response

#: pydantic `Field()` options a parameter function may carry.
CONSTRAINTS = (
    "gt",
    "ge",
    "lt",
    "le",
    "multiple_of",
    "min_length",
    "max_length",
    "pattern",
    "strict",
    "max_digits",
    "decimal_places",
    "allow_inf_nan",
)


def missing_error(loc: Tuple[Any, ...]) -> Dict[str, Any]:
    """FastAPI's `get_missing_field_error`."""
    return {"type": "missing", "loc": loc, "msg": "Field required", "input": None}


def _signature(handler: Any) -> Tuple[inspect.Signature, Dict[str, Any]]:
    """A callable's signature and resolved annotations, read once per
    callable: a function's, a class's `__init__` (without `self`), or a
    callable instance's `__call__` (without `self`), as FastAPI reads them."""
    try:
        return _cached_signature(handler)
    except TypeError:  # an unhashable callable instance
        return _read_signature(handler)


def _read_signature(handler: Any) -> Tuple[inspect.Signature, Dict[str, Any]]:
    if inspect.isclass(handler):
        annotated = handler.__init__
    elif inspect.isroutine(handler) or isinstance(handler, functools.partial):
        annotated = handler
    else:
        annotated = type(handler).__call__
    return inspect.signature(handler), typing.get_type_hints(annotated, include_extras=True)


_cached_signature = functools.lru_cache(maxsize=None)(_read_signature)


def declaration(handler: Any, name: str) -> Tuple[Any, Optional[Param], Any]:
    """(annotation, parameter marker, default) of one handler parameter, as
    FastAPI's `analyze_param` reads them; the default is `MISSING` when required."""
    signature, hints = _signature(handler)
    parameter = signature.parameters[name]
    annotation = hints.get(name, Any)
    marker = None
    if typing.get_origin(annotation) is typing.Annotated:
        inner, *metadata = typing.get_args(annotation)
        markers = [item for item in metadata if isinstance(item, Param)]
        if markers:
            annotation, marker = inner, markers[-1]
    default = parameter.default
    if isinstance(default, Param):
        marker, default = default, default.default
    if default is inspect.Parameter.empty or default is ...:
        default = MISSING
    return annotation, marker, default


class Adapter:
    """FastAPI's `ModelField`: a pydantic `TypeAdapter` with the marker's constraints."""

    def __init__(self, annotation: Any, marker: Optional[Param] = None) -> None:
        from pydantic import Field, TypeAdapter

        options = dict(marker.options) if marker is not None else {}
        if "regex" in options:
            options["pattern"] = options.pop("regex")
        constraints = {key: value for key, value in options.items() if key in CONSTRAINTS}
        if constraints:
            annotation = typing.Annotated[annotation, Field(**constraints)]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self.adapter = TypeAdapter(annotation)

    def validate(self, value: Any, loc: Tuple[Any, ...]) -> Tuple[Any, List[Dict[str, Any]]]:
        from pydantic import ValidationError

        try:
            return self.adapter.validate_python(value, from_attributes=True), []
        except ValidationError as exc:
            return None, [{**error, "loc": loc + tuple(error.get("loc", ()))} for error in exc.errors(include_url=False)]


class ParamField:
    """A path, query, header or cookie parameter whose type pydantic checks
    (`datetime`, `Decimal`, unions, ...). The server passes the raw text (or
    every value, for lists), `None` when absent."""

    def __init__(self, handler: Any, name: str, source: str, key: str) -> None:
        annotation, marker, self.default = declaration(handler, name)
        self.field = Adapter(annotation, marker)
        self.loc = (source, key)

    def validate(self, raw: Any) -> Tuple[Any, List[Dict[str, Any]]]:
        # `_get_multidict_value`: absent (or an empty list) means the default.
        if raw is None or (isinstance(raw, list) and not raw):
            if self.default is MISSING:
                return None, [missing_error(self.loc)]
            return deepcopy(self.default), []
        return self.field.validate(raw, self.loc)


class ParamModel:
    """A pydantic model read from the query string, headers or cookies:
    FastAPI's `_request_param_model_to_args`. The server passes the raw
    query string and header list; this builds what Starlette would."""

    def __init__(self, handler: Any, name: str, source: str) -> None:
        annotation, marker, self.default = declaration(handler, name)
        self.field = Adapter(annotation, marker)
        self.model = _forms.optional_inner(annotation)
        self.is_plain = annotation is self.model
        self.source = source
        self.config = self.model.model_config
        convert = source == "header" and (marker.options.get("convert_underscores", True) if marker else True)
        self.fields = []
        for field_name, info in self.model.model_fields.items():
            aliases = _forms.param_aliases(field_name, info, self.config, convert)
            self.fields.append((field_name, aliases, _forms.is_sequence(info.annotation)))

    def received(self, query_string: bytes, headers: List[Tuple[bytes, bytes]]) -> Any:
        from .datastructures import Headers, QueryParams
        from .requests import request_cookies

        if self.source == "query":
            return QueryParams(query_string.decode("latin-1"))
        header_map = Headers(raw=headers)
        if self.source == "header":
            return header_map
        return request_cookies(header_map)

    def validate(self, query_string: bytes, headers: List[Tuple[bytes, bytes]]) -> Tuple[Any, List[Dict[str, Any]]]:
        received = self.received(query_string, headers)
        is_headers = self.source == "header"
        values: Dict[str, Any] = {}
        header_aliases: Dict[str, str] = {}
        processed = set()
        own_names = set()
        for field_name, aliases, sequence in self.fields:
            own_names.update(name.lower() if is_headers else name for _, name in aliases)
            alias, request_alias = next((pair for pair in aliases if pair[1] in received), aliases[0])
            if sequence and hasattr(received, "getlist"):
                value = received.getlist(request_alias)
            else:
                value = received.get(request_alias, None)
            if value is not None and not (sequence and len(value) == 0):
                values[alias] = value
            if is_headers:
                processed.add(request_alias.lower())
                for validation_alias, header_alias in aliases:
                    if validation_alias != header_alias:
                        processed.add(validation_alias.lower())
                if alias != request_alias:
                    header_aliases[field_name] = request_alias
            else:
                processed.add(request_alias)
        values.update(self.extras(received, processed))
        value: Any = values
        if not self.is_plain and not (
            own_names.intersection(received) or (self.config.get("extra") in ("allow", "forbid") and value)
        ):
            value = MISSING
        loc = (self.source,)
        if value is MISSING:
            if self.default is MISSING:
                return None, [missing_error(loc)]
            return deepcopy(self.default), []
        result, errors = self.field.validate(value, loc)
        if header_aliases and self.config.get("loc_by_alias", True):
            for error in errors:
                error_loc = error["loc"]
                if len(error_loc) > 1 and error_loc[1] in header_aliases:
                    error["loc"] = (error_loc[0], header_aliases[error_loc[1]], *error_loc[2:])
        return result, errors

    @staticmethod
    def extras(received: Any, processed: set) -> Any:
        """`_get_multidict_extras`: the inputs no field claimed."""
        if hasattr(received, "multi_items"):
            items = received.multi_items()
        elif hasattr(received, "getlist"):
            items = received.items()
        else:
            return [(key, received.get(key)) for key in received if key not in processed]
        grouped: Dict[str, List[Any]] = {}
        for key, value in items:
            if key not in processed:
                grouped.setdefault(key, []).append(value)
        return [(key, found[0] if len(found) == 1 else found) for key, found in grouped.items()]


class BodyField:
    def __init__(self, handler: Any, name: str) -> None:
        self.name = name
        annotation, marker, self.default = declaration(handler, name)
        self.annotation = annotation
        if marker is None:
            marker = _forms.implied_marker(annotation, self.default)
        self.field = Adapter(annotation, marker)
        options = marker.options if marker is not None else {}
        self.alias = options.get("alias") or name
        self.embed = bool(options.get("embed")) if isinstance(marker, BodyParam) else False
        self.is_form = isinstance(marker, FormParam)
        self.form_model = _forms.form_model(annotation, marker)
        self.form_field = _forms.FormField(name, [self.alias], annotation, isinstance(marker, FileParam))

    def validate(self, value: Any, loc: Tuple[Any, ...]) -> Tuple[Any, List[Dict[str, Any]]]:
        """`_validate_value_with_model_field`."""
        if value is MISSING:
            if self.default is MISSING:
                return None, [missing_error(loc)]
            return deepcopy(self.default), []
        return self.field.validate(value, loc)


def should_embed(fields: List[BodyField]) -> bool:
    """`_should_embed_body_fields`, over the route's flat body parameters."""
    # The same name declared by several dependencies is one field.
    if len({field.name for field in fields}) > 1:
        return True
    first = fields[0]
    # Dependencies can use the same name for different form models.
    if first.form_model is not None and any(
        field.form_model is None or field.annotation is not first.annotation for field in fields[1:]
    ):
        return True
    # A lone form field is embedded unless it is a model.
    return first.embed or (first.is_form and first.form_model is None)


class RouteBody:
    """The body parameters of one route, by the callable declaring them
    (`parts`: (callable, names) in FastAPI's flat order). Whether the body
    is embedded is decided over all of them; each callable's are validated
    when it is solved, as FastAPI's `solve_dependencies` does."""

    def __init__(self, parts: List[Tuple[Any, List[str]]]) -> None:
        fields = [[BodyField(call, name) for name in names] for call, names in parts]
        embed = should_embed([field for part in fields for field in part])
        self.parts = [BodyPlan(part, embed) for part in fields]

    def validate(self, part: int, received: Any) -> Tuple[List[Any], List[Dict[str, Any]]]:
        return self.parts[part].validate(received)


class BodyPlan:
    """The body parameters of one callable: FastAPI's `request_body_to_args`,
    for JSON bodies and (with `_forms`) for forms."""

    def __init__(self, fields: List[BodyField], embed: bool) -> None:
        self.fields = fields
        self.embed = embed

    def validate(self, received: Any) -> Tuple[List[Any], List[Dict[str, Any]]]:
        if isinstance(received, FormData):
            return self.validate_form(received)
        if not self.embed:
            value, errors = self.fields[0].validate(received, ("body",))
            return [value], errors
        values: List[Any] = []
        errors: List[Dict[str, Any]] = []
        for field in self.fields:
            loc = ("body", field.alias)
            value = MISSING
            if received is not MISSING and not isinstance(received, bytes):
                try:
                    value = received.get(field.alias, MISSING)
                except AttributeError:
                    # Embedded fields need an object, not a list, scalar or null.
                    errors.append(missing_error(loc))
                    values.append(None)
                    continue
            value, found = field.validate(value, loc)
            errors.extend(found)
            values.append(value)
        return values, errors

    def validate_form(self, received: FormData) -> Tuple[List[Any], List[Dict[str, Any]]]:
        extracted: Dict[str, Any] = {}
        form_values: Dict[str, Tuple[str, Any]] = {}
        plain = [field.form_field for field in self.fields if field.form_model is None]
        if plain:
            for alias, value, form_field in _forms.extract_form_body(plain, received):
                extracted[alias] = value
                if form_field is not None:
                    form_values[form_field.name] = (alias, value)
        first = self.fields[0]
        if not self.embed and first.form_model is None:
            value, errors = first.validate(extracted, ("body",))
            return [value], errors
        values: List[Any] = []
        errors: List[Dict[str, Any]] = []
        for field in self.fields:
            if field.form_model is not None:
                value = field.form_model.extract(received)
                loc: Tuple[Any, ...] = ("body",)
            else:
                alias, value = form_values.get(field.form_field.name, (field.alias, MISSING))
                loc = ("body", alias)
            value, found = field.validate(value, loc)
            errors.extend(found)
            values.append(value)
        return values, errors


class _Default:
    """FastAPI's `Default(...)` placeholder: an option the app did not set."""


DEFAULT = _Default()


def sub_response() -> Response:
    """The `Response` FastAPI injects into a handler: no status, no headers."""
    response = Response()
    del response.headers["content-length"]
    response.status_code = None  # type: ignore[assignment]
    return response


class ResponsePlan:
    """How a route turns a return value into a response when FastAPI's
    default JSON path does not apply: a response model or return
    annotation, a response class, or an injected `Response`. Ports
    `get_request_handler`'s response half and `serialize_response`."""

    def __init__(self, handler: Any, options: Dict[str, Any], app_options: Dict[str, Any]) -> None:
        self.status_code = options.get("status_code")
        response_class = options.get("response_class", DEFAULT)
        if response_class is DEFAULT:
            response_class = app_options.get("default_response_class", DEFAULT)
        response_model = options.get("response_model", DEFAULT)
        streams = _streams.is_generator(handler)
        item_field = None
        if response_model is DEFAULT:
            response_model = typing.get_type_hints(handler).get("return")
            item = _streams.stream_item_type(response_model)
            if inspect.isclass(response_model) and issubclass(response_model, Response):
                response_model = None
            elif item is not None and streams:
                # FastAPI's `stream_item_type`: each item is validated
                # (ServerSentEvent is a transport wrapper, not a model).
                sse_class = inspect.isclass(response_class) and issubclass(response_class, sse.EventSourceResponse)
                if (response_class is DEFAULT or sse_class) and not (
                    inspect.isclass(item) and issubclass(item, sse.ServerSentEvent)
                ):
                    item_field = Adapter(item)
                response_model = None
        self.field = Adapter(response_model) if response_model not in (None, type(None)) else None
        self.use_dump_json = self.field is not None and response_class is DEFAULT
        self.response_class = JSONResponse if response_class is DEFAULT else response_class
        self.serialize_options = {
            "include": options.get("response_model_include"),
            "exclude": options.get("response_model_exclude"),
            "by_alias": options.get("response_model_by_alias", True),
            "exclude_unset": options.get("response_model_exclude_unset", False),
            "exclude_defaults": options.get("response_model_exclude_defaults", False),
            "exclude_none": options.get("response_model_exclude_none", False),
        }
        # A path operation that `yield`s: its items are streamed.
        self.stream = (
            _streams.StreamPlan(handler, None if response_class is DEFAULT else response_class, item_field, self.serialize_options)
            if streams
            else None
        )

    def respond(self, raw: Any, injected: Optional[Response]) -> Response:
        if isinstance(raw, Response):
            return raw
        args: Dict[str, Any] = {}
        injected_status = injected.status_code if injected is not None else None
        current = self.status_code if self.status_code else injected_status
        if current is not None:
            args["status_code"] = current
        if injected_status:
            args["status_code"] = injected_status
        if self.stream is not None:
            response = self.stream.respond(raw, args)
            if injected is not None:
                response.headers.raw.extend(injected.headers.raw)
            return response
        content = self.serialize(raw)
        if self.use_dump_json:
            response = Response(content=content, media_type="application/json", **args)
        else:
            response = self.response_class(content, **args)
        if response.status_code < 200 or response.status_code in (204, 304):
            response.body = b""
        if injected is not None:
            response.headers.raw.extend(injected.headers.raw)
        return response

    def serialize(self, raw: Any) -> Any:
        if self.field is None:
            from .encoders import jsonable_encoder

            return jsonable_encoder(raw)
        value, errors = self.field.validate(raw, ("response",))
        if errors:
            raise ResponseValidationError(errors=errors, body=raw)
        if self.use_dump_json:
            return self.field.adapter.dump_json(value, **self.serialize_options)
        return self.field.adapter.dump_python(value, mode="json", **self.serialize_options)


class ExceptionHandlers:
    """`@app.exception_handler(...)` registrations, looked up as Starlette's
    `ExceptionMiddleware` and `ServerErrorMiddleware` do. `lookup` finds the
    handler, or `None` when FastAPI's default handler applies; the server
    builds the `Request` only then and passes both to `call`."""

    def __init__(self, registered: Dict[Any, Any]) -> None:
        self.status_handlers = {key: h for key, h in registered.items() if isinstance(key, int) and key != 500}
        # FastAPI's defaults come first in the MRO walk unless overridden.
        self.type_handlers: Dict[Any, Any] = {HTTPException: None, RequestValidationError: None}
        self.type_handlers.update(
            {key: h for key, h in registered.items() if inspect.isclass(key) and key is not Exception}
        )
        self.server_handler = registered.get(500) or registered.get(Exception)

    def handles_validation(self) -> bool:
        return self.type_handlers.get(RequestValidationError) is not None

    def lookup(self, exc: BaseException) -> Optional[Tuple[Any, bool]]:
        """(handler, whether it is the server-error handler), or None."""
        handler = None
        found = False
        if isinstance(exc, HTTPException):
            handler = self.status_handlers.get(exc.status_code)
            found = handler is not None
        if not found:
            for cls in type(exc).__mro__:
                if cls in self.type_handlers:
                    handler, found = self.type_handlers[cls], True
                    break
        if not found:
            handler = self.server_handler
        if handler is None:
            return None
        return handler, not found

    def handle_validation(self, request: Any, errors: List[Dict[str, Any]], body: Any) -> Optional[Response]:
        for error in errors:
            error["loc"] = tuple(error["loc"])
        exc = RequestValidationError(errors, body=None if body is MISSING else body)
        found = self.lookup(exc)
        return self.call(found[0], request, exc) if found is not None else None

    def call(self, handler: Any, request: Any, exc: BaseException) -> Any:
        """Calls an exception handler: its response, or the coroutine of an
        `async def` one, which the server runs on its event loop."""
        return handler(request, exc)


def _uuid(text: str) -> Any:
    import uuid

    return uuid.UUID(text)


#: Starlette's path convertors, by name.
CONVERTORS = {"str": str, "path": str, "int": int, "float": float, "uuid": _uuid}


#: The app object (`request.app`), set when the server imports it.
APP: Any = None


def make_request(
    method: str,
    path: str,
    query_string: bytes,
    headers: List[Tuple[bytes, bytes]],
    client: Optional[Tuple[str, int]],
    server: Optional[Tuple[str, int]],
    path_params: List[Tuple[str, str, str]],
    body: Optional[bytes],
    scheme: str = "http",
    root_path: str = "",
    asgi_scope: Optional[Dict[str, Any]] = None,
    serving: Tuple[Any, str] = (None, ""),
) -> Any:
    """A `Request` for a handler or an exception handler; `path_params` are
    (name, convertor, text) triples, converted as Starlette's convertors do.
    `client` and `server` are None on a Unix socket; under a root path,
    `path` starts with it (uvicorn's scope). `asgi_scope`: the scope an
    ASGI middleware passed the request on with, used as it is. `serving`:
    the application serving the route and the top level's root path (a
    mounted application's `root_path` includes its mount path)."""
    app, app_root_path = serving
    from .requests import Request

    path_params = {name: CONVERTORS[convertor](text) for name, convertor, text in path_params}

    if asgi_scope is not None:
        # The scope a Python middleware passed on: Starlette's router adds
        # the path parameters to that very dict (and a mounted application
        # its `root_path` and itself).
        asgi_scope["path_params"] = path_params
        if app is not None and app is not APP:
            asgi_scope["app"] = app
            asgi_scope["root_path"] = root_path
            asgi_scope["app_root_path"] = app_root_path
        request = Request(asgi_scope)
        if body is not None:
            request._body = body
        return request
    scope = {
        "type": "http",
        "http_version": "1.1",
        "method": method,
        "scheme": scheme,
        "path": path,
        "root_path": root_path,
        "query_string": query_string,
        "headers": headers,
        "client": client,
        "server": server,
        "path_params": path_params,
        "app": APP if app is None else app,
    }
    if app is not None and app is not APP:
        # Starlette's `Mount`: the top level's root path stays here
        # (`request.base_url` is built from it).
        scope["app_root_path"] = app_root_path
    request = Request(scope)
    if body is not None:
        request._body = body
    return request
