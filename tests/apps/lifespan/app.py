"""Lifespan (issue 13): `lifespan=` with state, a router's own lifespan
merged into the app's, `on_event`/`add_event_handler` handlers (sync and
async), `app.state`, `request.state` shared by a request's dependencies
and handler and fresh for each request. LIFESPAN_STYLE=events uses event
handlers instead of `lifespan=`; FAIL_STARTUP makes startup raise.
Every lifecycle event is appended to EVENTS and, if LIFESPAN_LOG names a
file, to it (to observe shutdown after the process ended)."""

import asyncio
import os
from contextlib import asynccontextmanager

from fastapi import APIRouter, Depends, FastAPI, Request

EVENTS = []


def record(event: str) -> None:
    EVENTS.append(event)
    if os.environ.get("LIFESPAN_LOG"):
        with open(os.environ["LIFESPAN_LOG"], "a") as log:
            log.write(event + "\n")


@asynccontextmanager
async def lifespan(app: FastAPI):
    record("app lifespan enter")
    await asyncio.sleep(0.01)
    app.state.greeting = "hello"
    if os.environ.get("FAIL_STARTUP"):
        raise RuntimeError("the database is unreachable")
    yield {"pool": "pool-1", "shared": {"hits": 0}, "overridden": "app"}
    await asyncio.sleep(0.01)
    record("app lifespan exit")


@asynccontextmanager
async def router_lifespan(app: FastAPI):
    record("router lifespan enter")
    yield {"router_value": 7, "overridden": "router"}
    record("router lifespan exit")


router = APIRouter(lifespan=router_lifespan)


@router.on_event("startup")
def router_startup():
    record("router startup")


@router.get("/router-state")
def router_state(request: Request):
    return {"router_value": request.state.router_value, "overridden": request.state.overridden}


async def async_startup():
    await asyncio.sleep(0.01)
    record("async startup")


def sync_shutdown():
    record("sync shutdown")


EVENTS_STYLE = os.environ.get("LIFESPAN_STYLE") == "events"

# With `lifespan=`, FastAPI runs no event handler (neither these nor the
# router's, which include_router copies into the app's).
app = FastAPI(
    lifespan=None if EVENTS_STYLE else lifespan,
    on_startup=[async_startup],
    openapi_url=None,
    docs_url=None,
    redoc_url=None,
)
app.router.add_event_handler("shutdown", sync_shutdown)


@app.on_event("startup")
def startup_state():
    app.state.greeting = "hello"
    if os.environ.get("FAIL_STARTUP"):
        raise RuntimeError("the database is unreachable")
    record("on_event startup")


app.include_router(router)


@app.get("/events")
def events():
    return EVENTS


@app.get("/state")
def state(request: Request):
    return {
        "pool": getattr(request.state, "pool", None),
        "greeting": request.app.state.greeting,
    }


@app.get("/hits")
async def hits(request: Request):
    # uvicorn copies the lifespan state shallowly: the inner dict is shared.
    request.state.shared["hits"] += 1
    return request.state.shared


def set_user(request: Request):
    request.state.user = "alice"


@app.get("/dependency-state", dependencies=[Depends(set_user)])
def dependency_state(request: Request):
    return {"user": request.state.user}


@app.get("/fresh")
def fresh(request: Request):
    return {"has_user": hasattr(request.state, "user")}
