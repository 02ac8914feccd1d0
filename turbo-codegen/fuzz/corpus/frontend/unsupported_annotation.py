# expect: TB302, TB302
from fastapi import FastAPI

app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)

@app.get("/items")
def read(tags: list[str], when: "int"):
    return tags
