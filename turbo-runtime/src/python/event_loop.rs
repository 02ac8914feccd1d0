//! The asyncio event loop on the I/O thread, stepped by tokio.
//!
//! Coroutines (an `async def` handler or dependable, an async generator's
//! entry and exit, an async exception handler) run as real `asyncio.Task`s
//! of one stock `SelectorEventLoop` that lives on the I/O thread: no
//! second thread, no cross-thread hand-off. Each starts inline: the Task is
//! created (which schedules its first step) and that step is taken off the
//! loop's ready queue and run at once, so a coroutine that never suspends
//! finishes before [`start`] returns. One that suspends is finished by the
//! loop, which [`drive`] steps from tokio: it waits for the selector's
//! epoll descriptor to become readable, for the first timer, or for a kick
//! from [`start`], then calls `_run_once` (whose `select` never blocks,
//! see `turboapi/_event_loop.py`). Because every coroutine is a Task of a
//! running loop, `asyncio.current_task()`, `get_running_loop()`, timeouts,
//! cancellation, `run_in_executor` (its results arrive through the loop's
//! self-pipe, which makes the descriptor readable) and contextvars behave
//! as under uvicorn.
//!
//! Everything here runs on the I/O thread only: `start` and `drive` must
//! not be re-entered from Python (CPython refuses to enter a task while
//! another is current), which holds because both are called from tokio
//! tasks, never from code Python calls.

use std::os::fd::{BorrowedFd, OwnedFd, RawFd};
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyCFunction, PyDict, PyTuple};
use tokio::io::unix::AsyncFd;
use tokio::io::Interest;
use tokio::sync::{oneshot, Notify};

use super::context;
use super::entry_points::entry_points;
use super::loop_timer::LoopTimer;

/// The loop and the pieces of it each step touches, looked up once.
struct EventLoop {
    event_loop: Py<PyAny>,
    /// `loop._ready`, the deque of callbacks to run now.
    ready: Py<PyAny>,
    /// `loop._scheduled`, the heap of timers.
    scheduled: Py<PyAny>,
    /// `loop.start`, which creates a Task and takes its first step.
    start: Py<PyAny>,
    /// `loop.run_once`: `_run_once` as the thread's running loop. The loop
    /// is the running loop only while it runs Python code, so that `def`
    /// code (which FastAPI runs in a worker thread, outside the loop) sees
    /// no running loop, as under FastAPI.
    run_once: Py<PyAny>,
    time: Py<PyAny>,
    /// The selector's epoll descriptor.
    descriptor: RawFd,
    /// Wakes [`drive`] when a step left callbacks or a new timer behind.
    kick: Notify,
}

static EVENT_LOOP: OnceLock<EventLoop> = OnceLock::new();

fn event_loop() -> &'static EventLoop {
    EVENT_LOOP
        .get()
        .expect("the event loop is installed before the server accepts requests")
}

/// Creates the loop on the calling thread, which must be the I/O thread.
pub fn install(py: Python<'_>) -> PyResult<()> {
    let (event_loop, descriptor): (Bound<'_, PyAny>, RawFd) =
        entry_points().install_event_loop.bind(py).call0()?.extract()?;
    let installed = EventLoop {
        ready: event_loop.getattr("_ready")?.unbind(),
        start: event_loop.getattr("start")?.unbind(),
        scheduled: event_loop.getattr("_scheduled")?.unbind(),
        run_once: event_loop.getattr("run_once")?.unbind(),
        time: event_loop.getattr("time")?.unbind(),
        event_loop: event_loop.unbind(),
        descriptor,
        kick: Notify::new(),
    };
    EVENT_LOOP
        .set(installed)
        .map_err(|_| pyo3::exceptions::PyRuntimeError::new_err("the event loop was installed twice"))?;
    // `_event_loop.THREADPOOL`: `def` background tasks run on the worker
    // threads, as Starlette runs them in anyio's.
    let submit = PyCFunction::new_closure(
        py,
        None,
        None,
        |args: &Bound<'_, PyTuple>, _kwargs: Option<&Bound<'_, PyDict>>| -> PyResult<()> {
            super::workers::submit_python(args.get_item(0)?.unbind());
            Ok(())
        },
    )?;
    entry_points().use_thread_pool.bind(py).call1((submit,)).map(drop)
}

/// A copy of the current context: the context every coroutine of one
/// request runs in (FastAPI awaits a request's coroutines in one task).
pub fn new_context(py: Python<'_>) -> PyResult<Py<PyAny>> {
    context::copy(py, None).map(Bound::unbind)
}

/// A coroutine started by [`start`].
pub enum Started {
    /// It finished in its first step: the finished Task.
    Finished(Py<PyAny>),
    /// It suspended; the receiver gets the Task when it is done (or an
    /// error if the loop dropped it).
    Suspended(oneshot::Receiver<Py<PyAny>>),
}

/// Runs `coroutine` as a Task of the loop in `context`, its first step
/// inline (`IOThreadLoop.start`).
pub fn start(coroutine: &Bound<'_, PyAny>, context: &Bound<'_, PyAny>) -> PyResult<Started> {
    let py = coroutine.py();
    let el = event_loop();
    let (ready, scheduled) = (el.ready.bind(py), el.scheduled.bind(py));
    let timers = scheduled.len()?;
    let task = el.start.bind(py).call1((coroutine, context))?;
    if ready.len()? > 0 || scheduled.len()? != timers {
        el.kick.notify_one();
    }
    if task.call_method0(intern!(py, "done"))?.is_truthy()? {
        return Ok(Started::Finished(task.unbind()));
    }
    Ok(Started::Suspended(when_done(&task)?))
}

/// The loop object (`asyncio.get_running_loop()` inside a request).
pub fn loop_object(py: Python<'_>) -> &Bound<'_, PyAny> {
    event_loop().event_loop.bind(py)
}

/// Wakes the loop's driver after Rust code scheduled callbacks on it
/// (`Event.set()`, a future's result) outside [`start`].
pub fn wake() {
    event_loop().kick.notify_one();
}

/// Completes with `future` once it is done (at once if it already is).
pub async fn done(future: Py<PyAny>) -> Py<PyAny> {
    let waiting = Python::attach(|py| {
        let bound = future.bind(py);
        match bound
            .call_method0(intern!(py, "done"))
            .and_then(|done| done.is_truthy())
        {
            Ok(true) => None,
            _ => when_done(bound).ok(),
        }
    });
    match waiting {
        Some(receiver) => receiver.await.unwrap_or(future),
        None => future,
    }
}

/// A receiver of `future` once it is done, through `add_done_callback`.
fn when_done(future: &Bound<'_, PyAny>) -> PyResult<oneshot::Receiver<Py<PyAny>>> {
    let py = future.py();
    let (sender, receiver) = oneshot::channel();
    let sender = Mutex::new(Some(sender));
    let on_done = PyCFunction::new_closure(
        py,
        None,
        None,
        move |args: &Bound<'_, PyTuple>, _kwargs: Option<&Bound<'_, PyDict>>| -> PyResult<()> {
            let done = args.get_item(0)?.unbind();
            if let Some(sender) = sender.lock().ok().and_then(|mut slot| slot.take()) {
                // The receiver is gone only if the request was dropped.
                let _ = sender.send(done);
            }
            Ok(())
        },
    )?;
    future.call_method1(intern!(py, "add_done_callback"), (on_done,))?;
    Ok(receiver)
}

/// Runs the coroutine `make` returns as a task of the loop in `context`;
/// its result.
pub async fn awaited(
    make: impl FnOnce(Python<'_>) -> PyResult<Bound<'_, PyAny>>,
    context: &Py<PyAny>,
) -> PyResult<Py<PyAny>> {
    let started = Python::attach(|py| start(&make(py)?, context.bind(py)));
    let task = match started {
        Ok(Started::Finished(task)) => task,
        Ok(Started::Suspended(done)) => done
            .await
            .map_err(|_| pyo3::exceptions::PyRuntimeError::new_err("the asyncio loop dropped a coroutine"))?,
        Err(err) => return Err(err),
    };
    Python::attach(|py| result(py, &task).map(Bound::unbind))
}

/// The outcome of a finished Task: its value, or what it raised.
pub fn result<'py>(py: Python<'py>, task: &Py<PyAny>) -> PyResult<Bound<'py, PyAny>> {
    task.bind(py).call_method0(intern!(py, "result"))
}

/// Runs `coroutine` as a task from any thread, not awaited by anyone.
pub fn schedule(coroutine: &Bound<'_, PyAny>) -> PyResult<()> {
    let py = coroutine.py();
    let el = event_loop();
    entry_points()
        .schedule_coroutine
        .bind(py)
        .call1((el.event_loop.bind(py), coroutine))
        .map(drop)
}

/// One turn of the loop: `_run_once`. Returns whether callbacks are ready
/// to run at once, and else how long until the first timer.
fn turn(py: Python<'_>) -> (bool, Option<Duration>) {
    let el = event_loop();
    if let Err(err) = el.run_once.bind(py).call0() {
        // Only `SystemExit`/`KeyboardInterrupt` escape a callback; the
        // callbacks taken for this turn after it are lost.
        crate::python::calls::log_exception(py, "exception escaped the asyncio event loop", &err);
    }
    let ready = el.ready.bind(py).len().unwrap_or(0) > 0;
    if ready {
        return (true, None);
    }
    let first_timer = (|| -> PyResult<Option<Duration>> {
        let scheduled = el.scheduled.bind(py);
        if scheduled.len()? == 0 {
            return Ok(None);
        }
        let when: f64 = scheduled.get_item(0)?.getattr(intern!(py, "_when"))?.extract()?;
        let now: f64 = el.time.bind(py).call0()?.extract()?;
        Ok(Some(Duration::from_secs_f64((when - now).max(0.0))))
    })();
    (false, first_timer.unwrap_or(Some(Duration::from_millis(1))))
}

/// A tokio registration of (a duplicate of) the selector's descriptor: the
/// duplicate keeps the epoll instance open whatever Python does with its
/// own descriptor.
fn watch(descriptor: RawFd) -> std::io::Result<AsyncFd<OwnedFd>> {
    // SAFETY: `descriptor` is the selector's epoll descriptor, open for as
    // long as the loop is (the loop lives in a static and refuses to close
    // while running); it is only borrowed long enough to duplicate it.
    let owned = unsafe { BorrowedFd::borrow_raw(descriptor) }.try_clone_to_owned()?;
    // SAFETY: `owned` is an open descriptor that the `AsyncFd` owns from
    // here on, so it stays open and the same until the `AsyncFd` is dropped.
    unsafe { AsyncFd::register_with_interest(owned, Interest::READABLE) }.map_err(std::io::Error::from)
}

/// Steps the loop for the life of the server: a tokio task on the I/O
/// thread's `LocalSet`.
pub async fn drive() {
    let el = event_loop();
    let (readable, timer) = match (watch(el.descriptor), LoopTimer::new()) {
        (Ok(readable), Ok(timer)) => (readable, timer),
        (Err(err), _) | (_, Err(err)) => {
            crate::log::log!(Error, "turbo: error: cannot watch the asyncio selector: {err}");
            return;
        }
    };
    loop {
        let (ready, first_timer) = Python::attach(turn);
        if ready {
            // Let requests and connections run between turns, as the loop
            // does between callbacks it did not have ready at its start.
            tokio::task::yield_now().await;
            continue;
        }
        if let Err(err) = timer.set(first_timer) {
            crate::log::log!(Error, "turbo: error: cannot set the asyncio loop's timer: {err}");
        }
        tokio::select! {
            guard = readable.readable() => {
                // Cleared before the turn polls the selector: an event that
                // arrives after that poll makes the descriptor ready again.
                if let Ok(mut guard) = guard {
                    guard.clear_ready();
                }
            }
            () = timer.fired() => {}
            () = el.kick.notified() => {}
        }
    }
}
