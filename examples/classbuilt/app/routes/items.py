from fastapi import APIRouter

router = APIRouter()


@router.get("/")
def list_items(limit: int = 3):
    return {"items": list(range(limit))}


@router.get("/{item_id}")
def get_item(item_id: int):
    return {"item_id": item_id}


def make_router() -> APIRouter:
    return APIRouter(prefix="/made", tags=["made"])


made = make_router()


@made.get("/{name}")
def made_by_factory(name: str):
    return {"name": name}
