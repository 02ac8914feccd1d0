from fastapi import APIRouter

router = APIRouter()


@router.get("/")
def list_items(limit: int = 3):
    return {"items": list(range(limit))}


@router.get("/{item_id}")
def get_item(item_id: int):
    return {"item_id": item_id}
