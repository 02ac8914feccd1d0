"""``jsonable_encoder``: FastAPI's conversion of Python values to JSON-able data.

The server's Rust encoder writes dicts, lists, tuples, strings, numbers,
booleans and None itself and calls this function only for every other type,
so the two together produce exactly what FastAPI's ``JSONResponse`` produces.
The rules and their order follow ``fastapi.encoders.jsonable_encoder``.
"""

import dataclasses
import datetime
from collections import deque
from decimal import Decimal
from enum import Enum
from ipaddress import IPv4Address, IPv4Interface, IPv4Network, IPv6Address, IPv6Interface, IPv6Network
from pathlib import PurePath
from re import Pattern
from types import GeneratorType
from typing import Any, Callable, Dict, Optional, Tuple, Type
from uuid import UUID

try:  # pydantic is optional: apps that return no models do not need it.
    from pydantic import BaseModel as _BaseModel
    from pydantic.networks import AnyUrl as _AnyUrl, NameEmail as _NameEmail
    from pydantic.types import SecretBytes as _SecretBytes, SecretStr as _SecretStr
    from pydantic_core import PydanticUndefinedType as _UndefinedType, Url as _Url
except ImportError:  # pragma: no cover - exercised only without pydantic

    class _Missing:
        pass

    _BaseModel = _AnyUrl = _NameEmail = _SecretBytes = _SecretStr = _UndefinedType = _Url = _Missing  # type: ignore


def _decimal_encoder(value: Decimal) -> Any:
    # An integral Decimal (no negative exponent) round-trips as int.
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent >= 0:
        return int(value)
    return float(value)


ENCODERS_BY_TYPE: Dict[Type[Any], Callable[[Any], Any]] = {
    bytes: lambda o: o.decode(),
    datetime.date: lambda o: o.isoformat(),
    datetime.datetime: lambda o: o.isoformat(),
    datetime.time: lambda o: o.isoformat(),
    datetime.timedelta: lambda td: td.total_seconds(),
    Decimal: _decimal_encoder,
    Enum: lambda o: o.value,
    frozenset: list,
    deque: list,
    GeneratorType: list,
    IPv4Address: str,
    IPv4Interface: str,
    IPv4Network: str,
    IPv6Address: str,
    IPv6Interface: str,
    IPv6Network: str,
    _NameEmail: str,
    PurePath: str,
    Pattern: lambda o: o.pattern,
    _SecretBytes: str,
    _SecretStr: str,
    set: list,
    UUID: str,
    _Url: str,
    _AnyUrl: str,
}


def _classes_by_encoder() -> Dict[Callable[[Any], Any], Tuple[Any, ...]]:
    grouped: Dict[Callable[[Any], Any], Tuple[Any, ...]] = {}
    for type_, encoder in ENCODERS_BY_TYPE.items():
        grouped[encoder] = grouped.get(encoder, ()) + (type_,)
    return grouped


_ENCODERS_BY_CLASS_TUPLES = _classes_by_encoder()


def jsonable_encoder(
    obj: Any,
    include: Any = None,
    exclude: Any = None,
    by_alias: bool = True,
    exclude_unset: bool = False,
    exclude_defaults: bool = False,
    exclude_none: bool = False,
    custom_encoder: Optional[Dict[Any, Callable[[Any], Any]]] = None,
    sqlalchemy_safe: bool = True,
) -> Any:
    custom_encoder = custom_encoder or {}
    if custom_encoder:
        if type(obj) in custom_encoder:
            return custom_encoder[type(obj)](obj)
        for encoder_type, encoder in custom_encoder.items():
            if isinstance(obj, encoder_type):
                return encoder(obj)
    if include is not None and not isinstance(include, (set, dict)):
        include = set(include)
    if exclude is not None and not isinstance(exclude, (set, dict)):
        exclude = set(exclude)
    nested = dict(
        by_alias=by_alias,
        exclude_unset=exclude_unset,
        exclude_defaults=exclude_defaults,
        exclude_none=exclude_none,
        custom_encoder=custom_encoder,
        sqlalchemy_safe=sqlalchemy_safe,
    )
    if isinstance(obj, _BaseModel):
        data = obj.model_dump(
            mode="json",
            include=include,
            exclude=exclude,
            by_alias=by_alias,
            exclude_unset=exclude_unset,
            exclude_none=exclude_none,
            exclude_defaults=exclude_defaults,
        )
        return jsonable_encoder(
            data, exclude_none=exclude_none, exclude_defaults=exclude_defaults, sqlalchemy_safe=sqlalchemy_safe
        )
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return jsonable_encoder(dataclasses.asdict(obj), include=include, exclude=exclude, **nested)
    if isinstance(obj, Enum):
        return obj.value
    if isinstance(obj, PurePath):
        return str(obj)
    if isinstance(obj, (str, int, float, type(None))):
        return obj
    if isinstance(obj, _UndefinedType):
        return None
    if isinstance(obj, dict):
        allowed_keys = set(obj.keys())
        if include is not None:
            allowed_keys &= set(include)
        if exclude is not None:
            allowed_keys -= set(exclude)
        encoded = {}
        for key, value in obj.items():
            if (
                (not sqlalchemy_safe or not isinstance(key, str) or not key.startswith("_sa"))
                and (value is not None or not exclude_none)
                and key in allowed_keys
            ):
                encoded[jsonable_encoder(key, **nested)] = jsonable_encoder(value, **nested)
        return encoded
    if isinstance(obj, (list, set, frozenset, GeneratorType, tuple, deque)):
        return [jsonable_encoder(item, include=include, exclude=exclude, **nested) for item in obj]
    if type(obj) in ENCODERS_BY_TYPE:
        return ENCODERS_BY_TYPE[type(obj)](obj)
    for encoder, classes in _ENCODERS_BY_CLASS_TUPLES.items():
        if isinstance(obj, classes):
            return encoder(obj)
    try:
        data = dict(obj)
    except Exception as dict_error:
        try:
            data = vars(obj)
        except Exception as vars_error:
            raise ValueError([dict_error, vars_error]) from vars_error
    return jsonable_encoder(data, include=include, exclude=exclude, **nested)
