# expect: TB307
from fastapi import FastAPI

app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)

@app.get("/items")
def read() -> dict:
    return {}
