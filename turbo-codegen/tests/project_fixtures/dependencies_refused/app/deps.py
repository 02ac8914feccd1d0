from __future__ import annotations

from collections import OrderedDict
from typing import Annotated

from fastapi import Depends

SCOPES = ["items"]


class Inherited(OrderedDict):
    """Its `__init__` comes from a class turbo does not read."""


class NotCallable:
    pass


not_callable = NotCallable()


def session():
    yield "db"


def function_scoped():
    yield "x"


def repository(db: Annotated[str, Depends(function_scoped, scope="function")]):
    yield db


def with_scopes(token: str = ""):
    return token


def first(value: Annotated[str, Depends(lambda: "x")] = ""):
    return value


def ping(value: Annotated[str, Depends(pong)]):
    return value


def pong(value: Annotated[str, Depends(ping)]):
    return value
