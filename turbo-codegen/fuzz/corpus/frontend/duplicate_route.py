# expect: TB201
from fastapi import FastAPI

app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)

@app.get("/items")
def first():
    return 1

@app.api_route("/items", methods=["POST", "GET"])
def second():
    return 2
