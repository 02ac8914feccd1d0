from fastapi import APIRouter, Depends

from app.api.deps import Session, admin_only, counter

router = APIRouter(prefix="/admin", dependencies=[Depends(admin_only)])


@router.get("/stats")
def stats(db: Session, first: int = Depends(counter), again: int = Depends(counter), fresh: int = Depends(counter, use_cache=False)):
    total, stock = db.execute("SELECT COUNT(*), SUM(stock) FROM items").fetchone()
    return {"items": total, "stock": stock, "counters": [first, again, fresh]}


@router.delete("/items/{item_id}", status_code=204)
def delete_item(item_id: int, db: Session) -> None:
    db.execute("DELETE FROM items WHERE id = ?", (item_id,))
