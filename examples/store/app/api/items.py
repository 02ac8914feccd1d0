from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel

from app.api.deps import Pagination, Session, staff, timed

router = APIRouter()


class ItemIn(BaseModel):
    name: str
    price: float
    stock: int = 0


def row(record) -> dict:
    return {"id": record["id"], "name": record["name"], "price": record["price"], "stock": record["stock"]}


@router.get("/")
def list_items(db: Session, page: Annotated[Pagination, Depends()]):
    records = db.execute("SELECT * FROM items ORDER BY id LIMIT ? OFFSET ?", (page.limit, page.offset))
    return [row(r) for r in records]


@router.get("/{item_id}")
def read_item(item_id: int, db: Session):
    record = db.execute("SELECT * FROM items WHERE id = ?", (item_id,)).fetchone()
    if record is None:
        raise HTTPException(status_code=404, detail="Item not found")
    return row(record)


@router.post("/", status_code=201, dependencies=[Depends(staff)])
def create_item(item: ItemIn, db: Session, t: Annotated[str, Depends(timed, scope="function")]):
    cursor = db.execute("INSERT INTO items (name, price, stock) VALUES (?, ?, ?)", (item.name, item.price, item.stock))
    if item.price < 0:
        # Inserted, then refused: the session's exit code rolls it back.
        raise HTTPException(status_code=422, detail="A price cannot be negative")
    if item.name == "crash":
        raise RuntimeError("the handler failed after writing")
    return {"id": cursor.lastrowid, **item.model_dump()}
