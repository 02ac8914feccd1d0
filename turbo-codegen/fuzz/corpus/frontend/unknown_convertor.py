# expect: TB102
from fastapi import FastAPI

app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)

@app.get("/items/{item_id:integer}")
def read(item_id: int):
    return 1
