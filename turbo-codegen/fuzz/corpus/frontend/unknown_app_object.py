# expect: TB210, TB207, TB207, TB207
from fastapi import FastAPI

app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
router = object()
get = app.get


@router.get("/items")
def on_router():
    return []


@get("/aliased")
def aliased():
    return []


@app.post
def uncalled():
    return []
