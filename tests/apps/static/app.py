"""StaticFiles mounts (issue 13): files with their headers, ranges and
conditional requests; HTML mode (index files, the redirect to a
directory's slash, 404.html); 404/405 through the app's exception
handlers; no way out of the directory; a mount among routes (tried in
declaration order). `turbo check` reports a route after a mount that
covers it (TB211, fixture mount.py)."""

from pathlib import Path

from fastapi import FastAPI, HTTPException
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.staticfiles import StaticFiles as StarletteStaticFiles

HERE = Path(__file__).parent

app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)


@app.get("/public/status")
def status():
    return {"route": "before the mount"}


app.mount("/public", StaticFiles(directory=HERE / "public"), name="public")
app.mount("/site/", StarletteStaticFiles(directory=str(HERE / "site"), html=True), name="site")


@app.exception_handler(405)
async def method_not_allowed(request, exc: HTTPException):
    return JSONResponse({"refused": request.method, "allow": exc.headers.get("Allow")}, status_code=405)


async def metrics(scope, receive, send):
    """A plain ASGI app, mounted (as prometheus_client's `make_asgi_app()`)."""
    assert scope["type"] == "http"
    body = (
        f"method={scope['method']} path={scope['path']} root_path={scope['root_path']} "
        f"query={scope['query_string'].decode()}\n"
    ).encode()
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"text/plain; version=0.0.4"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


async def ticker(scope, receive, send):
    """A plain ASGI app that streams, and echoes the request body."""
    request = await receive()
    await send({"type": "http.response.start", "status": 201, "headers": [(b"x-ticker", b"1")]})
    for n in range(3):
        await send({"type": "http.response.body", "body": f"tick {n}\n".encode(), "more_body": True})
    await send({"type": "http.response.body", "body": request.get("body", b""), "more_body": False})


async def broken(scope, receive, send):
    raise RuntimeError("the mounted app broke")


app.mount("/metrics", metrics)
app.mount("/ticker", ticker)
app.mount("/broken", broken)
