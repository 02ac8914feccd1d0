"""FileResponse (issue 13), behind GZipMiddleware: whole files, ranges,
multipart ranges, If-Range, HEAD, download names, a missing file. The
files live in FILES_DIR (the test writes them)."""

import os

from fastapi import FastAPI
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import FileResponse
from starlette.background import BackgroundTask

app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
app.add_middleware(GZipMiddleware, minimum_size=500)

EVENTS = []


def directory() -> str:
    return os.environ["FILES_DIR"]


@app.get("/files/{name}")
def file(name: str):
    return FileResponse(os.path.join(directory(), name))


@app.get("/download/{name}")
def download(name: str, as_name: str):
    return FileResponse(os.path.join(directory(), name), filename=as_name)


@app.get("/inline/{name}")
def inline(name: str):
    return FileResponse(
        os.path.join(directory(), name), media_type="text/csv", content_disposition_type="inline", filename="r.csv"
    )


@app.get("/with-background/{name}")
def with_background(name: str):
    return FileResponse(os.path.join(directory(), name), background=BackgroundTask(EVENTS.append, name))


@app.get("/events")
def events():
    return EVENTS
