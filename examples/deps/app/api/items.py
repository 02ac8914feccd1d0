from typing import Annotated

from fastapi import APIRouter, Depends

from app.api import deps
from app.api.deps import current_user, pagination

router = APIRouter()

Page = Annotated[dict, Depends(pagination)]


def calls():
    """The dependables called for this request, in order (then forgotten)."""
    called = list(deps.CALLS)
    deps.CALLS.clear()
    return called


@router.get("/")
def list_items(page: Annotated[dict, Depends(pagination)], q: str = ""):
    return {"page": page, "q": q, "calls": calls()}


@router.get("/mine")
def my_items(user: Annotated[dict, Depends(current_user)], page: Page):
    return {"user": user, "page": page, "calls": calls()}


@router.get("/{item_id}")
def read_item(item_id: int, owner: str = Depends(deps.item_owner), user: dict = Depends(current_user)):
    return {"item_id": item_id, "owner": owner, "user": user["name"], "calls": calls()}


@router.get("/calls/cached")
def cached(a: int = Depends(deps.counter), b: int = Depends(deps.counter)):
    deps.COUNT[0] = 0
    return {"a": a, "b": b}


@router.get("/calls/uncached")
def uncached(a: int = Depends(deps.counter), b: int = Depends(deps.counter, use_cache=False)):
    deps.COUNT[0] = 0
    return {"a": a, "b": b}


@router.post("/audit", dependencies=[Depends(deps.token)], status_code=201)
def audited(path: str = Depends(deps.audit)):
    return {"path": path, "calls": calls()}
