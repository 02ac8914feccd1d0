# expect: clean
from fastapi import FastAPI

app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)


# Specific before general: the intended order.
@app.get("/users/me")
def me():
    return "me"


@app.get("/users/{user_id}")
def user(user_id: int):
    return user_id


# Told apart by method.
@app.get("/items/{item_id}")
def read_item(item_id: str):
    return item_id


@app.post("/items/new")
def create_item():
    return {}


# Convertors that cannot overlap with what follows.
@app.get("/orders/{order_id:int}")
def order(order_id: int):
    return order_id


@app.get("/orders/latest")
def latest_order():
    return {}


@app.get("/orders/{slug}")
def order_by_slug(slug: str):
    return slug


@app.get("/prices/{price:float}")
def price(price: float):
    return price


@app.get("/prices/{name}.json")
def price_json(name: str):
    return name


# Different depths never overlap without `:path`.
@app.get("/a/{x}")
def a(x: str):
    return x


@app.get("/a/{x}/{y}")
def ab(x: str, y: str):
    return y


# A `:path` route declared last catches only what nothing else serves.
@app.get("/{rest:path}")
def fallback(rest: str):
    return rest
