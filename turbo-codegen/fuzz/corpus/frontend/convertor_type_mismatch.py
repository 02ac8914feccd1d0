# expect: TB306, TB306
from uuid import UUID

from fastapi import FastAPI

app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)

@app.get("/items/{item_id:int}")
def read(item_id: str):
    return item_id

@app.get("/objects/{object_id}")
def obj(object_id: UUID):
    return str(object_id)
