"""Request bodies as pydantic models: an unmodified FastAPI app."""

from typing import List, Optional

from fastapi import FastAPI, HTTPException, status
from pydantic import BaseModel, Field

app = FastAPI()


class Tag(BaseModel):
    name: str = Field(min_length=1, max_length=10)


class Item(BaseModel):
    name: str
    price: float = Field(gt=0)
    quantity: int = 1
    tags: List[Tag] = []
    description: Optional[str] = None


class SpecialItem(Item):
    code: str = Field(pattern=r"^[A-Z]{3}$")


@app.post("/items", status_code=status.HTTP_201_CREATED)
def create_item(item: Item):
    return {"created": item, "total": item.price * item.quantity}


@app.put("/items/{item_id}")
def update_item(item_id: int, item: Item, notify: bool = False):
    if item_id == 0:
        raise HTTPException(status_code=status.HTTP_404_NOT_FOUND, detail="no item 0")
    return {"item_id": item_id, "name": item.name, "tags": [t.name for t in item.tags], "notify": notify}


@app.post("/special")
async def create_special(item: SpecialItem):
    return item


@app.post("/optional")
def optional_body(item: Optional[Item] = None):
    return {"received": item is not None, "item": item}
