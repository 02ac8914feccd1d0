"""Background tasks: `BackgroundTasks` (a handler or dependency parameter)
and `BackgroundTask` (`Response(background=...)`), as Starlette 1.10
defines them.

The server runs a response's background after it has handed the response
to the client's connection, on the I/O thread's event loop: an `async
def` task there, a `def` task in one of the server's worker threads
(`--threads`, where `def` handlers run; with the request's context, as
anyio's `to_thread` runs it), so a blocking task never stalls the server. A task that raises is logged and stops the ones after it, as
in Starlette.
"""

import functools
import inspect
from typing import Any, Callable, Optional, Sequence

from ._event_loop import run_in_threadpool

__all__ = ["BackgroundTask", "BackgroundTasks"]


def _is_async_callable(obj: Any) -> bool:
    while isinstance(obj, functools.partial):
        obj = obj.func
    return inspect.iscoroutinefunction(obj) or (callable(obj) and inspect.iscoroutinefunction(obj.__call__))


class BackgroundTask:
    def __init__(self, func: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        self.func = func
        self.args = args
        self.kwargs = kwargs
        self.is_async = _is_async_callable(func)

    async def __call__(self) -> None:
        if self.is_async:
            await self.func(*self.args, **self.kwargs)
        else:
            await run_in_threadpool(self.func, *self.args, **self.kwargs)


class BackgroundTasks(BackgroundTask):
    def __init__(self, tasks: Optional[Sequence[BackgroundTask]] = None) -> None:
        self.tasks = list(tasks) if tasks else []

    def add_task(self, func: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        task = BackgroundTask(func, *args, **kwargs)
        self.tasks.append(task)

    async def __call__(self) -> None:
        for task in self.tasks:
            await task()
