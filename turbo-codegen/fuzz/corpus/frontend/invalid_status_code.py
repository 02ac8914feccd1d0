# expect: TB203, TB203
from fastapi import FastAPI

app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)

@app.post("/a", status_code=600)
def a():
    return 1

CREATED = 201

@app.post("/b", status_code=CREATED)
def b():
    return 1
