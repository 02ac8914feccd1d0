import os

from fastapi import APIRouter

router = APIRouter(prefix="items/")
empty = APIRouter()


@empty.get("")
def root():
    return {}


def make_router():
    routers = {"made": APIRouter()}
    return routers["made"]


made = make_router()


@made.get("/made")
def on_made():
    return {}
