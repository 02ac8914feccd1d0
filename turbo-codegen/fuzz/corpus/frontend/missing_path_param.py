# expect: TB301
from fastapi import FastAPI

app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)

@app.get("/items/{item_id}")
def read(id: int):
    return id
