"""A FastAPI application mounted on the app (issue 13): its routes under
the mount path, tried where it is mounted; its own exception handlers,
dependencies, `dependency_overrides`, `request.app` and `root_path`; its
404, 405 and slash redirects answered by it, never by an outer route; its
own middleware (Python and native) around its routes only, inside the
app's."""

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Request
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import JSONResponse, PlainTextResponse


def outer_marker():
    return "outer"


def inner_marker():
    return "inner"


def replaced_marker():
    return "replaced in v2"


app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None, dependencies=[Depends(outer_marker)])
app.state.name = "main"

v2 = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
v2.state.name = "v2"
v2.dependency_overrides[inner_marker] = replaced_marker

router = APIRouter(prefix="/things")


@router.get("/{thing_id}")
def thing(thing_id: int, marker: str = Depends(inner_marker)):
    return {"thing_id": thing_id, "marker": marker}


@app.get("/")
def home(request: Request):
    return {"app": request.app.state.name, "root_path": request.scope["root_path"]}


@app.get("/v2/shadowing")
def before_the_mount():
    return {"served_by": "main, declared before the mount"}


@app.exception_handler(404)
async def main_not_found(request: Request, exc: HTTPException):
    return JSONResponse({"main": "not found", "path": request.url.path}, status_code=404)


@v2.get("/items/{item_id}")
def item(item_id: int, request: Request, marker: str = Depends(inner_marker)):
    return {
        "item_id": item_id,
        "marker": marker,
        "app": request.app.state.name,
        "root_path": request.scope["root_path"],
        "url": str(request.url),
        "base_url": str(request.base_url),
    }


@v2.post("/items")
def create(payload: dict):
    return payload


@v2.get("/slash/")
def slash():
    return {"slash": True}


@v2.get("/fails")
def fails():
    raise HTTPException(status_code=418, detail="v2 teapot")


@v2.exception_handler(HTTPException)
async def v2_http_errors(request: Request, exc: HTTPException):
    return PlainTextResponse(f"v2 says {exc.status_code}: {exc.detail}", status_code=exc.status_code)


v2.include_router(router)


@v2.middleware("http")
async def v2_header(request: Request, call_next):
    response = await call_next(request)
    response.headers["X-V2"] = request.scope["root_path"]
    return response


v2.add_middleware(GZipMiddleware, minimum_size=60)


@app.middleware("http")
async def main_header(request: Request, call_next):
    response = await call_next(request)
    response.headers["X-Main"] = "yes"
    return response


app.mount("/v2", v2)


@app.get("/after")
def after():
    return {"served_by": "main, after the mount"}
