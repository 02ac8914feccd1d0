from __future__ import annotations

from typing import Annotated

from fastapi import Body, Depends


class Base:
    def __init__(self, skip: int = 0):
        self.skip = skip


class Inherited(Base):
    """FastAPI would call Base.__init__; turbo reads a class's own `__init__` only."""


class NotCallable:
    pass


not_callable = NotCallable()


def session():
    yield "db"


def function_scoped():
    yield "x"


def repository(db: Annotated[str, Depends(function_scoped, scope="function")]):
    yield db


def with_body(payload: dict = Body()):
    return payload


def first(value: Annotated[str, Depends(lambda: "x")] = ""):
    return value


def ping(value: Annotated[str, Depends(pong)]):
    return value


def pong(value: Annotated[str, Depends(ping)]):
    return value
