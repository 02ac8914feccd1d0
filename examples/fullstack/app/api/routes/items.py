from fastapi import APIRouter, HTTPException

from app.models import ItemCreate, ItemPublic

router = APIRouter(prefix="/items", tags=["items"])

ITEMS = {1: {"id": 1, "title": "Foo", "description": "The foo"}}


@router.get("/", response_model=list[ItemPublic])
def read_items(skip: int = 0, limit: int = 100):
    return list(ITEMS.values())[skip : skip + limit]


@router.get("/{id}", response_model=ItemPublic)
def read_item(id: int):
    if id not in ITEMS:
        raise HTTPException(status_code=404, detail="Item not found")
    return ITEMS[id]


@router.post("/", response_model=ItemPublic, status_code=201)
def create_item(item_in: ItemCreate):
    return {"id": 2, **item_in.model_dump()}
