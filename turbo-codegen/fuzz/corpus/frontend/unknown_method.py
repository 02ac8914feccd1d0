# expect: TB202
from fastapi import FastAPI

app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)

@app.api_route("/items", methods=["GET", "FETCH"])
def read():
    return 1
