# expect: TB308
import functools

from fastapi import FastAPI

app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)

@app.get("/items")
@functools.lru_cache
def read():
    return []
