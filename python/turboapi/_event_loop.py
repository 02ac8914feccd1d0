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
import selectors
import sys
import threading


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
