"""Everything else a handler can ask for: an unmodified FastAPI app.

Several body parameters, `Body()` values, dict/list/dataclass bodies,
pydantic-validated parameter types (datetime, UUID, Decimal, unions, ...),
the `Request` object and an injected `Response`.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import Enum
from typing import Annotated, Dict, List, Literal, Optional, Union
from uuid import UUID

from fastapi import Body, Cookie, FastAPI, Header, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field

app = FastAPI()


class Item(BaseModel):
    name: str
    price: float = Field(gt=0)


class User(BaseModel):
    username: str
    full_name: Optional[str] = None


class Kind(str, Enum):
    TOOL = "tool"
    TOY = "toy"


@dataclass
class Point:
    x: int
    y: int = 0


@app.put("/items/{item_id}")
def update_item(item_id: int, item: Item, user: User, importance: Annotated[int, Body(gt=0)]):
    return {"item_id": item_id, "item": item, "user": user, "importance": importance}


@app.post("/embedded")
def embedded(item: Item = Body(embed=True)):
    return {"item": item}


@app.post("/optional-second")
def optional_second(item: Item, note: Annotated[Optional[str], Body(max_length=5)] = None):
    return {"item": item, "note": note}


@app.post("/single")
def single(count: int = Body()):
    return {"count": count, "type": type(count).__name__}


@app.post("/aliased")
def aliased(item: Item, tag: str = Body(alias="item-tag")):
    return {"item": item.name, "tag": tag}


@app.post("/dict")
def dict_body(weights: Dict[int, float]):
    return {"weights": weights, "keys": sorted(type(k).__name__ for k in weights)}


@app.post("/list")
def list_body(items: List[Item]):
    return {"names": [item.name for item in items]}


@app.post("/point")
def point_body(point: Point):
    return {"point": point, "sum": point.x + point.y}


@app.get("/when")
def when(
    at: datetime,
    day: Optional[date] = None,
    clock: Optional[time] = None,
    wait: Optional[timedelta] = None,
):
    return {"at": at, "day": day, "clock": clock, "wait": wait}


@app.get("/money/{amount}")
def money(amount: Decimal, ref: UUID, raw: Optional[bytes] = None):
    return {"amount": amount, "doubled": amount * 2, "ref": ref, "version": ref.version, "raw": raw}


@app.get("/union")
def union(value: Union[int, str], flag: Optional[Union[bool, float]] = None):
    return {"value": value, "type": type(value).__name__, "flag": flag}


@app.get("/dates")
def dates(days: Annotated[List[date], Query(min_length=1)], session: Optional[UUID] = Cookie(None)):
    return {"days": days, "session": session}


@app.get("/typed-header")
def typed_header(x_since: Optional[datetime] = Header(None)):
    return {"since": x_since}


@app.post("/request/{name}")
async def with_request(name: str, request: Request):
    body = await request.body()
    return {
        "method": request.method,
        "path": request.url.path,
        "query": dict(request.query_params),
        "x_tag": request.headers.get("x-tag"),
        "cookies": request.cookies,
        "path_params": request.path_params,
        "body": body.decode(),
        "client_is_set": request.client is not None,
    }


@app.get("/request-json")
async def request_json(request: Request):
    return {"received": await request.json()}


@app.get("/response")
def with_response(response: Response, status: int = 200):
    response.headers["X-Custom"] = "yes"
    response.set_cookie("session", "abc", max_age=60, httponly=True)
    if status != 200:
        response.status_code = status
    return {"ok": True}


@app.post("/response-created", status_code=201)
def response_keeps_route_status(response: Response):
    response.headers["X-Extra"] = "1"
    return {"created": True}


@app.get("/tags")
def tags(tag: Annotated[List[str], Query(max_length=2)] = [], kinds: List[Kind] = Query([])):
    return {"tag": tag, "kinds": kinds}


class FilterParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    limit: int = Field(100, gt=0, le=100)
    offset: int = Field(0, ge=0)
    order_by: Literal["created_at", "updated_at"] = "created_at"
    tags: List[str] = []


class CommonHeaders(BaseModel):
    host: str
    save_data: bool = False
    if_modified_since: Optional[str] = None
    x_tag: List[str] = []


class SessionCookies(BaseModel):
    session_id: str
    tracker: Optional[str] = None


@app.get("/filter")
def filter_items(filter_query: Annotated[FilterParams, Query()]):
    return filter_query


@app.get("/common-headers")
def common_headers(headers: Annotated[CommonHeaders, Header()]):
    return headers


@app.get("/cookie-model")
def cookie_model(cookies: Annotated[SessionCookies, Cookie()], q: Optional[int] = None):
    return {"cookies": cookies, "q": q}
