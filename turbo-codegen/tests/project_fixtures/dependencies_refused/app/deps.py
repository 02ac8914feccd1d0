from __future__ import annotations

from typing import Annotated

from fastapi import Body, Depends


async def async_user():
    return "ann"


def session():
    yield "db"


class Pagination:
    def __init__(self, skip: int = 0):
        self.skip = skip


class Checker:
    def __call__(self):
        return True


checker = Checker()


def with_body(payload: dict = Body()):
    return payload


def first(value: Annotated[str, Depends(lambda: "x")] = ""):
    return value


def ping(value: Annotated[str, Depends(pong)]):
    return value


def pong(value: Annotated[str, Depends(ping)]):
    return value
