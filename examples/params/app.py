"""Query(), Path(), Header() and Cookie() in both of FastAPI's spellings:
an unmodified FastAPI app."""

from typing import Annotated, List, Optional

from fastapi import Cookie, FastAPI, Header, Path, Query

app = FastAPI()


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


@app.get("/bounded/{code}")
def bounded(
    code: Annotated[str, Path(min_length=2, max_length=4, pattern="^[A-Z]+$")],
    page: int = Query(1, ge=1, le=100),
    step: Annotated[int, Query(gt=0, lt=50, multiple_of=5)] = 5,
    ratio: float = Query(0.5, gt=0, le=1),
    scale: Annotated[float, Query(ge=-2.5, multiple_of=0.5)] = 1.0,
    huge: float = Query(0, le=1e20),
    name: Optional[str] = Query(None, min_length=1, max_length=3),
    word: str = Query("ok", regex="^[a-z]+$"),
    x_version: int = Header(1, ge=1, le=3),
    theme: Annotated[str, Cookie(max_length=5)] = "light",
):
    return {"code": code, "page": page, "step": step, "ratio": ratio, "scale": scale, "huge": huge,
            "name": name, "word": word, "version": x_version, "theme": theme}


@app.get("/lists")
def lists(
    tags: list[str] = Query([]),
    ids: Annotated[Optional[List[int]], Query(alias="id")] = None,
    need: list[float] = Query(),
    flags: list[bool] = Query(["yes", 0]),
    x_tag: list[str] = Header(None),
):
    return {"tags": tags, "ids": ids, "need": need, "flags": flags, "x_tag": x_tag}
