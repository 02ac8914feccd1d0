"""bench/app.py's sync route and a 2.7 KB list, behind CORSMiddleware and
GZipMiddleware (bench/middleware.py)."""

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.middleware.gzip import GZipMiddleware

app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
app.add_middleware(GZipMiddleware, minimum_size=500)
app.add_middleware(CORSMiddleware, allow_origins=["https://a.example"], allow_credentials=True)

ITEMS = [{"id": n, "name": f"item {n}", "price": n * 1.5} for n in range(64)]


@app.get("/items/{item_id}")
def read_item(item_id: int, q: str | None = None):
    return {"item_id": item_id, "q": q}


@app.get("/list")
def items():
    return ITEMS
