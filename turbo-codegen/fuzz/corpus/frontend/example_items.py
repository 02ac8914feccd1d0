"""An unmodified FastAPI app using every parameter type turbo supports.

The differential tests run the same requests against this file under
FastAPI itself and under the server `turbo build` makes from it.
"""

from typing import Optional, Union
from uuid import UUID

from fastapi import FastAPI, HTTPException

app = FastAPI(title="items")

ITEMS = {1: {"name": "hammer", "price": 9.5}, 2: {"name": "nails", "price": 0.05}}


@app.get("/")
def index():
    return {"service": "items", "count": len(ITEMS)}


@app.get("/items/{item_id}")
def read_item(item_id: int, q: Optional[str] = None, short: bool = False):
    item = ITEMS.get(item_id)
    if item is None:
        raise HTTPException(status_code=404, detail=f"item {item_id} not found", headers={"X-Error": "missing"})
    result = {"item_id": item_id, **item}
    if q:
        result["q"] = q
    if not short:
        result["description"] = "A long description of the item"
    return result


@app.get("/items/")
def list_items(skip: int = 0, limit: int = 10, min_price: float | None = None):
    items = [{"id": i, **item} for i, item in ITEMS.items()]
    if min_price is not None:
        items = [item for item in items if item["price"] >= min_price]
    return items[skip : skip + limit]


@app.post("/items/", status_code=201)
def create_item(name: str, price: float, tags: Union[str, None] = None):
    return {"name": name, "price": price, "tags": tags}


@app.put("/items/{item_id}")
def replace_item(item_id: int, name: str):
    return {"item_id": item_id, "name": name}


@app.delete("/items/{item_id}", status_code=204)
def delete_item(item_id: int):
    return None


@app.get("/users/me")
def read_current_user():
    return {"user": "the current user"}


@app.get("/users/{user_id}")
def read_user(user_id: str):
    return {"user_id": user_id}


@app.get("/files/{file_path:path}")
def read_file(file_path: str):
    return {"file_path": file_path}


@app.get("/orders/{order_id:int}")
def read_order(order_id: int, verbose: bool = False):
    return {"order_id": order_id, "verbose": verbose}


@app.get("/prices/{price:float}")
def read_price(price: float):
    return {"price": price, "doubled": price * 2}


@app.get("/objects/{object_id:uuid}")
def read_object(object_id: UUID):
    return {"object_id": str(object_id), "version": object_id.version}


@app.get("/reports/{year}-{month}")
def read_report(year: int, month: int):
    return {"year": year, "month": month}


@app.get("/echo")
def echo(text: str, times: int = 1, ratio: float = 1.5, upper: bool = False, note=None):
    return {"text": text.upper() if upper else text, "times": times, "ratio": ratio, "note": note}


@app.get("/numbers")
def numbers(n: int = 12345678901234567890123):
    return {"n": n, "square": n * n, "neg": -n, "float": n / 7, "tiny": 1e-7, "huge": 1e22, "list": [n, 0.1, -0.0]}


@app.get("/unicode/{word}")
def unicode(word: str):
    return {"word": word, "length": len(word), "greeting": "héllo wörld ☃ 😀", "escape": "a\"b\\c\n\t\u0001"}


@app.api_route("/multi", methods=["GET", "POST"])
def multi():
    return ["one", 2, 3.0, True, None, {"nested": [1, {"deep": []}]}]


@app.head("/ping")
def ping_head():
    return {"pong": True}


@app.get("/ping")
def ping():
    return {"pong": True}


@app.get("/teapot")
def teapot():
    raise HTTPException(status_code=418, detail={"reason": "short and stout", "codes": [1, 2]})


@app.get("/forbidden")
def forbidden():
    raise HTTPException(status_code=403)


@app.get("/broken")
def broken():
    raise RuntimeError("this handler is broken on purpose")


@app.get("/not-json")
def not_json():
    return {"value": float("nan")}


@app.get("/optional-required")
def optional_required(x: Optional[int], y: Optional[str] = "default"):
    # Optional without a default is still required (pydantic v2, FastAPI).
    return {"x": x, "y": y}


@app.get("/keyword-only")
def keyword_only(*, first: str, second: int = 2):
    return {"first": first, "second": second}
