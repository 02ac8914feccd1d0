"""The benchmark app: an unmodified FastAPI app, served by FastAPI/uvicorn
and compiled by turbo. The pure-hyper baseline serves the same routes."""

from fastapi import FastAPI

app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)


@app.get("/")
def root():
    return {"message": "Hello, World"}


@app.get("/items/{item_id}")
def read_item(item_id: int, q: str | None = None):
    return {"item_id": item_id, "q": q}


@app.get("/async/items/{item_id}")
async def read_item_async(item_id: int, q: str | None = None):
    return {"item_id": item_id, "q": q}
