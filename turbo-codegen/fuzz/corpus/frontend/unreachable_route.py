# expect: TB211, TB211, TB211
from fastapi import FastAPI

app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)


@app.get("/users/{user_id}")
def read_user(user_id: int):
    return {"user_id": user_id}


@app.get("/users/me")
def read_me():
    return {"user": "me"}


@app.get("/files/{rest:path}")
def read_any(rest: str):
    return rest


@app.get("/files/{name}/raw")
def read_raw(name: str):
    return name


@app.get("/orders/{order_id}")
def read_order(order_id: str):
    return order_id


@app.api_route("/orders/new", methods=["GET", "POST"])
def new_order():
    return {}
