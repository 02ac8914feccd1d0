//! The app's lifespan (`lifespan=`, startup and shutdown handlers), run
//! as uvicorn runs it: one Task of the I/O thread's loop enters the
//! context before the server accepts its first connection and leaves it
//! once the last request is answered (`turboapi/_lifespan.py`).

use pyo3::prelude::*;

use super::calls;
use super::entry_points::entry_points;
use super::event_loop::{self, Started};

/// A lifespan that started: what [`stop`] needs to end it.
pub struct Running {
    lifespan: Py<PyAny>,
    task: Started,
}

/// Enters the app's lifespan. `Err` when startup raised (its traceback
/// printed): the server must not serve.
pub async fn start() -> Result<Running, ()> {
    let begun = Python::attach(|py| -> PyResult<(Py<PyAny>, Started, Py<PyAny>)> {
        let lifespan = entry_points()
            .lifespan
            .bind(py)
            .call1((calls::app(py), event_loop::loop_object(py)))?;
        let context = event_loop::new_context(py)?;
        let task = event_loop::start(&lifespan.call_method0("run")?, context.bind(py))?;
        let started = lifespan.getattr("started")?.unbind();
        Ok((lifespan.unbind(), task, started))
    });
    let (lifespan, task, started) = match begun {
        Ok(begun) => begun,
        Err(err) => {
            Python::attach(|py| calls::print_exception(py, &err));
            return Err(());
        }
    };
    let started = event_loop::done(started).await;
    let outcome = Python::attach(|py| event_loop::result(py, &started).map(drop));
    match outcome {
        Ok(()) => Ok(Running { lifespan, task }),
        Err(err) => {
            Python::attach(|py| calls::print_exception(py, &err));
            Err(())
        }
    }
}

/// Leaves the lifespan (shutdown handlers, the code after `yield`);
/// what it raises is logged.
pub async fn stop(running: Running) {
    let Running { lifespan, task } = running;
    if let Err(err) = Python::attach(|py| lifespan.bind(py).call_method0("stop").map(drop)) {
        Python::attach(|py| calls::log_exception(py, "cannot stop the application's lifespan", &err));
        return;
    }
    event_loop::wake();
    let task = match task {
        Started::Finished(task) => task,
        Started::Suspended(receiver) => match receiver.await {
            Ok(task) => task,
            Err(_) => return,
        },
    };
    if let Err(err) = Python::attach(|py| event_loop::result(py, &task).map(drop)) {
        Python::attach(|py| calls::log_exception(py, "application shutdown failed", &err));
    }
}
