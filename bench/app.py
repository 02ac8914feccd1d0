"""The benchmark app: an unmodified FastAPI app, served by FastAPI/uvicorn
and compiled by turbo. The pure-hyper baseline serves the same routes."""

from typing import Annotated

from fastapi import Depends, FastAPI, Query
from pydantic import BaseModel

app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)


@app.get("/")
def root():
    return {"message": "Hello, World"}


@app.get("/items/{item_id}")
def read_item(item_id: int, q: str | None = None):
    return {"item_id": item_id, "q": q}


@app.get("/async/items/{item_id}")
async def read_item_async(item_id: int, q: str | None = None):
    return {"item_id": item_id, "q": q}


class Item(BaseModel):
    name: str
    price: float
    quantity: int = 1


@app.post("/items")
def create_item(item: Item):
    return item


@app.get("/search")
def search(
    q: Annotated[str, Query(min_length=1, max_length=50)],
    page: Annotated[int, Query(ge=1, le=1000)] = 1,
    size: Annotated[int, Query(ge=1, le=100)] = 10,
):
    return {"q": q, "page": page, "size": size}


def pagination(skip: int = 0, limit: int = 10):
    return {"skip": skip, "limit": limit}


def get_settings():
    return {"env": "bench"}


@app.get("/deps")
def with_dependencies(q: str, page: dict = Depends(pagination), settings: dict = Depends(get_settings)):
    return {"q": q, "skip": page["skip"], "limit": page["limit"], "env": settings["env"]}


def get_session():
    session = {"open": True}
    try:
        yield session
    finally:
        session["open"] = False


@app.get("/deps-yield")
def with_yield_dependency(q: str, page: dict = Depends(pagination), session: dict = Depends(get_session)):
    return {"q": q, "skip": page["skip"], "limit": page["limit"], "open": session["open"]}
