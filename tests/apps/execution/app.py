"""How handlers run (issue 11): coroutines on the I/O thread's event loop,
`def` code inline or in the worker pool. Every route answers the same under
FastAPI, except those reporting the thread they ran on."""

import asyncio
import contextvars
import threading
import time

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, field_validator

app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)

request_var = contextvars.ContextVar("request_var", default="unset")


class Slow(Exception):
    pass


@app.exception_handler(Slow)
async def slow_handler(request: Request, exc: Slow):
    # Suspends before answering: the server must await it on the loop.
    await asyncio.sleep(0.001)
    return JSONResponse({"handled": str(exc), "path": request.url.path}, status_code=418)


# --- coroutines ------------------------------------------------------------

arrived = {"count": 0}
everyone = asyncio.Event()


@app.get("/rendezvous")
async def rendezvous(n: int):
    """Answers only once `n` requests are inside it at the same time."""
    arrived["count"] += 1
    if arrived["count"] >= n:
        everyone.set()
    try:
        await asyncio.wait_for(everyone.wait(), 20)
    except asyncio.TimeoutError:
        return {"all_arrived": False, "count": arrived["count"]}
    return {"all_arrived": True}


@app.get("/task-identity")
async def task_identity():
    before = asyncio.current_task()
    await asyncio.sleep(0)
    after = asyncio.current_task()
    return {"task": before is not None, "same": before is after, "loop": asyncio.get_running_loop() is before.get_loop()}


@app.get("/timeout")
async def timeout():
    try:
        async with asyncio.timeout(0.01):
            await asyncio.sleep(5)
    except TimeoutError:
        return {"timed_out": True}
    return {"timed_out": False}


@app.get("/wait-for")
async def wait_for():
    try:
        await asyncio.wait_for(asyncio.sleep(5), 0.01)
    except asyncio.TimeoutError:
        return {"timed_out": True}
    return {"timed_out": False}


@app.get("/cancelled")
async def cancelled():
    asyncio.current_task().cancel()
    await asyncio.sleep(0)
    return {"reached": True}


@app.get("/raise-after-await")
async def raise_after_await():
    await asyncio.sleep(0)
    raise RuntimeError("raised after a suspension")


@app.get("/http-error-after-await")
async def http_error_after_await():
    await asyncio.sleep(0.001)
    raise HTTPException(status_code=409, detail="after a suspension", headers={"x-why": "test"})


@app.get("/slow-handler")
async def slow_exception_handler():
    raise Slow("by an async handler")


@app.get("/slow-handler-sync")
def slow_exception_handler_sync():
    raise Slow("for a def handler")


@app.get("/executor")
async def executor():
    loop = asyncio.get_running_loop()
    value = await loop.run_in_executor(None, lambda: sum(range(10)))
    thread = await asyncio.to_thread(lambda: threading.current_thread() is not threading.main_thread())
    return {"value": value, "other_thread": thread}


@app.get("/background-task")
async def background_task():
    """A task the handler starts and does not await keeps running."""
    done = asyncio.Event()

    async def later():
        await asyncio.sleep(0.001)
        done.set()

    keep = asyncio.get_running_loop().create_task(later())
    await asyncio.wait_for(done.wait(), 5)
    return {"finished": keep.done()}


@app.get("/gather")
async def gather(n: int = 5):
    async def square(i: int) -> int:
        await asyncio.sleep(0.001 * (n - i))
        return i * i

    return {"squares": await asyncio.gather(*(square(i) for i in range(n)))}


async def agen():
    yield 1
    await asyncio.sleep(0)
    yield 2


@app.get("/async-generator")
async def async_generator():
    return {"values": [value async for value in agen()]}


async def task_of_dependency():
    task = asyncio.current_task()
    await asyncio.sleep(0)
    return task


@app.get("/task-in-dependency")
async def task_in_dependency(dependency_task=Depends(task_of_dependency)):
    """FastAPI awaits dependencies in the request's task: the handler sees
    the same task (turbo: each coroutine is its own task, in one context)."""
    return {"dependency_had_task": dependency_task is not None, "handler_has_task": asyncio.current_task() is not None}


@app.get("/httpx-loopback")
async def httpx_loopback(request: Request):
    """A real asyncio library in a handler: httpx (anyio, sniffio) calling
    this same server."""
    import httpx

    async with httpx.AsyncClient(base_url=str(request.base_url)) as client:
        first, second = await asyncio.gather(client.get("/context/get"), client.get("/sleep-async?ms=5"))
    return {"statuses": [first.status_code, second.status_code], "slept": second.json()["slept"]}


# --- contextvars -----------------------------------------------------------


async def set_in_async_dependency():
    request_var.set("set by an async dependency")
    await asyncio.sleep(0)
    return True


def set_in_def_dependency():
    request_var.set("set by a def dependency")
    return True


@app.get("/context/async-dependency")
async def context_from_async_dependency(_: bool = Depends(set_in_async_dependency)):
    return {"value": request_var.get()}


@app.get("/context/def-dependency")
async def context_from_def_dependency(_: bool = Depends(set_in_def_dependency)):
    # FastAPI runs the def dependency in a copy of the context.
    return {"value": request_var.get()}


@app.get("/context/set")
async def context_set(value: str):
    request_var.set(value)
    await asyncio.sleep(0)
    return {"value": request_var.get()}


@app.get("/context/set-sync")
def context_set_sync(value: str):
    request_var.set(value)
    return {"value": request_var.get()}


@app.get("/context/get")
async def context_get():
    return {"value": request_var.get()}


@app.get("/context/get-sync")
def context_get_sync():
    return {"value": request_var.get()}


# --- def code: where it runs -------------------------------------------------


def has_running_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


@app.get("/def/loop")
def def_loop():
    """FastAPI runs def handlers in a worker thread: no running loop there."""
    return {"running_loop": has_running_loop()}


@app.get("/def/asyncio-run")
def def_asyncio_run():
    async def inner():
        await asyncio.sleep(0)
        return 7

    return {"value": asyncio.run(inner())}


@app.get("/thread/fast")
def thread_fast():
    return {"thread": threading.current_thread().name}


@app.get("/thread/sleep")
def thread_sleep(ms: int = 50):
    time.sleep(ms / 1000)
    return {"thread": threading.current_thread().name}


thread_data = threading.local()


@app.get("/thread/local")
def thread_local():
    """What this thread's Python thread state remembers between requests."""
    previous = getattr(thread_data, "calls", 0)
    thread_data.calls = previous + 1
    return {"calls_before": previous, "thread": threading.current_thread().name}


barrier = {"value": None}


@app.get("/thread/barrier")
def thread_barrier(parties: int):
    """Answers only once `parties` requests run this handler at once."""
    if barrier["value"] is None or barrier["value"].parties != parties:
        barrier["value"] = threading.Barrier(parties)
    try:
        barrier["value"].wait(timeout=20)
    except threading.BrokenBarrierError:
        return {"together": False}
    return {"together": True, "thread": threading.current_thread().name}


released = threading.Event()


@app.get("/thread/wait-release")
def wait_release():
    """Blocks its thread until /thread/release is served."""
    return {"released": released.wait(timeout=20)}


@app.get("/thread/release")
def release():
    released.set()
    return {"ok": True}


def sleeping_dependency():
    time.sleep(0.03)
    return threading.current_thread().name


@app.get("/thread/dependency")
async def thread_dependency(name: str = Depends(sleeping_dependency)):
    return {"dependency_thread": name, "handler_on_main": threading.current_thread() is threading.main_thread()}


class SlowModel(BaseModel):
    name: str

    @field_validator("name")
    @classmethod
    def slow(cls, value: str) -> str:
        time.sleep(0.03)
        return value


@app.post("/async/slow-validation")
async def slow_validation(body: SlowModel):
    """A route of coroutines only: its body is validated on the I/O thread
    however long it takes (uvicorn validates in its loop too)."""
    return {"name": body.name, "thread": threading.current_thread().name}


@app.get("/spin")
def spin(seconds: float):
    """Holds the GIL (and, run inline, the I/O thread) for `seconds`."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass
    return {"spun": seconds}


@app.get("/sleep-async")
async def sleep_async(ms: int):
    await asyncio.sleep(ms / 1000)
    return {"slept": ms}
