# expect: TB305, TB305
from fastapi import FastAPI

app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)

@app.get("/items")
def read(limit: int = "ten", flag: bool = 1):
    return limit
