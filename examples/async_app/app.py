"""An unmodified FastAPI app with `async def` handlers."""

import asyncio

from fastapi import FastAPI, HTTPException

app = FastAPI()


@app.get("/")
async def root():
    return {"message": "hello from a coroutine"}


@app.get("/sleep/{ms}")
async def sleep(ms: int):
    # Suspends on the event loop: the server must drive it to completion.
    await asyncio.sleep(ms / 1000)
    return {"slept_ms": ms}


@app.get("/gather")
async def gather(n: int = 3):
    async def square(i: int) -> int:
        await asyncio.sleep(0)
        return i * i

    return {"squares": await asyncio.gather(*(square(i) for i in range(n)))}


@app.get("/async-error")
async def async_error(code: int = 409):
    await asyncio.sleep(0)
    raise HTTPException(status_code=code, detail="conflict from a coroutine")


@app.get("/async-crash")
async def async_crash():
    raise ValueError("a coroutine that fails")


@app.get("/sync")
def sync_handler(x: float = 2.5):
    return {"x": x}
