"""The dependencies the app really uses, and the replacements its tests
set in `app.dependency_overrides` (selected by OVERRIDES, see main.py)."""

from typing import Annotated

from fastapi import Depends, Header, HTTPException, Query

EVENTS: list = []


def get_db():
    EVENTS.append("real db: open")
    yield "real-db"
    EVENTS.append("real db: close")


def token(authorization: Annotated[str, Header()]) -> str:
    if authorization != "Bearer good":
        raise HTTPException(status_code=401, detail="bad token")
    return authorization


def get_user(tok: Annotated[str, Depends(token)], db: Annotated[str, Depends(get_db)]) -> dict:
    return {"user": "from-token", "db": db}


def settings(level: int = Query(1, ge=1)) -> dict:
    return {"level": level, "source": "real"}


def strict(x: int = Query()) -> int:
    return x


def common_parameters(q: str | None = None, skip: int = 0, limit: int = 100) -> dict:
    return {"q": q, "skip": skip, "limit": limit}


# Replacements, as tests write them.


def fake_db():
    EVENTS.append("fake db: open")
    try:
        yield "fake-db"
    finally:
        EVENTS.append("fake db: close")


def fake_user() -> dict:
    return {"user": "fake"}


async def fake_settings(level: int = Query(1, ge=1)) -> dict:
    """The same parameters as `settings`, but `async def`."""
    return {"level": level * 10, "source": "fake"}


def wrong_strict(y: int) -> int:
    return y


async def override_dependency(q: str | None = None) -> dict:
    """FastAPI's testing guide: some of the replaced parameters (`skip` and
    `limit` are then not read at all)."""
    return {"q": q, "skip": 5, "limit": 10}


def user_from_db(db: Annotated[str, Depends(get_db)]) -> dict:
    """Keeps one of `get_user`'s dependencies (the token check is not run)."""
    return {"user": "from-db", "db": db}
