"""Query(), Path(), Header() and Cookie() in both of FastAPI's spellings:
an unmodified FastAPI app."""

from typing import Annotated, Optional

from fastapi import Cookie, FastAPI, Header, Path, Query

app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)


@app.get("/search")
def search(
    q: str = Query(..., description="what to look for"),
    page: int = Query(1, alias="p"),
    size: Annotated[int, Query(alias="page-size")] = 10,
    exact: Annotated[bool, Query()] = False,
    lang: Optional[str] = Query(default=None, deprecated=True),
):
    return {"q": q, "page": page, "size": size, "exact": exact, "lang": lang}


@app.get("/items/{item_id}")
def item(item_id: Annotated[int, Path(title="The item")], detail: Annotated[Optional[str], Query()] = None):
    return {"item_id": item_id, "detail": detail}


@app.get("/headers")
def headers(
    user_agent: str = Header(),
    x_token: Optional[int] = Header(None),
    raw_name: Optional[str] = Header(None, convert_underscores=False),
    custom: Annotated[Optional[str], Header(alias="X-Custom")] = None,
    accept_language: Annotated[str, Header()] = "en",
):
    return {"ua": user_agent, "token": x_token, "raw": raw_name, "custom": custom, "lang": accept_language}


@app.get("/cookies")
def cookies(
    session: str = Cookie(),
    count: Annotated[int, Cookie()] = 0,
    named: Optional[str] = Cookie(None, alias="my-cookie"),
    flag: Optional[bool] = Cookie(None),
):
    return {"session": session, "count": count, "named": named, "flag": flag}


@app.get("/mixed/{item_id}")
def mixed(item_id: int, q: int = Query(...), x_level: int = Header(), tracker: float = Cookie()):
    return {"item_id": item_id, "q": q, "level": x_level, "tracker": tracker}
