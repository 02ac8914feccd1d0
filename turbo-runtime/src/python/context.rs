//! The `contextvars` context a request's Python code runs in.
//!
//! Under FastAPI, a request's coroutines (async dependencies, the `async
//! def` handler) are awaited in one task, so a context variable one sets
//! is seen by the next; `def` code runs in a worker thread in a copy of
//! that context, so what it sets goes nowhere. turbo gives each request
//! one context for its coroutines (created on its first coroutine) and
//! runs each synchronous stretch of `def` code in a fresh copy of it (or
//! of the thread's own context before the first coroutine). Nothing a
//! handler sets reaches another request, on the I/O thread or a worker.

use pyo3::prelude::*;

/// A context entered on the current thread until dropped.
pub struct Entered<'py> {
    context: Bound<'py, PyAny>,
}

/// A copy of `base`, or of the thread's current context.
pub fn copy<'py>(py: Python<'py>, base: Option<&Bound<'py, PyAny>>) -> PyResult<Bound<'py, PyAny>> {
    // SAFETY: the GIL is held (`py`); `PyContext_Copy` is given a live
    // context object (the `Bound` keeps it alive; the caller passes a
    // context); both calls return a new reference or NULL with an
    // exception set, which `from_owned_ptr_or_err` turns into an owned
    // object or the error.
    unsafe {
        let copied = match base {
            Some(base) => pyo3::ffi::PyContext_Copy(base.as_ptr()),
            None => pyo3::ffi::PyContext_CopyCurrent(),
        };
        Bound::from_owned_ptr_or_err(py, copied)
    }
}

/// Enters `context`, a context object not entered anywhere.
pub fn enter(context: Bound<'_, PyAny>) -> PyResult<Entered<'_>> {
    // SAFETY: the GIL is held (the `Bound` proves it) and `context` is a
    // context object (callers pass one from `copy` or a Task's, which is
    // only entered while its step runs, never during ours);
    // `Entered::drop` exits it on this thread, in the nesting order
    // contexts require.
    if unsafe { pyo3::ffi::PyContext_Enter(context.as_ptr()) } != 0 {
        return Err(PyErr::fetch(context.py()));
    }
    Ok(Entered { context })
}

/// Enters a copy of `base` (or of the thread's current context).
pub fn enter_copy<'py>(py: Python<'py>, base: Option<&Py<PyAny>>) -> PyResult<Entered<'py>> {
    enter(copy(py, base.map(|base| base.bind(py)))?)
}

impl Drop for Entered<'_> {
    fn drop(&mut self) {
        // SAFETY: the GIL is held (the `Bound` proves it) and this context
        // was entered on this thread by `enter` and is the current one.
        if unsafe { pyo3::ffi::PyContext_Exit(self.context.as_ptr()) } != 0 {
            let py = self.context.py();
            super::calls::print_exception(py, &PyErr::fetch(py));
        }
    }
}
