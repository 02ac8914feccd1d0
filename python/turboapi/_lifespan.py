"""The app's lifespan: `lifespan=`, `on_startup=`/`on_shutdown=`,
`@app.on_event(...)`, `add_event_handler`, and routers' own, combined as
FastAPI 0.165 combines them (its code, with its quirks: an included
router's `on_startup` handlers are also copied into the including
router's, so they run twice, as under FastAPI).

The server runs it as uvicorn does: the whole context in one task
(`Lifespan.run`), entered before the first request is accepted, left after
the last one is answered. The state it yields is copied into each
request's scope (`request.state`), as uvicorn copies it.
"""

import asyncio
import contextlib
import functools
import inspect
from typing import Any, Callable, Dict, Optional

#: What the lifespan yielded (uvicorn's `app_state`): each request's
#: `request.state` starts as a shallow copy of it.
STATE: Dict[str, Any] = {}


class DefaultLifespan:
    """FastAPI's `_DefaultLifespan`: runs a router's `on_startup` and
    `on_shutdown` handlers (read when it runs, so handlers added later
    count)."""

    def __init__(self, router: Any) -> None:
        self._router = router

    async def __aenter__(self) -> None:
        await _run_all(self._router.on_startup)

    async def __aexit__(self, *exc_info: object) -> None:
        await _run_all(self._router.on_shutdown)

    def __call__(self, app: object) -> "DefaultLifespan":
        return self


async def _run_all(handlers) -> None:
    for handler in handlers:
        if _is_async_callable(handler):
            await handler()
        else:
            handler()


def _is_async_callable(obj: Any) -> bool:
    """Starlette's `is_async_callable`."""
    while isinstance(obj, functools.partial):
        obj = obj.func
    return inspect.iscoroutinefunction(obj) or (callable(obj) and inspect.iscoroutinefunction(obj.__call__))


class _AsyncLiftContextManager:
    """A synchronous context manager used as an asynchronous one."""

    def __init__(self, cm: Any) -> None:
        self._cm = cm

    async def __aenter__(self) -> Any:
        return self._cm.__enter__()

    async def __aexit__(self, exc_type, exc_value, traceback) -> Optional[bool]:
        return self._cm.__exit__(exc_type, exc_value, traceback)


def context_of(router: Any, lifespan: Optional[Callable[..., Any]]) -> Callable[..., Any]:
    """A router's `lifespan_context`, as FastAPI's `APIRouter.__init__` makes it."""
    if lifespan is None:
        return DefaultLifespan(router)
    if inspect.isasyncgenfunction(lifespan):
        return contextlib.asynccontextmanager(lifespan)
    if inspect.isgeneratorfunction(lifespan):
        cmgr = contextlib.contextmanager(lifespan)

        @functools.wraps(cmgr)
        def wrapper(app: Any) -> _AsyncLiftContextManager:
            return _AsyncLiftContextManager(cmgr(app))

        return wrapper
    return lifespan


def merge(original_context: Callable[..., Any], nested_context: Callable[..., Any]) -> Callable[..., Any]:
    """FastAPI's `_merge_lifespan_context`: the including router's lifespan
    around the included one's; their states merged, the outer one's
    winning."""

    @contextlib.asynccontextmanager
    async def merged_lifespan(app: Any):
        async with original_context(app) as maybe_original_state:
            async with nested_context(app) as maybe_nested_state:
                if maybe_nested_state is None and maybe_original_state is None:
                    yield None
                else:
                    yield {**(maybe_nested_state or {}), **(maybe_original_state or {})}

    return merged_lifespan


class Lifespan:
    """The app's lifespan context, entered and left in one task (anyio
    task groups and cancel scopes opened in it need that). `started`
    completes once it is entered, or with what startup raised."""

    def __init__(self, app: Any, loop: asyncio.AbstractEventLoop) -> None:
        self.app = app
        self.started = loop.create_future()
        self._stop = asyncio.Event()

    async def run(self) -> None:
        entered = False
        try:
            async with self.app.lifespan_context(self.app) as state:
                if state is not None:
                    STATE.update(state)
                entered = True
                self.started.set_result(None)
                await self._stop.wait()
        except BaseException as exc:
            if entered:
                raise
            # Startup failed: reported through `started`, not the task.
            self.started.set_exception(exc)

    def stop(self) -> None:
        self._stop.set()
