"""Operations (issue 12): handlers, dependencies and exception handlers
that raise what ends a Python program. uvicorn answers each with a 500
and keeps serving; so must a turbo server."""

import asyncio
import os
import sys
import time

from fastapi import Depends, FastAPI, Request, Response

if os.environ.get("EXIT_AT_IMPORT"):
    sys.exit(int(os.environ["EXIT_AT_IMPORT"]))

app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)


class Escalate(Exception):
    pass


@app.exception_handler(Escalate)
def escalate(request: Request, exc: Escalate):
    raise SystemExit(5)


@app.get("/ok")
def ok():
    return {"ok": True}


@app.get("/exit/system-exit")
def system_exit():
    raise SystemExit(3)


@app.get("/exit/sys-exit")
def sys_exit():
    sys.exit()


@app.get("/exit/keyboard-interrupt")
def keyboard_interrupt():
    raise KeyboardInterrupt


@app.get("/exit/generator-exit")
def generator_exit():
    raise GeneratorExit


@app.get("/exit/async")
async def async_system_exit():
    sys.exit(4)


@app.get("/exit/async-after-await")
async def async_system_exit_after_await():
    await asyncio.sleep(0)
    sys.exit(4)


@app.get("/exit/async-keyboard-interrupt-after-await")
async def async_keyboard_interrupt_after_await():
    await asyncio.sleep(0.001)
    raise KeyboardInterrupt


def exiting_dependency():
    sys.exit(6)


@app.get("/exit/dependency")
def from_dependency(value=Depends(exiting_dependency)):
    return {"value": value}


def exiting_cleanup():
    yield 1
    sys.exit(7)


@app.get("/exit/yield-cleanup")
def from_yield_cleanup(value=Depends(exiting_cleanup)):
    return {"value": value}


@app.get("/exit/exception-handler")
def from_exception_handler():
    raise Escalate()


@app.get("/sleep")
def sleep(ms: int):
    time.sleep(ms / 1000)
    return {"slept": ms}


@app.get("/async-sleep")
async def async_sleep(ms: int):
    await asyncio.sleep(ms / 1000)
    return {"slept": ms}


@app.post("/echo")
def echo(item: dict):
    return item


@app.post("/no-body")
def no_body():
    return {"ok": True}


@app.get("/pid")
def pid():
    return {"pid": os.getpid()}


@app.get("/crash")
def crash():
    """Crashes the interpreter (a segmentation fault, as a broken extension would)."""
    import ctypes

    ctypes.string_at(0)


@app.get("/spin")
def spin(seconds: float):
    """Holds the GIL (and, run inline, the I/O thread) for `seconds`."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass
    return {"spun": seconds}


@app.get("/client")
def client(request: Request):
    return {"client": list(request.client), "scheme": request.url.scheme}


@app.get("/redirected/")
def redirected():
    return {"ok": True}


@app.get("/url/{name}")
def url(name: str, request: Request):
    """What the app sees of where it is served (`--root-path`, Unix sockets)."""
    return {
        "name": name,
        "url": str(request.url),
        "base_url": str(request.base_url),
        "root_path": request.scope["root_path"],
        "path": request.url.path,
        "client": request.client and list(request.client),
    }


@app.post("/upload")
def upload(item: dict):
    return {"keys": len(item)}


@app.get("/large")
def large(mib: int):
    return Response(b"x" * (mib << 20), media_type="application/octet-stream")
