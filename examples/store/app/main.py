"""A store backed by SQLite: the dependencies FastAPI apps are made of,
across modules and at every level (app, include, router, decorator,
parameter)."""

from fastapi import Depends, FastAPI

from app import db
from app.api import admin, items
from app.api.deps import EVENTS, request_id, verify_key

app = FastAPI(dependencies=[Depends(request_id)], openapi_url=None, docs_url=None, redoc_url=None)

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
