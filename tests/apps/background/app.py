"""Background tasks (issue 13): `BackgroundTasks` in a handler and in a
dependency (one object per request), `def` and `async def` tasks,
`Response(background=BackgroundTask(...))` (which wins over the injected
tasks, as in FastAPI), a failing task (logged; the ones after it do not
run), a slow task that does not delay the response, and a context
variable an async dependency set, seen by an async task."""

import asyncio
import contextvars
import time

from fastapi import BackgroundTasks, Depends, FastAPI, Response
from starlette.background import BackgroundTask

app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)

LOG = []
USER = contextvars.ContextVar("user", default="anonymous")


def write(message: str) -> None:
    LOG.append(message)


async def write_async(message: str) -> None:
    await asyncio.sleep(0.01)
    LOG.append(f"{message} (async, user={USER.get()})")


def fail(message: str) -> None:
    raise RuntimeError(f"task failed: {message}")


def slow(message: str) -> None:
    time.sleep(0.3)
    LOG.append(message)


async def who(user: str = "anonymous"):
    USER.set(user)
    return user


def audit(background_tasks: BackgroundTasks, q: str = ""):
    background_tasks.add_task(write, f"audit q={q}")
    return q


@app.post("/send/{name}")
def send(name: str, background_tasks: BackgroundTasks, q: str = Depends(audit), user: str = Depends(who)):
    background_tasks.add_task(write, f"sent to {name}")
    background_tasks.add_task(write_async, f"notified {name}")
    return {"queued": name, "q": q, "user": user}


@app.get("/own-background")
def own_background(background_tasks: BackgroundTasks):
    background_tasks.add_task(write, "injected task (never runs: the response has its own)")
    return Response("own", background=BackgroundTask(write, "response's own task"))


@app.get("/response-without-background")
def response_without_background(background_tasks: BackgroundTasks):
    background_tasks.add_task(write, "injected task on a returned Response")
    return Response("plain")


@app.get("/failing")
async def failing(background_tasks: BackgroundTasks):
    background_tasks.add_task(write, "before the failure")
    background_tasks.add_task(fail, "boom")
    background_tasks.add_task(write, "after the failure (never runs)")
    return {"ok": True}


@app.get("/slow")
def slow_route(background_tasks: BackgroundTasks):
    background_tasks.add_task(slow, "slow task done")
    return {"ok": True}


@app.get("/log")
def log():
    return LOG
