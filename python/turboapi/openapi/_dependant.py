"""A route's parameters as FastAPI 0.165 reads them for its schema: its
`Dependant` tree (`fastapi.dependencies.models`) and the functions of
`fastapi.dependencies.utils` that build it from the real signatures and
flatten it, copied. turbo's own markers (`turboapi.params`: what was
written) become FastAPI's field classes (`_params`) on the way in.
"""

import inspect
import re
import warnings
from collections.abc import AsyncGenerator, AsyncIterable, AsyncIterator, Callable, Generator, Iterable, Iterator, Sequence
from copy import copy, deepcopy
from dataclasses import dataclass, field
from functools import lru_cache, partial
from typing import Annotated, Any, ForwardRef, Literal, Union, cast, get_args, get_origin

from pydantic import AliasChoices, AliasPath, BaseModel, ConfigDict, GetJsonSchemaHandler, GetPydanticSchema, Json
from pydantic._internal import _typing_extra as _pydantic_typing_extra
from pydantic.fields import FieldInfo
from pydantic_core import CoreSchema

from .. import params as markers
from ..background import BackgroundTasks as StarletteBackgroundTasks
from ..requests import HTTPConnection, Request
from ..responses import Response
from ..security.base import SecurityBase
from ..security.oauth2 import SecurityScopes
from ..websockets import WebSocket
from . import _params as params
from ._fields import (
    ModelField,
    RequiredParam,
    Undefined,
    UnionType,
    copy_field_info,
    create_body_model,
    field_annotation_is_scalar,
    field_annotation_is_scalar_sequence,
    get_cached_model_fields,
    is_uploadfile_or_nonable_uploadfile_annotation,
    is_uploadfile_sequence_annotation,
    lenient_issubclass,
)

DependencyCacheKey = tuple[Any, tuple[str, ...], str]

def _unwrapped_call(call: Callable[..., Any] | None) -> Any:
    if call is None:
        return call  # pragma: no cover
    unwrapped = inspect.unwrap(_impartial(call))
    return unwrapped


def _impartial(func: Callable[..., Any]) -> Callable[..., Any]:
    while isinstance(func, partial):
        func = func.func
    return func


@dataclass(slots=True)
class Dependant:
    path_params: list[ModelField] = field(default_factory=list)
    query_params: list[ModelField] = field(default_factory=list)
    header_params: list[ModelField] = field(default_factory=list)
    cookie_params: list[ModelField] = field(default_factory=list)
    body_params: list[ModelField] = field(default_factory=list)
    dependencies: list["Dependant"] = field(default_factory=list)
    name: str | None = None
    call: Callable[..., Any] | None = None
    request_param_name: str | None = None
    websocket_param_name: str | None = None
    http_connection_param_name: str | None = None
    response_param_name: str | None = None
    background_tasks_param_name: str | None = None
    security_scopes_param_name: str | None = None
    own_oauth_scopes: list[str] | None = None
    parent_oauth_scopes: list[str] | None = None
    use_cache: bool = True
    path: str | None = None
    scope: Literal["function", "request"] | None = None


_UsesScopesCache = dict[int, tuple[Dependant, bool]]


_CALLABLE_CLASSIFICATION_CACHE_SIZE = 4096


class _CallIdentity:
    __slots__ = ("call",)

    def __init__(self, call: Callable[..., Any]) -> None:
        self.call = call

    def __hash__(self) -> int:
        return id(self.call)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _CallIdentity) and self.call is other.call


def _get_oauth_scopes(*, dependant: Dependant) -> list[str]:
    scopes = (
        dependant.parent_oauth_scopes.copy() if dependant.parent_oauth_scopes else []
    )
    # This doesn't use a set to preserve order, just in case
    for scope in dependant.own_oauth_scopes or []:
        if scope not in scopes:
            scopes.append(scope)
    return scopes


def _get_cache_key(
    *,
    dependant: Dependant,
    uses_scopes_cache: _UsesScopesCache | None = None,
) -> DependencyCacheKey:
    scopes_for_cache = (
        tuple(sorted(set(_get_oauth_scopes(dependant=dependant))))
        if _uses_scopes(dependant=dependant, cache=uses_scopes_cache)
        else ()
    )
    return (
        dependant.call,
        scopes_for_cache,
        _get_computed_scope(dependant=dependant) or "",
    )


def _uses_scopes(
    *, dependant: Dependant, cache: _UsesScopesCache | None = None
) -> bool:
    if cache is None:
        cache = {}
    cache_key = id(dependant)
    cached = cache.get(cache_key)
    if cached is not None and cached[0] is dependant:
        return cached[1]
    if dependant.own_oauth_scopes:
        result = True
    elif dependant.security_scopes_param_name is not None:
        result = True
    elif _is_security_scheme(dependant=dependant):
        result = True
    else:
        result = any(
            _uses_scopes(dependant=sub_dep, cache=cache)
            for sub_dep in dependant.dependencies
        )
    cache[cache_key] = (dependant, result)
    return result


def _is_security_scheme(*, dependant: Dependant) -> bool:
    if dependant.call is None:
        return False  # pragma: no cover
    unwrapped = _unwrapped_call(dependant.call)
    return isinstance(unwrapped, SecurityBase)


def _get_security_scheme(*, dependant: Dependant) -> SecurityBase:
    # Mainly to get the type of SecurityBase, but it's the same dependant.call
    unwrapped = _unwrapped_call(dependant.call)
    assert isinstance(unwrapped, SecurityBase)
    return unwrapped


@lru_cache(maxsize=_CALLABLE_CLASSIFICATION_CACHE_SIZE)
def _is_gen_callable_cached(call_identity: _CallIdentity) -> bool:
    call = call_identity.call
    if inspect.isgeneratorfunction(_impartial(call)) or inspect.isgeneratorfunction(
        _unwrapped_call(call)
    ):
        return True
    if inspect.isclass(_unwrapped_call(call)):
        return False
    dunder_call = getattr(_impartial(call), "__call__", None)  # noqa: B004
    if dunder_call is None:
        return False  # pragma: no cover
    if inspect.isgeneratorfunction(
        _impartial(dunder_call)
    ) or inspect.isgeneratorfunction(_unwrapped_call(dunder_call)):
        return True
    dunder_unwrapped_call = getattr(_unwrapped_call(call), "__call__", None)  # noqa: B004
    if dunder_unwrapped_call is None:
        return False  # pragma: no cover
    return inspect.isgeneratorfunction(
        _impartial(dunder_unwrapped_call)
    ) or inspect.isgeneratorfunction(_unwrapped_call(dunder_unwrapped_call))


def _is_gen_callable(call: Callable[..., Any] | None) -> bool:
    if call is None:
        return False  # pragma: no cover
    return _is_gen_callable_cached(_CallIdentity(call))


@lru_cache(maxsize=_CALLABLE_CLASSIFICATION_CACHE_SIZE)
def _is_async_gen_callable_cached(call_identity: _CallIdentity) -> bool:
    call = call_identity.call
    if inspect.isasyncgenfunction(_impartial(call)) or inspect.isasyncgenfunction(
        _unwrapped_call(call)
    ):
        return True
    if inspect.isclass(_unwrapped_call(call)):
        return False
    dunder_call = getattr(_impartial(call), "__call__", None)  # noqa: B004
    if dunder_call is None:
        return False  # pragma: no cover
    if inspect.isasyncgenfunction(
        _impartial(dunder_call)
    ) or inspect.isasyncgenfunction(_unwrapped_call(dunder_call)):
        return True
    dunder_unwrapped_call = getattr(_unwrapped_call(call), "__call__", None)  # noqa: B004
    if dunder_unwrapped_call is None:
        return False  # pragma: no cover
    return inspect.isasyncgenfunction(
        _impartial(dunder_unwrapped_call)
    ) or inspect.isasyncgenfunction(_unwrapped_call(dunder_unwrapped_call))


def _is_async_gen_callable(call: Callable[..., Any] | None) -> bool:
    if call is None:
        return False  # pragma: no cover
    return _is_async_gen_callable_cached(_CallIdentity(call))


def _get_computed_scope(*, dependant: Dependant) -> str | None:
    if dependant.scope:
        return dependant.scope
    if _is_gen_callable(dependant.call) or _is_async_gen_callable(dependant.call):
        return "request"
    return None


def evaluate_forwardref(
    value: Any,
    globalns: dict[str, Any] | None = None,
    localns: dict[str, Any] | None = None,
) -> Any:
    # eval_type_lenient has been deprecated since Pydantic v2.10.0b1 (PR #10530)
    try_eval_type = getattr(_pydantic_typing_extra, "try_eval_type", None)
    if try_eval_type is not None:
        return try_eval_type(value, globalns, localns)[0]
    return _pydantic_typing_extra.eval_type_lenient(  # ty: ignore[deprecated]
        value, globalns, localns
    )


def is_scalar_field(field: ModelField) -> bool:
    """`fastapi._compat.v2.is_scalar_field`."""
    return field_annotation_is_scalar(field.field_info.annotation) and not isinstance(field.field_info, params.Body)


def get_path_param_names(path: str) -> set[str]:
    return set(re.findall("{(.*?)}", path))


def create_model_field(
    name: str,
    type_: Any,
    default: Any | None = Undefined,
    field_info: FieldInfo | None = None,
    alias: str | None = None,
    mode: Literal["validation", "serialization"] = "validation",
) -> ModelField:
    field_info = field_info or FieldInfo(annotation=type_, default=default, alias=alias)
    return ModelField(mode=mode, name=name, field_info=field_info)


def get_parameterless_sub_dependant(*, depends: markers.Depends, path: str) -> Dependant:
    assert callable(depends.dependency), (
        "A parameter-less dependency must have a callable dependency"
    )
    own_oauth_scopes: list[str] = []
    if isinstance(depends, markers.Security) and depends.scopes:
        own_oauth_scopes.extend(depends.scopes)
    return get_dependant(
        path=path,
        call=depends.dependency,
        scope=depends.scope,
        own_oauth_scopes=own_oauth_scopes,
    )


def _get_flat_body_params(dependant: Dependant) -> list[ModelField]:
    body_params: list[ModelField] = []
    dependants = [dependant]
    while dependants:
        current_dependant = dependants.pop()
        body_params.extend(current_dependant.body_params)
        dependants.extend(reversed(current_dependant.dependencies))
    return body_params


def _get_model_type(annotation: Any) -> type[BaseModel] | None:
    if get_origin(annotation) in (Union, UnionType):
        args = get_args(annotation)
        if len(args) == 2 and type(None) in args:
            annotation = next(arg for arg in args if arg is not type(None))
    if lenient_issubclass(annotation, BaseModel):
        return annotation
    return None


def _get_param_model(field: ModelField) -> type[BaseModel] | None:
    annotation = field.field_info.annotation
    if isinstance(field.field_info, (params.Query, params.Header, params.Cookie)):
        annotation = _get_model_type(annotation)
    if lenient_issubclass(annotation, BaseModel) and not _is_json_field(field):
        return annotation
    return None


def _get_flat_fields_from_params(fields: Sequence[ModelField]) -> list[ModelField]:
    flat_fields: list[ModelField] = []
    for field in fields:
        if (model := _get_param_model(field)) is not None:
            flat_fields.extend(get_cached_model_fields(model))
        else:
            flat_fields.append(field)
    return flat_fields


def get_flat_params(dependant: Dependant) -> list[ModelField]:
    path_params: list[ModelField] = []
    query_params: list[ModelField] = []
    header_params: list[ModelField] = []
    cookie_params: list[ModelField] = []
    visited: list[DependencyCacheKey] = []
    uses_scopes_cache: _UsesScopesCache = {}
    dependants = [dependant]
    while dependants:
        current_dependant = dependants.pop()
        cache_key = _get_cache_key(
            dependant=current_dependant,
            uses_scopes_cache=uses_scopes_cache,
        )
        if cache_key in visited:
            continue
        visited.append(cache_key)
        path_params.extend(current_dependant.path_params)
        query_params.extend(current_dependant.query_params)
        header_params.extend(current_dependant.header_params)
        cookie_params.extend(current_dependant.cookie_params)
        dependants.extend(reversed(current_dependant.dependencies))
    path_params = _get_flat_fields_from_params(path_params)
    query_params = _get_flat_fields_from_params(query_params)
    header_params = _get_flat_fields_from_params(header_params)
    cookie_params = _get_flat_fields_from_params(cookie_params)
    return path_params + query_params + header_params + cookie_params


def _get_signature(call: Callable[..., Any]) -> inspect.Signature:
    try:
        signature = inspect.signature(call, eval_str=True)
    except NameError:
        # Handle type annotations with if TYPE_CHECKING, not used by FastAPI
        # e.g. dependency return types
        signature = inspect.signature(call)
    return signature


def get_typed_signature(call: Callable[..., Any]) -> inspect.Signature:
    signature = _get_signature(call)
    unwrapped = inspect.unwrap(call)
    globalns = getattr(unwrapped, "__globals__", {})
    typed_params = [
        inspect.Parameter(
            name=param.name,
            kind=param.kind,
            default=_as_field_info(param.default),
            annotation=_with_field_infos(get_typed_annotation(param.annotation, globalns)),
        )
        for param in signature.parameters.values()
    ]
    typed_signature = inspect.Signature(typed_params)
    return typed_signature


#: turbo's marker classes and the FastAPI field class each stands for.
_FIELD_CLASSES: dict[type, type[FieldInfo]] = {
    markers.QueryParam: params.Query,
    markers.PathParam: params.Path,
    markers.HeaderParam: params.Header,
    markers.CookieParam: params.Cookie,
    markers.BodyParam: params.Body,
    markers.FormParam: params.Form,
    markers.FileParam: params.File,
}


def _as_field_info(value: Any) -> Any:
    """What FastAPI's `Query(...)` (or `Body(...)`, ...) would have returned
    for a turbo marker; any other value as it is."""
    field_class = _FIELD_CLASSES.get(type(value))
    if field_class is None:
        return value
    with warnings.catch_warnings():
        # FastAPI warns about `example=` and `regex=` where the app declares them.
        warnings.simplefilter("ignore")
        return field_class(value.default, **value.options)


def _with_field_infos(annotation: Any) -> Any:
    """`Annotated[T, Query(...)]` with turbo's markers as FastAPI's fields."""
    if get_origin(annotation) is not Annotated:
        return annotation
    inner, *metadata = get_args(annotation)
    converted = [_as_field_info(item) for item in metadata]
    if all(new is old for new, old in zip(converted, metadata)):
        return annotation
    return Annotated[(inner, *converted)]


def get_typed_annotation(annotation: Any, globalns: dict[str, Any]) -> Any:
    if isinstance(annotation, str):
        annotation = ForwardRef(annotation)
        annotation = evaluate_forwardref(annotation, globalns, globalns)
        if annotation is type(None):
            return None
    return annotation


def get_typed_return_annotation(call: Callable[..., Any]) -> Any:
    signature = _get_signature(call)
    unwrapped = inspect.unwrap(call)
    annotation = signature.return_annotation

    if annotation is inspect.Signature.empty:
        return None

    globalns = getattr(unwrapped, "__globals__", {})
    return get_typed_annotation(annotation, globalns)


_STREAM_ORIGINS = {
    AsyncIterable,
    AsyncIterator,
    AsyncGenerator,
    Iterable,
    Iterator,
    Generator,
}


def get_stream_item_type(annotation: Any) -> Any | None:
    origin = get_origin(annotation)
    if origin is not None and origin in _STREAM_ORIGINS:
        type_args = get_args(annotation)
        if type_args:
            return type_args[0]
        return Any
    return None


def get_dependant(
    *,
    path: str,
    call: Callable[..., Any],
    name: str | None = None,
    own_oauth_scopes: list[str] | None = None,
    parent_oauth_scopes: list[str] | None = None,
    use_cache: bool = True,
    scope: Literal["function", "request"] | None = None,
) -> Dependant:
    dependant = Dependant(
        call=call,
        name=name,
        path=path,
        use_cache=use_cache,
        scope=scope,
        own_oauth_scopes=own_oauth_scopes,
        parent_oauth_scopes=parent_oauth_scopes,
    )
    current_scopes = (parent_oauth_scopes or []) + (own_oauth_scopes or [])
    path_param_names = get_path_param_names(path)
    endpoint_signature = get_typed_signature(call)
    signature_params = endpoint_signature.parameters
    for param_name, param in signature_params.items():
        param_details = analyze_param(
            param_name=param_name,
            annotation=param.annotation,
            value=param.default,
            path_param_names=path_param_names,
        )
        if param_details.depends is not None:
            assert param_details.depends.dependency
            # FastAPI raises DependencyScopeError here; turbo check reports it (TB312).
            sub_own_oauth_scopes: list[str] = []
            if isinstance(param_details.depends, markers.Security):
                if param_details.depends.scopes:
                    sub_own_oauth_scopes = list(param_details.depends.scopes)
            sub_dependant = get_dependant(
                path=path,
                call=param_details.depends.dependency,
                name=param_name,
                own_oauth_scopes=sub_own_oauth_scopes,
                parent_oauth_scopes=current_scopes,
                use_cache=param_details.depends.use_cache,
                scope=param_details.depends.scope,
            )
            dependant.dependencies.append(sub_dependant)
            continue
        if add_non_field_param_to_dependency(
            param_name=param_name,
            type_annotation=param_details.type_annotation,
            dependant=dependant,
        ):
            assert param_details.field is None, (
                f"Cannot specify multiple FastAPI annotations for {param_name!r}"
            )
            continue
        assert param_details.field is not None
        if isinstance(param_details.field.field_info, params.Body):
            dependant.body_params.append(param_details.field)
        else:
            add_param_to_fields(field=param_details.field, dependant=dependant)
    return dependant


def add_non_field_param_to_dependency(
    *, param_name: str, type_annotation: Any, dependant: Dependant
) -> bool | None:
    if lenient_issubclass(type_annotation, Request):
        dependant.request_param_name = param_name
        return True
    elif lenient_issubclass(type_annotation, WebSocket):
        dependant.websocket_param_name = param_name
        return True
    elif lenient_issubclass(type_annotation, HTTPConnection):
        dependant.http_connection_param_name = param_name
        return True
    elif lenient_issubclass(type_annotation, Response):
        dependant.response_param_name = param_name
        return True
    elif lenient_issubclass(type_annotation, StarletteBackgroundTasks):
        dependant.background_tasks_param_name = param_name
        return True
    elif lenient_issubclass(type_annotation, SecurityScopes):
        dependant.security_scopes_param_name = param_name
        return True
    return None


@dataclass
class ParamDetails:
    type_annotation: Any
    depends: markers.Depends | None
    field: ModelField | None


def analyze_param(
    *,
    param_name: str,
    annotation: Any,
    value: Any,
    path_param_names: set[str],
) -> ParamDetails:
    is_path_param = param_name in path_param_names
    field_info = None
    depends = None
    type_annotation: Any = Any
    use_annotation: Any = Any
    if hasattr(annotation, "__value__") and type(annotation).__name__ == "TypeAliasType":
        # unpack in case PEP 695 type syntax is used
        annotation = annotation.__value__
    if annotation is not inspect.Signature.empty:
        use_annotation = annotation
        type_annotation = annotation
    # Extract Annotated info
    if get_origin(use_annotation) is Annotated:
        annotated_args = get_args(annotation)
        type_annotation = annotated_args[0]
        fastapi_annotations = [
            arg
            for arg in annotated_args[1:]
            if isinstance(arg, (FieldInfo, markers.Depends))
        ]
        fastapi_specific_annotations = [
            arg
            for arg in fastapi_annotations
            if isinstance(
                arg,
                (
                    params.Param,
                    params.Body,
                    markers.Depends,
                ),
            )
        ]
        if fastapi_specific_annotations:
            fastapi_annotation: FieldInfo | markers.Depends | None = (
                fastapi_specific_annotations[-1]
            )
        else:
            fastapi_annotation = None
        # Set default for Annotated FieldInfo
        if isinstance(fastapi_annotation, FieldInfo):
            # Copy `field_info` because we mutate `field_info.default` below.
            field_info = copy_field_info(
                field_info=fastapi_annotation,
                annotation=use_annotation,
            )
            assert (
                field_info.default == Undefined or field_info.default == RequiredParam
            ), (
                f"`{field_info.__class__.__name__}` default value cannot be set in"
                f" `Annotated` for {param_name!r}. Set the default value with `=` instead."
            )
            if value is not inspect.Signature.empty:
                assert not is_path_param, "Path parameters cannot have default values"
                field_info.default = value
            else:
                field_info.default = RequiredParam
        # Get Annotated Depends
        elif isinstance(fastapi_annotation, markers.Depends):
            depends = fastapi_annotation
    # Get Depends from default value
    if isinstance(value, markers.Depends):
        assert depends is None, (
            "Cannot specify `Depends` in `Annotated` and default value"
            f" together for {param_name!r}"
        )
        assert field_info is None, (
            "Cannot specify a FastAPI annotation in `Annotated` and `Depends` as a"
            f" default value together for {param_name!r}"
        )
        depends = value
    # Get FieldInfo from default value
    elif isinstance(value, FieldInfo):
        assert field_info is None, (
            "Cannot specify FastAPI annotations in `Annotated` and default value"
            f" together for {param_name!r}"
        )
        field_info = value
        if isinstance(field_info, FieldInfo):
            field_info.annotation = type_annotation

    # Get Depends from type annotation
    if depends is not None and depends.dependency is None:
        # Copy `depends` before mutating it
        depends = copy(depends)
        depends.dependency = type_annotation

    # Handle non-param type annotations like Request
    # Only apply special handling when there's no explicit Depends - if there's a Depends,
    # the dependency will be called and its return value used instead of the special injection
    if depends is None and lenient_issubclass(
        type_annotation,
        (
            Request,
            WebSocket,
            HTTPConnection,
            Response,
            StarletteBackgroundTasks,
            SecurityScopes,
        ),
    ):
        assert field_info is None, (
            f"Cannot specify FastAPI annotation for type {type_annotation!r}"
        )
    # Handle default assignations, neither field_info nor depends was not found in Annotated nor default value
    elif field_info is None and depends is None:
        default_value = value if value is not inspect.Signature.empty else RequiredParam
        if is_path_param:
            # We might check here that `default_value is RequiredParam`, but the fact is that the same
            # parameter might sometimes be a path parameter and sometimes not. See
            # `tests/test_infer_param_optionality.py` for an example.
            field_info = params.Path(annotation=use_annotation)
        elif is_uploadfile_or_nonable_uploadfile_annotation(
            type_annotation
        ) or is_uploadfile_sequence_annotation(type_annotation):
            field_info = params.File(annotation=use_annotation, default=default_value)
        elif not field_annotation_is_scalar(annotation=type_annotation):
            field_info = params.Body(annotation=use_annotation, default=default_value)
        else:
            field_info = params.Query(annotation=use_annotation, default=default_value)
        if get_origin(use_annotation) is Annotated:
            inferred_default = field_info.default
            field_info = copy_field_info(
                field_info=field_info,
                annotation=use_annotation,
            )
            field_info.default = inferred_default
            if is_path_param:
                # A default factory can apply when this endpoint is used without the
                # path parameter, but path parameters must always be required.
                field_info.default_factory = None

    field = None
    # It's a field_info, not a dependency
    if field_info is not None:
        # Handle field_info.in_
        if is_path_param:
            assert isinstance(field_info, params.Path), (
                f"Cannot use `{field_info.__class__.__name__}` for path param"
                f" {param_name!r}"
            )
        elif (
            isinstance(field_info, params.Param)
            and getattr(field_info, "in_", None) is None
        ):
            field_info.in_ = params.ParamTypes.query
        use_annotation_from_field_info = use_annotation
        if isinstance(field_info, params.Form):
            # FastAPI adds validators to a union of form models here; they
            # do not change the schema.
            pass
        validation_alias = field_info.validation_alias
        if (
            isinstance(field_info, params.Path)
            and isinstance(validation_alias, AliasChoices)
            and all(isinstance(choice, str) for choice in validation_alias.choices)
        ):
            for choice in cast(list[str], validation_alias.choices):
                if choice in path_param_names:
                    # Resolve the route name for both validation and OpenAPI without
                    # changing metadata shared with other routes.
                    field_info = copy(field_info)
                    field_info.validation_alias = choice
                    break
        if not field_info.alias and getattr(field_info, "convert_underscores", None):
            alias = param_name.replace("_", "-")
        else:
            alias = field_info.alias or param_name
        field_info.alias = alias
        field = create_model_field(
            name=param_name,
            type_=use_annotation_from_field_info,
            default=field_info.default,
            alias=alias,
            field_info=field_info,
        )
        if is_path_param:
            assert is_scalar_field(field=field), (
                "Path params must be of one of the supported types"
            )
        elif isinstance(field_info, params.Query):
            assert (
                is_scalar_field(field)
                or field_annotation_is_scalar_sequence(field.field_info.annotation)
                or _get_model_type(field.field_info.annotation) is not None
            ), f"Query parameter {param_name!r} must be one of the supported types"

    return ParamDetails(type_annotation=type_annotation, depends=depends, field=field)


def add_param_to_fields(*, field: ModelField, dependant: Dependant) -> None:
    field_info = field.field_info
    field_info_in = getattr(field_info, "in_", None)
    if field_info_in == params.ParamTypes.path:
        dependant.path_params.append(field)
    elif field_info_in == params.ParamTypes.query:
        dependant.query_params.append(field)
    elif field_info_in == params.ParamTypes.header:
        dependant.header_params.append(field)
    else:
        assert field_info_in == params.ParamTypes.cookie, (
            f"non-body parameters must be in path, query, header or cookie: {field.name}"
        )
        dependant.cookie_params.append(field)


def _is_json_field(field: ModelField) -> bool:
    return any(type(item) is Json for item in field.field_info.metadata)


def _get_form_union_models(annotation: Any) -> list[type[BaseModel]]:
    if get_origin(annotation) not in (Union, UnionType):
        return []
    models = []
    for arg in get_args(annotation):
        if arg is type(None):
            continue
        if get_origin(arg) is Annotated:
            arg = get_args(arg)[0]
        if not lenient_issubclass(arg, BaseModel):
            return []
        models.append(arg)
    # A nullable single model uses the regular form model extraction.
    return models if len(models) > 1 else []


def _get_form_models(field: ModelField) -> list[type[BaseModel]]:
    if (
        not isinstance(field.field_info, params.Form)
        or field.field_info.embed
        or _is_json_field(field)
    ):
        return []
    model = _get_model_type(field.field_info.annotation)
    if model is not None:
        return [model]
    return _get_form_union_models(field.field_info.annotation)


def _get_form_model(field: ModelField) -> type[BaseModel] | None:
    models = _get_form_models(field)
    return models[0] if len(models) == 1 else None


def _should_embed_body_fields(fields: list[ModelField]) -> bool:
    if not fields:
        return False
    # More than one dependency could have the same field, it would show up as multiple
    # fields but it's the same one, so count them by name
    body_param_names_set = {field.name for field in fields}
    # A top level field has to be a single field, not multiple
    if len(body_param_names_set) > 1:
        return True
    first_field = fields[0]
    # Dependencies can use the same parameter name for different form models.
    if _get_form_models(first_field) and any(
        not _get_form_models(field)
        or field.field_info.annotation is not first_field.field_info.annotation
        for field in fields[1:]
    ):
        return True
    # If it explicitly specifies it is embedded, it has to be embedded
    if getattr(first_field.field_info, "embed", None):
        return True
    # If it's a Form (or File) field, it has to be a BaseModel (or a union of BaseModels) to be top level
    # otherwise it has to be embedded, so that the key value pair can be extracted
    if (
        isinstance(first_field.field_info, params.Form)
        and not lenient_issubclass(first_field.field_info.annotation, BaseModel)
        and not _get_form_models(first_field)
    ):
        return True
    return False


def _get_form_model_schema(
    model: type[BaseModel], core_schema: CoreSchema, handler: GetJsonSchemaHandler
) -> dict[str, Any]:
    schema = handler(core_schema)
    model_schema = handler.resolve_ref_schema(schema)
    properties = model_schema.get("properties", {})
    required = model_schema.get("required", [])
    aliases = {}
    for field in get_cached_model_fields(model):
        validation_alias = field.field_info.validation_alias
        schema_name = (
            validation_alias.choices[0]
            if isinstance(validation_alias, AliasChoices)
            else get_validation_alias(field)
        )
        names = [alias for alias, _ in _get_param_aliases(field)]
        if (
            isinstance(schema_name, str)
            and schema_name in properties
            and (
                names[0] != schema_name or (len(names) > 1 and schema_name in required)
            )
        ):
            aliases[schema_name] = names
    if not aliases:
        return schema
    # Adjust only this form's aliases, leaving shared model schemas intact.
    model_schema = deepcopy(model_schema)
    model_schema["properties"] = {
        aliases.get(name, [name])[0]: value
        for name, value in model_schema["properties"].items()
    }
    model_schema["required"] = []
    for name in required:
        names = aliases.get(name, [name])
        if len(names) == 1:
            model_schema["required"].append(names[0])
        else:
            model_schema.setdefault("allOf", []).append(
                {"anyOf": [{"required": [name]} for name in names]}
            )
    return model_schema


def _apply_form_body_schema(
    body_params: list[ModelField], schema: dict[str, Any]
) -> None:
    parameter_schemas = schema.pop("properties")
    schema.pop("required", None)
    properties: dict[str, Any] = {}
    required: list[str] = []
    conditions: list[dict[str, Any]] = []
    for index, param in enumerate(body_params):
        field_schema = parameter_schemas[f"field_{index}"]
        models = _get_form_models(param)
        if not models:
            alias = _get_param_aliases(param)[0][0]
            if alias in properties:
                conditions.append({"properties": {alias: field_schema}})
            else:
                properties[alias] = field_schema
            if param.field_info.is_required() and alias not in required:
                required.append(alias)
            continue

        field_schema.pop("default", None)
        if type(None) in get_args(param.field_info.annotation):
            # A flat form group is omitted through absent fields, not a null body.
            field_schema["anyOf"] = [
                choice
                for choice in field_schema["anyOf"]
                if choice.get("type") != "null"
            ]
            if any(
                model.model_config.get("extra") in ("allow", "forbid")
                for model in models
            ):
                absent: dict[str, Any] = {"maxProperties": 0}
            else:
                names = sorted(
                    {
                        alias
                        for model in models
                        for item in get_cached_model_fields(model)
                        for alias, _ in _get_param_aliases(item)
                    }
                )
                absent = (
                    {"not": {"anyOf": [{"required": [name]} for name in names]}}
                    if names
                    else {}
                )
            if param.field_info.is_required():
                conditions.append({"not": absent})
            else:
                field_schema = {"anyOf": [absent, field_schema]}
        conditions.append(field_schema)
    if properties:
        schema["properties"] = properties
    if required:
        schema["required"] = required
    schema["allOf"] = conditions


def _get_body_field(
    *, body_params: list[ModelField], name: str, embed_body_fields: bool
) -> ModelField | None:
    """
    Get a ModelField representing the request body for a path operation, combining
    all body parameters into a single field if necessary.

    Used to check if it's form data (with `isinstance(body_field, params.Form)`)
    or JSON and to generate the JSON Schema for a request body.

    This is **not** used to validate/parse the request body, that's done with each
    individual body parameter.
    """
    if not body_params:
        return None
    first_param = body_params[0]
    has_nullable_form_model = any(
        _get_form_models(field) and type(None) in get_args(field.field_info.annotation)
        for field in body_params
    )
    if not embed_body_fields and not has_nullable_form_model:
        return first_param
    model_name = "Body_" + name
    fields = body_params
    config: ConfigDict | None = None
    if any(_get_form_models(field) for field in body_params):
        fields = []
        for index, field in enumerate(body_params):
            field_info = copy(field.field_info)
            if (model := _get_form_model(field)) is not None:
                model_annotation: Any = model
                model_annotation = Annotated[
                    model_annotation,
                    GetPydanticSchema(
                        get_pydantic_json_schema=partial(_get_form_model_schema, model)
                    ),
                ]
                field_info.annotation = cast(
                    Any,
                    model_annotation
                    if field_info.annotation is model
                    else model_annotation | None,
                )
            field_info.alias = field_info.validation_alias = f"field_{index}"
            field_info.serialization_alias = f"field_{index}"
            field_info.title = field_info.title or field.name.replace("_", " ").title()
            fields.append(ModelField(name=f"field_{index}", field_info=field_info))
        config = {"json_schema_extra": partial(_apply_form_body_schema, body_params)}
    BodyModel = create_body_model(fields=fields, model_name=model_name, config=config)
    if not embed_body_fields:
        field_info = copy(first_param.field_info)
        field_info.annotation = BodyModel
        # The original form field already carries the validation metadata.
        field_info.metadata = []
        field_info.discriminator = None
        return ModelField(name=first_param.name, field_info=field_info)
    required = any(True for f in body_params if f.field_info.is_required())
    BodyFieldInfo_kwargs: dict[str, Any] = {
        "annotation": BodyModel,
        "alias": "body",
    }
    if not required:
        BodyFieldInfo_kwargs["default"] = None
    if any(isinstance(f.field_info, params.File) for f in body_params):
        BodyFieldInfo: type[params.Body] = params.File
    elif any(isinstance(f.field_info, params.Form) for f in body_params):
        BodyFieldInfo = params.Form
    else:
        BodyFieldInfo = params.Body

    if BodyFieldInfo is not params.File:
        body_param_media_types = [
            f.field_info.media_type
            for f in body_params
            if isinstance(f.field_info, BodyFieldInfo)
        ]
        if (
            BodyFieldInfo is params.Form
            and "multipart/form-data" in body_param_media_types
        ):
            BodyFieldInfo_kwargs["media_type"] = "multipart/form-data"
        elif len(set(body_param_media_types)) == 1:
            BodyFieldInfo_kwargs["media_type"] = body_param_media_types[0]
    final_field = create_model_field(
        name="body",
        type_=BodyModel,
        alias="body",
        field_info=BodyFieldInfo(**BodyFieldInfo_kwargs),
    )
    return final_field


def get_validation_alias(field: ModelField) -> str:
    va = getattr(field, "validation_alias", None)
    return va or field.alias


def _get_param_aliases(
    field: ModelField, *, convert_underscores: bool = False
) -> list[tuple[str, str]]:
    """Return (validation alias, request key) pairs in preference order."""
    alias = get_validation_alias(field)
    request_alias = alias
    if convert_underscores and alias == field.name:
        request_alias = alias.replace("_", "-")
    validation_alias = field.field_info.validation_alias
    if isinstance(field.field_info, params.Path) or isinstance(
        validation_alias, AliasPath
    ):
        return [(alias, request_alias)]
    aliases = [(alias, request_alias)]
    if isinstance(validation_alias, AliasChoices):
        if any(isinstance(choice, AliasPath) for choice in validation_alias.choices):
            return aliases
        # Explicit choices are literal names, including underscores in headers.
        aliases = [
            (choice, choice) for choice in cast(list[str], validation_alias.choices)
        ]
    config = field.config or {}
    if config.get("validate_by_alias") is False or config.get(
        "validate_by_name", config.get("populate_by_name", False)
    ):
        request_name = field.name
        if convert_underscores:
            request_name = request_name.replace("_", "-")
        if config.get("validate_by_alias") is False:
            return [(field.name, request_name)]
        if field.name not in [alias for alias, _ in aliases]:
            aliases.append((field.name, request_name))
    return aliases

