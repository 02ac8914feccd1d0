# expect: TB303
from fastapi import FastAPI

app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
LIMIT = 10

@app.get("/items")
def read(limit: int = LIMIT):
    return limit
