//! One request to one route, and where its code runs.
//!
//! `solving.rs` is the route's state machine; this module runs it. Its
//! synchronous stretches (the `def` code between two coroutines) run
//! inline on the I/O thread or, for a route placed there, in the worker
//! pool (`python/placement.rs`). Coroutines always start on the I/O
//! thread: their first step inline, so one that does not suspend costs no
//! trip through the event loop; one that suspends is finished by the loop
//! while the request's future waits, holding neither the thread nor the
//! GIL.

use std::panic::AssertUnwindSafe;
use std::time::Instant;

use pyo3::prelude::*;
use tokio::sync::oneshot;

use super::solving::{Advance, Solving};
use crate::extraction::request::Call;
use crate::python::event_loop::{self, Started};
use crate::python::placement::{self, Placement};
use crate::python::{context, workers};
use crate::response::rendering::Rendered;
use crate::response::{self, Response};

/// Where a request stopped.
enum Stopped {
    Done(Response),
    /// A coroutine finished (or failed to start): advance again.
    Resume(PyResult<Py<PyAny>>),
    /// A coroutine suspended: advance when its Task is done.
    Wait(oneshot::Receiver<Py<PyAny>>),
}

/// Handles a request routed to `call.route`; `is_async` is its handler's kind.
pub async fn call_route(call: Call, is_async: bool) -> Response {
    let route = call.route;
    let mut solving = Box::new(Solving::new(call, is_async));
    let mut resumed = None;
    loop {
        let stopped = if placement::placement(route.handler) == Placement::Threadpool {
            let (back, advanced) = workers::run(move || {
                let advanced = Python::attach(|py| {
                    let advanced = segment(py, &mut solving, resumed, false);
                    if let Advance::Done(response) = &advanced {
                        solving.release(response);
                    }
                    advanced
                });
                (solving, advanced)
            })
            .await;
            solving = back;
            match advanced {
                Advance::Done(response) => Stopped::Done(response),
                Advance::Coroutine(coroutine) => Python::attach(|py| start(py, &mut solving, coroutine)),
            }
        } else {
            Python::attach(|py| run_inline(py, &mut solving, resumed))
        };
        resumed = match stopped {
            Stopped::Done(mut response) => {
                // A stream is iterated in the request's task, as Starlette's.
                if let Some(stream) = response::stream_mut(&mut response) {
                    stream.belongs_to(solving.context.take(), None);
                }
                if let Some(tasks) = response::take_background(&mut response) {
                    let line = solving.call().request.line();
                    spawn_background(tasks, solving.context.take(), line);
                }
                return response;
            }
            Stopped::Resume(task) => Some(task),
            Stopped::Wait(done) => Some(done.await.map_err(|_| {
                pyo3::exceptions::PyRuntimeError::new_err("the asyncio loop dropped a coroutine")
            })),
        };
    }
}

/// Advances the request on this thread, starting its coroutines inline,
/// until it is answered, waits for a suspended coroutine, or its route has
/// moved to the pool.
fn run_inline(py: Python<'_>, solving: &mut Solving, mut resumed: Option<PyResult<Py<PyAny>>>) -> Stopped {
    let route = solving.call().route;
    loop {
        // Only a route whose placement timing decides is timed.
        let timed = placement::placement(route.handler) == Placement::Measured;
        match segment(py, solving, resumed.take(), timed) {
            Advance::Done(response) => {
                solving.release(&response);
                return Stopped::Done(response);
            }
            Advance::Coroutine(coroutine) => match start(py, solving, coroutine) {
                Stopped::Resume(task) if placement::placement(route.handler) != Placement::Threadpool => {
                    resumed = Some(task)
                }
                stopped => return stopped,
            },
        }
    }
}

/// One synchronous stretch of the request, in a copy of its context; timed
/// when its route is placed by timing. A panic (a bug in turbo) is a 500.
fn segment(
    py: Python<'_>,
    solving: &mut Solving,
    resumed: Option<PyResult<Py<PyAny>>>,
    timed: bool,
) -> Advance {
    let started = timed.then(Instant::now);
    let advanced = std::panic::catch_unwind(AssertUnwindSafe(|| {
        let _context = match context::enter_copy(py, solving.context.as_ref()) {
            Ok(entered) => entered,
            Err(err) => {
                return Advance::Done(response::python_error(
                    py,
                    "cannot enter the request's context",
                    &err,
                ))
            }
        };
        solving.advance(py, resumed)
    }));
    let route = solving.call().route;
    if let Some(started) = started {
        placement::observe(route.handler, started.elapsed(), route);
    }
    advanced.unwrap_or_else(|_| {
        let request = &solving.call().request;
        crate::log::log!(
            Error,
            "ERROR: turbo panicked while handling {} {} (a bug in turbo; please report it)",
            request.method(),
            request.path()
        );
        Advance::Done(response::internal_error())
    })
}

/// Starts `coroutine` on the event loop in the request's context.
fn start(py: Python<'_>, solving: &mut Solving, coroutine: Py<PyAny>) -> Stopped {
    let context = match &solving.context {
        Some(context) => context.clone_ref(py),
        None => match event_loop::new_context(py) {
            Ok(context) => solving.context.insert(context).clone_ref(py),
            Err(err) => return Stopped::Resume(Err(err)),
        },
    };
    match event_loop::start(coroutine.bind(py), context.bind(py)) {
        Ok(Started::Finished(task)) => Stopped::Resume(Ok(task)),
        Ok(Started::Suspended(done)) => Stopped::Wait(done),
        Err(err) => Stopped::Resume(Err(err)),
    }
}

/// Runs a response's background (`BackgroundTasks.__call__`) on the event
/// loop, in `context` (the request's, if it has one), once the current
/// task (which hands the response to the connection) yields. What it
/// raises is logged, naming the request.
pub fn spawn_background(tasks: Py<PyAny>, context: Option<Py<PyAny>>, line: String) {
    tokio::task::spawn_local(async move {
        let started = Python::attach(|py| {
            let context = match context {
                Some(context) => context,
                None => event_loop::new_context(py)?,
            };
            let coroutine = tasks.bind(py).call0()?;
            event_loop::start(&coroutine, context.bind(py))
        });
        let task = match started {
            Ok(Started::Finished(task)) => Ok(task),
            Ok(Started::Suspended(done)) => done.await.map_err(|_| {
                pyo3::exceptions::PyRuntimeError::new_err("the asyncio loop dropped a coroutine")
            }),
            Err(err) => Err(err),
        };
        Python::attach(|py| {
            if let Err(err) = task.and_then(|task| event_loop::result(py, &task).map(drop)) {
                crate::python::calls::log_exception(
                    py,
                    &format!("exception in a background task of {line}"),
                    &err,
                );
            }
        });
    });
}

/// The response of a rendering that may need an `async def` exception
/// handler's coroutine to finish first (a routing error's).
pub async fn settle(rendered: Rendered) -> Response {
    let awaited = match rendered {
        Rendered::Ready(response) => return response,
        Rendered::Awaiting(awaited) => awaited,
    };
    let started = Python::attach(|py| {
        let context = event_loop::new_context(py)?;
        event_loop::start(awaited.coroutine.bind(py), context.bind(py))
    });
    let task = match started {
        Ok(Started::Finished(task)) => Ok(task),
        Ok(Started::Suspended(done)) => done
            .await
            .map_err(|_| pyo3::exceptions::PyRuntimeError::new_err("the asyncio loop dropped a coroutine")),
        Err(err) => Err(err),
    };
    Python::attach(|py| {
        let outcome = task.and_then(|task| event_loop::result(py, &task));
        awaited.respond(py, outcome)
    })
}
