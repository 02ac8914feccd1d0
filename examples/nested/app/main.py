"""Routers nested three deep, with prefixes at every level, and two
modules that import each other."""

from fastapi import FastAPI

from .v1 import router as v1_router

app = FastAPI()


@app.get("/")
def index():
    return {"versions": ["v1"]}


app.include_router(v1_router, prefix="/v1")


@app.get("/v1/{anything:path}")
def fallback(anything: str):
    return {"fallback": anything}
