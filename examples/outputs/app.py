"""Responses: response models, response classes, exception handlers.

An unmodified FastAPI app.
"""

from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import List, Optional
from uuid import UUID

from fastapi import FastAPI, HTTPException, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import (
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
)
from pydantic import BaseModel, Field

app = FastAPI()


class Kind(str, Enum):
    TOOL = "tool"
    TOY = "toy"


class Item(BaseModel):
    name: str
    price: float
    tax: Optional[float] = None
    tags: List[str] = []
    kind: Kind = Kind.TOOL


class UserIn(BaseModel):
    username: str
    password: str
    email: str


class UserOut(BaseModel):
    username: str
    email: str
    display: str = Field(default="", alias="displayName")


ITEMS = {
    "foo": {"name": "Foo", "price": 50.2},
    "bar": {"name": "Bar", "price": 62, "tax": 20.2, "tags": ["a"]},
    "baz": {"name": "Baz", "price": 50.2, "tax": None, "tags": [], "kind": "toy"},
}


class UnicornError(Exception):
    def __init__(self, name: str):
        self.name = name


@app.exception_handler(UnicornError)
async def unicorn_handler(request: Request, exc: UnicornError):
    return JSONResponse(status_code=418, content={"message": f"Oops! {exc.name} did something.", "path": request.url.path})


@app.exception_handler(RequestValidationError)
async def validation_handler(request: Request, exc: RequestValidationError):
    return JSONResponse(status_code=400, content={"errors": len(exc.errors()), "first": exc.errors()[0]["loc"], "body": exc.body})


@app.exception_handler(HTTPException)
def http_handler(request: Request, exc: HTTPException):
    return PlainTextResponse(f"http error: {exc.detail}", status_code=exc.status_code, headers=exc.headers)


@app.post("/users", response_model=UserOut)
def create_user(user: UserIn):
    return user


@app.get("/users/{name}")
def read_user(name: str) -> UserOut:
    return {"username": name, "email": f"{name}@example.com", "password": "secret", "displayName": name.title()}


@app.get("/items/{item_id}", response_model=Item, response_model_exclude_unset=True)
def read_item(item_id: str):
    if item_id not in ITEMS:
        raise HTTPException(status_code=404, detail="Item not found", headers={"X-Error": "missing"})
    return ITEMS[item_id]


@app.get("/items/{item_id}/public", response_model=Item, response_model_exclude={"tax"}, response_model_exclude_none=True)
def read_item_public(item_id: str):
    return ITEMS.get(item_id, {"name": "?", "price": 0})


@app.get("/items/{item_id}/name", response_model=Item, response_model_include={"name", "kind"})
def read_item_name(item_id: str):
    return ITEMS.get(item_id, {"name": "?", "price": 0})


@app.get("/items/{item_id}/defaults", response_model=Item, response_model_exclude_defaults=True)
def read_item_defaults(item_id: str):
    return ITEMS.get(item_id, {"name": "?", "price": 0})


@app.get("/by-alias", response_model=UserOut, response_model_by_alias=False)
def by_alias():
    return UserOut(username="u", email="e", displayName="D")


@app.get("/all", response_model=List[Item])
def all_items():
    return list(ITEMS.values())


@app.get("/broken", response_model=Item)
def broken():
    return {"name": "no price"}


@app.get("/plain-list")
def plain_list() -> List[int]:
    return ["1", 2, 3.0]


@app.get("/values")
def values():
    return {
        "when": datetime(2024, 1, 2, 3, 4, 5),
        "day": date(2024, 1, 2),
        "id": UUID("6f1e2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b"),
        "amount": Decimal("1.50"),
        "kinds": {Kind.TOY},
        "frozen": frozenset([1]),
        "raw": b"bytes",
        "items": [Item(name="a", price=1)],
    }


@app.get("/html", response_class=HTMLResponse)
def html():
    return "<h1>Hello</h1>"


@app.get("/text", response_class=PlainTextResponse)
def text():
    return "plain text"


@app.get("/redirect", response_class=RedirectResponse)
def redirect():
    return "/html"


@app.get("/redirect-302", response_class=RedirectResponse, status_code=302)
def redirect_302():
    return "https://example.com/a b"


@app.get("/json-class", response_class=JSONResponse)
def json_class():
    return {"café": 1.5}


@app.get("/direct")
def direct():
    return JSONResponse(content={"direct": True}, status_code=202, headers={"X-Custom": "direct"})


@app.get("/direct-html")
def direct_html() -> HTMLResponse:
    return HTMLResponse("<p>direct</p>")


@app.get("/raw")
def raw():
    return Response(content=b"\x00\x01", media_type="application/octet-stream")


@app.get("/cookie")
def cookie():
    response = JSONResponse(content={"cookie": "set"})
    response.set_cookie(key="fake", value="fake-cookie-session-value", max_age=300, path="/", domain="example.com",
                        secure=True, httponly=True, samesite="strict")
    return response


@app.get("/delete-cookie")
def delete_cookie():
    response = PlainTextResponse("bye")
    response.delete_cookie("fake")
    return response


@app.get("/unicorns/{name}")
def unicorn(name: str):
    if name == "yolo":
        raise UnicornError(name)
    return {"unicorn": name}


@app.get("/numbers/{n}")
def numbers(n: int):
    return {"n": n}


@app.post("/echo")
def echo(item: Item):
    return item


@app.get("/teapot")
def teapot():
    raise HTTPException(status_code=418)
