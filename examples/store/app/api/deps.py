"""The store's dependencies: a database session with `yield`, an API key
checked for a whole router, pagination as a class, a role checker as a
callable instance, and an async request id for the whole app. Each
records what it does in EVENTS, read back through GET /events."""

from typing import Annotated, AsyncIterator, Iterator, List, Optional

from fastapi import Depends, Header, HTTPException, Query

from app import db

EVENTS: List[str] = []


def get_db() -> Iterator:
    connection = db.connect()
    EVENTS.append("db:open")
    try:
        yield connection
        connection.commit()
        EVENTS.append("db:commit")
    except HTTPException as exc:
        connection.rollback()
        EVENTS.append(f"db:rollback:{exc.status_code}")
        raise
    except Exception as exc:
        connection.rollback()
        EVENTS.append(f"db:rollback:{type(exc).__name__}")
        raise
    finally:
        connection.close()
        EVENTS.append("db:close")


Session = Annotated[object, Depends(get_db)]


async def request_id(x_request_id: Annotated[Optional[str], Header()] = None) -> str:
    EVENTS.append(f"request:{x_request_id or '-'}")
    return x_request_id or "-"


def verify_key(x_api_key: Annotated[str, Header()]) -> str:
    if x_api_key != "s3cret":
        raise HTTPException(status_code=403, detail="Invalid API key")
    return x_api_key


async def timed() -> AsyncIterator[str]:
    EVENTS.append("timed:start")
    try:
        yield "timed"
    finally:
        EVENTS.append("timed:end")


class Pagination:
    def __init__(self, offset: int = 0, limit: Annotated[int, Query(ge=1, le=50)] = 10):
        self.offset = offset
        self.limit = limit


class RoleChecker:
    def __init__(self, allowed: List[str]):
        self.allowed = allowed

    def __call__(self, x_role: Annotated[str, Header()] = "viewer") -> str:
        if x_role not in self.allowed:
            raise HTTPException(status_code=403, detail=f"Role {x_role} may not do this")
        return x_role


admin_only = RoleChecker(["admin"])
staff = RoleChecker(["admin", "clerk"])


def counter() -> int:
    EVENTS.append("counter")
    return len(EVENTS)


def numbered() -> Iterator[int]:
    """A generator counting its calls: FastAPI caches it per scope."""
    EVENTS.append("numbered")
    yield len(EVENTS)


def plain_numbered() -> int:
    EVENTS.append("plain")
    return len(EVENTS)
