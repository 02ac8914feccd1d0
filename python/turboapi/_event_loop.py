"""The asyncio event loop of a turbo server, on its I/O thread.

The server's I/O thread runs a tokio runtime; this loop lives on the same
thread and tokio steps it (``turbo-runtime/src/python/event_loop.rs``):
it waits on the selector's file descriptor and on the first timer, then
calls ``_run_once``. The loop never blocks in ``select``, so a step always
returns to tokio. ``_run_once``, ``_ready`` and ``_scheduled`` are private
attributes of CPython's stock ``SelectorEventLoop`` (read here as 3.11 has
them; 3.12 and 3.13 keep them), and starting a task inline relies on 3.11's
``Task.__init__`` calling ``call_soon`` once; 3.12 has eager tasks.
"""

import asyncio
import contextvars
import selectors
import sys
import threading
from typing import Any, Callable, Optional


class _PollingSelector(selectors.EpollSelector):
    """An epoll selector that never waits: tokio does the waiting, on
    ``fileno()``, and steps the loop when it is readable."""

    def select(self, timeout=None):
        return super().select(0)


class IOThreadLoop(asyncio.SelectorEventLoop):
    """The stock selector loop, plus a way to start a task inline."""

    _claiming = False
    _claimed = None

    def call_soon(self, callback, *args, context=None):
        if self._claiming:
            # The first step of the task ``start`` is creating: run by it
            # at once instead of queued.
            self._claiming = False
            self._claimed = callback
            return None
        return super().call_soon(callback, *args, context=context)

    def start(self, coroutine, context):
        """A task of this loop running ``coroutine`` in ``context``, its
        first step already taken (as Python 3.12's eager tasks do)."""
        if _EAGER_TASKS:
            _set_running_loop(self)
            try:
                return asyncio.Task(coroutine, loop=self, context=context, eager_start=True)
            finally:
                _set_running_loop(None)
        self._claiming = True
        try:
            task = asyncio.Task(coroutine, loop=self, context=context)
        finally:
            self._claiming = False
        step, self._claimed = self._claimed, None
        _set_running_loop(self)
        try:
            # What ``Handle._run`` does with the step ``call_soon`` got.
            context.run(step)
        except (SystemExit, KeyboardInterrupt):
            # The step lets only these out; the task holds them too, and
            # its result raises them: the request gets a 500, the server
            # keeps serving.
            pass
        finally:
            _set_running_loop(None)
        return task

    def run_once(self):
        """One turn of the loop, as the running loop of this thread."""
        _set_running_loop(self)
        try:
            self._run_once()
        finally:
            _set_running_loop(None)


_set_running_loop = asyncio.events._set_running_loop
#: Python 3.12 starts a task eagerly itself (untested here: 3.11 only).
_EAGER_TASKS = sys.version_info >= (3, 12)


def install():
    """The loop, made the running loop's owner on the calling thread (the
    prologue of ``run_forever``; nothing here blocks): returns the loop and
    its selector's file descriptor."""
    loop = IOThreadLoop(_PollingSelector())
    loop._check_closed()
    loop._thread_id = threading.get_ident()
    # Async generators created on this thread are finalised by the loop,
    # as under ``run_forever``.
    sys.set_asyncgen_hooks(
        firstiter=loop._asyncgen_firstiter_hook,
        finalizer=loop._asyncgen_finalizer_hook,
    )
    return loop, loop._selector.fileno()


def schedule(loop, coroutine):
    """Runs ``coroutine`` as a task of ``loop`` from any thread (an abandoned
    request's async generators are closed this way)."""
    loop.call_soon_threadsafe(loop.create_task, coroutine)


class ThreadPool:
    """The server's worker threads (``--threads``), where Starlette would
    use anyio's: ``await THREADPOOL.run(func, ...)`` runs ``func`` on one
    of them in a copy of the caller's context, as ``to_thread`` does.
    ``submit`` hands a job to the pool (the server's Rust side)."""

    def __init__(self, submit: Callable[[Callable[[], None]], None]) -> None:
        self._submit = submit

    async def run(self, func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        context = contextvars.copy_context()

        def job() -> None:
            try:
                result = context.run(func, *args, **kwargs)
            except BaseException as exc:  # handed to the awaiting task
                loop.call_soon_threadsafe(_settle, future, None, exc)
            else:
                loop.call_soon_threadsafe(_settle, future, result, None)

        self._submit(job)
        return await future


def _settle(future: "asyncio.Future[Any]", result: Any, exc: Optional[BaseException]) -> None:
    if future.cancelled():
        return
    if exc is not None:
        future.set_exception(exc)
    else:
        future.set_result(result)


#: The server's pool, set at start-up; None outside a server.
THREADPOOL: Optional[ThreadPool] = None


def use_thread_pool(submit: Callable[[Callable[[], None]], None]) -> None:
    """Called by the server at start-up with its pool's ``submit``."""
    global THREADPOOL
    THREADPOOL = ThreadPool(submit)


async def run_in_threadpool(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Starlette's ``run_in_threadpool``: the server's worker threads, or
    ``asyncio.to_thread`` outside a server."""
    if THREADPOOL is None:
        return await asyncio.to_thread(func, *args, **kwargs)
    return await THREADPOOL.run(func, *args, **kwargs)
