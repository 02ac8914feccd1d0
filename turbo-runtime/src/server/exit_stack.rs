//! The `yield` dependencies a request has entered, and how their exit code
//! runs: FastAPI's two `AsyncExitStack`s.
//!
//! FastAPI wraps each generator dependable in `contextlib.contextmanager`
//! (or `asynccontextmanager`) and enters it on one of two stacks:
//! `Depends(scope="function")` on a stack closed right after the handler
//! returns (before the response is sent), the default `scope="request"` on
//! one closed after the response is sent. An exception from a dependency
//! or the handler is thrown into each entered generator, innermost first;
//! each may re-raise it, raise another, or swallow it. The server calls the
//! same `contextlib` objects' `__exit__`/`__aexit__`, so a generator's
//! `except`/`finally` sees exactly what it would under FastAPI.

use pyo3::intern;
use pyo3::prelude::*;
use smallvec::SmallVec;

use crate::spec::ExitScope;

/// One entered context manager.
pub struct Entered {
    /// The `contextlib` context manager around the dependable's generator.
    pub manager: Py<PyAny>,
    /// An `asynccontextmanager`: its exit is a coroutine to await.
    pub is_async: bool,
}

/// The entered context managers of one request, by scope.
#[derive(Default)]
pub struct ExitStack {
    function: SmallVec<[Entered; 2]>,
    request: SmallVec<[Entered; 2]>,
    /// The function-scope stack has been closed.
    function_closed: bool,
}

/// What to do next while closing the stacks.
pub enum Closing {
    /// Exit this context manager.
    Exit(Entered),
    /// The function-scope stack is now closed: where FastAPI sends the
    /// response (the request-scope stack is still open).
    FunctionClosed,
    /// Both stacks are closed.
    Closed,
}

impl ExitStack {
    pub fn is_empty(&self) -> bool {
        self.function.is_empty() && self.request.is_empty()
    }

    pub fn push(&mut self, scope: ExitScope, entered: Entered) {
        match scope {
            ExitScope::Function => self.function.push(entered),
            ExitScope::Request => self.request.push(entered),
        }
    }

    /// The next context manager to exit: the function scope's, innermost
    /// first, then the request scope's.
    pub fn next(&mut self) -> Closing {
        if let Some(entered) = self.function.pop() {
            return Closing::Exit(entered);
        }
        if !self.function_closed {
            self.function_closed = true;
            return Closing::FunctionClosed;
        }
        match self.request.pop() {
            Some(entered) => Closing::Exit(entered),
            None => Closing::Closed,
        }
    }

    /// Takes the request scope's entered context managers, in the order
    /// they were entered (a stream closes them once it is sent).
    pub fn take_request(&mut self) -> SmallVec<[Entered; 2]> {
        std::mem::take(&mut self.request)
    }

    /// Abandons every entered generator (the request was dropped before it
    /// finished): `GeneratorExit` reaches their `finally` blocks. An async
    /// generator's `aclose()` is left to the event loop.
    pub fn abandon(&mut self, py: Python<'_>, schedule: impl Fn(&Bound<'_, PyAny>) -> PyResult<()>) {
        let entered = self.function.drain(..).rev().chain(self.request.drain(..).rev());
        for entered in entered {
            let manager = entered.manager.bind(py);
            let closed = manager.getattr(intern!(py, "gen")).and_then(|generator| {
                if entered.is_async {
                    schedule(&generator.call_method0(intern!(py, "aclose"))?)
                } else {
                    generator.call_method0(intern!(py, "close")).map(drop)
                }
            });
            if let Err(err) = closed {
                crate::python::calls::log_exception(
                    py,
                    "exception while closing an abandoned dependency",
                    &err,
                );
            }
        }
    }
}

/// `manager.__exit__(*exc_info)` (or `__aexit__`, whose coroutine is
/// returned to be awaited) for `raised`, or for a clean exit.
pub fn exit_call<'py>(
    py: Python<'py>,
    entered: &Entered,
    raised: Option<&PyErr>,
) -> PyResult<Bound<'py, PyAny>> {
    let none = || py.None().into_bound(py);
    let (kind, value, traceback) = match raised {
        Some(err) => (
            err.get_type(py).into_any(),
            err.value(py).clone().into_any(),
            err.traceback(py).map_or_else(none, Bound::into_any),
        ),
        None => (none(), none(), none()),
    };
    let method = if entered.is_async {
        intern!(py, "__aexit__")
    } else {
        intern!(py, "__exit__")
    };
    entered
        .manager
        .bind(py)
        .call_method1(method, (kind, value, traceback))
}

/// What an exit returned: `true` if it swallowed the exception (FastAPI's
/// `contextmanager_in_threadpool` re-raises the original one otherwise).
pub fn suppressed(returned: &Bound<'_, PyAny>) -> bool {
    returned.is_truthy().unwrap_or(false)
}
