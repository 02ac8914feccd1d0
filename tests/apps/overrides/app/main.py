"""An app whose dependencies are replaced through `app.dependency_overrides`
before it serves, as tests written the FastAPI way do. OVERRIDES is a
comma-separated list of the overrides to set."""

import os
from typing import Annotated

from fastapi import Depends, FastAPI

from app.deps import (
    EVENTS,
    common_parameters,
    override_dependency,
    user_from_db,
    fake_db,
    fake_settings,
    fake_user,
    get_db,
    get_user,
    settings,
    strict,
    wrong_strict,
)

app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)


@app.get("/db")
def read_db(db: Annotated[str, Depends(get_db)]):
    return {"db": db}


@app.get("/me")
def read_me(user: Annotated[dict, Depends(get_user)], db: Annotated[str, Depends(get_db)]):
    return {"user": user, "db": db}


@app.get("/settings")
def read_settings(config: Annotated[dict, Depends(settings)]):
    return config


@app.get("/strict")
def read_strict(x: Annotated[int, Depends(strict)]):
    return {"x": x}


@app.get("/items/")
def read_items(commons: Annotated[dict, Depends(common_parameters)]):
    return {"message": "Hello Items!", "params": commons}


@app.get("/events")
def read_events():
    recorded = list(EVENTS)
    EVENTS.clear()
    return recorded


chosen = set(filter(None, os.environ.get("OVERRIDES", "").split(",")))
if "db" in chosen:
    app.dependency_overrides[get_db] = fake_db
if "user" in chosen:
    app.dependency_overrides[get_user] = fake_user
if "lambda" in chosen:
    app.dependency_overrides[get_user] = lambda: {"user": "lambda"}
if "settings" in chosen:
    app.dependency_overrides[settings] = fake_settings
if "commons" in chosen:
    app.dependency_overrides[common_parameters] = override_dependency
if "subset" in chosen:
    app.dependency_overrides[get_user] = user_from_db
if "wrong" in chosen:
    app.dependency_overrides[strict] = wrong_strict
