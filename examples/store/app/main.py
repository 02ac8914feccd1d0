"""A store backed by SQLite: the dependencies FastAPI apps are made of,
across modules and at every level (app, include, router, decorator,
parameter)."""

from fastapi import Depends, FastAPI

from app import db
from app.api import admin, items
from app.api.deps import EVENTS, numbered, plain_numbered, request_id, verify_key

app = FastAPI(dependencies=[Depends(request_id)])

app.include_router(items.router, prefix="/items", dependencies=[Depends(verify_key)])
app.include_router(admin.router)


@app.get("/events")
def events():
    recorded = list(EVENTS)
    EVENTS.clear()
    return recorded


@app.post("/reset", status_code=204)
def reset() -> None:
    db.reset()
    EVENTS.clear()


@app.get("/cache-keys")
def cache_keys(
    a: int = Depends(numbered),
    b: int = Depends(numbered, scope="function"),
    c: int = Depends(numbered, scope="request"),
    d: int = Depends(plain_numbered),
    e: int = Depends(plain_numbered, scope="request"),
    f: int = Depends(plain_numbered, use_cache=False),
):
    """The request's cache is keyed by dependable and scope (`scope=` as
    given, "request" for a generator without one)."""
    return [a, b, c, d, e, f]
