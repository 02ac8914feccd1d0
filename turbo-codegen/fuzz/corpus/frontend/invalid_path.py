# expect: TB101, TB101, TB101, TB101
from fastapi import FastAPI

app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)

@app.get("items")
def a():
    return 1

@app.get("/items/{}")
def b():
    return 1

@app.get("/items/{item-id}")
def c():
    return 1

@app.get("/items/{id")
def d(id: int):
    return 1
