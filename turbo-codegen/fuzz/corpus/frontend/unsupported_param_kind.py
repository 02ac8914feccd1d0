# expect: TB304, TB304, TB304
from fastapi import FastAPI

app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)

@app.get("/items")
def read(a: int, /, *args, **kwargs):
    return a
