"""CORSMiddleware (issue 13): one app, its CORS settings chosen by the
CORS_CONFIG environment variable (computed at import, as settings-driven
apps do), served natively by turbo and compared with Starlette's."""

import os

from fastapi import FastAPI, HTTPException, Response
from fastapi.middleware.cors import CORSMiddleware
from pydantic import BaseModel

CONFIGS = {
    "all": {"allow_origins": ["*"]},
    "all-credentials": {
        "allow_origins": ["*"],
        "allow_credentials": True,
        "allow_methods": ["*"],
        "allow_headers": ["*"],
    },
    "list": {
        "allow_origins": ["https://a.example", "https://b.example"],
        "allow_methods": ["GET", "POST"],
        "allow_headers": ["X-Token"],
        "expose_headers": ["X-Total", "X-Page"],
        "max_age": 1200,
    },
    "regex": {
        "allow_origin_regex": r"https://.*\.example\.org",
        "allow_credentials": True,
        "allow_private_network": True,
        "allow_methods": ["GET", "DELETE"],
    },
}

app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
app.add_middleware(CORSMiddleware, **CONFIGS[os.environ.get("CORS_CONFIG", "list")])


class Item(BaseModel):
    name: str


@app.get("/items")
def items():
    return [{"name": "hammer"}]


@app.post("/items")
def create(item: Item):
    return item


@app.get("/vary")
def vary():
    return Response("varies", headers={"Vary": "Accept-Encoding", "X-Total": "3"})


@app.get("/forbidden")
def forbidden():
    raise HTTPException(status_code=403, detail="no")


@app.get("/crash")
def crash():
    raise RuntimeError("boom")


@app.get("/folder/")
def folder():
    return {"folder": True}
