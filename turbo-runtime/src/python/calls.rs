//! Calls from Rust into Python objects: the app's own (its handlers and
//! dependables, the plans built for its routes at start-up, its enum
//! classes and exception handlers) and the package's entry points.

use std::sync::OnceLock;

use pyo3::call::PyCallArgs;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList};

use super::entry_points::entry_points;
use crate::extraction::form::{Content, Form, FormValue};

/// The app's own objects the server calls, set once at start-up.
pub(super) struct AppObjects {
    /// The endpoint of each compiled route, `None` where the app did not
    /// register the route (it is never dispatched).
    pub(super) handlers: Vec<Option<Py<PyAny>>>,
    /// The `Enum` classes of [`AppSpec::enum_classes`], from the app module.
    pub(super) enum_classes: Vec<Py<PyAny>>,
    /// `pydantic.BaseModel`, if the app imported pydantic.
    pub(super) base_model: Option<Py<PyAny>>,
    /// One `turboapi._plans.RouteBody` per [`AppSpec::body_plans`] entry.
    pub(super) body_plans: Vec<Py<PyAny>>,
    /// One `turboapi._plans.ParamField` per [`AppSpec::param_fields`] entry.
    pub(super) param_fields: Vec<Py<PyAny>>,
    /// A `turboapi._plans.ResponsePlan` per handler with `python_response`.
    pub(super) response_plans: Vec<Option<Py<PyAny>>>,
    /// The applications serving the routes: the app first, then each
    /// mounted FastAPI application.
    pub(super) served_by: Vec<Served>,
    /// By route: its application's index in `served_by`.
    pub(super) route_apps: Vec<usize>,
}

/// An application serving routes: the app, or a FastAPI application
/// mounted on it (Starlette's `Mount`: its own exception handlers,
/// `dependency_overrides` and `request.app`).
pub(super) struct Served {
    pub(super) object: Py<PyAny>,
    /// Where it is mounted (`root_path` grows by it); empty for the app.
    pub(super) mount: &'static str,
    /// `turboapi._plans.ExceptionHandlers`, if it registered any.
    pub(super) exception_handlers: Option<Py<PyAny>>,
    /// It registered a handler for `RequestValidationError`.
    pub(super) handles_validation: bool,
}

static APP_OBJECTS: OnceLock<AppObjects> = OnceLock::new();

/// Keeps the app's objects for the life of the process.
pub(super) fn set(objects: AppObjects) -> Result<(), String> {
    APP_OBJECTS
        .set(objects)
        .map_err(|_| "the app was loaded twice".to_owned())
}

fn loaded() -> &'static AppObjects {
    APP_OBJECTS
        .get()
        .expect("python::load runs before the server accepts requests")
}

/// The handler of route `index`, as registered by the app at import.
pub fn handler(py: Python<'_>, index: usize) -> &Bound<'_, PyAny> {
    loaded().handlers[index]
        .as_ref()
        .expect("the router dispatches only to registered routes")
        .bind(py)
}

/// `turboapi._body.read(body, content_type)`.
pub fn read_body<'py>(
    py: Python<'py>,
    body: &[u8],
    content_type: Option<String>,
) -> PyResult<Bound<'py, PyAny>> {
    let body = pyo3::types::PyBytes::new(py, body);
    entry_points().read_body.bind(py).call1((body, content_type))
}

/// `BodyPlan.validate(received)` of body plan `index`: (values, errors).
pub fn validate_body<'py>(
    index: usize,
    part: usize,
    received: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let py = received.py();
    loaded().body_plans[index]
        .bind(py)
        .call_method1(intern!(py, "validate"), (part, received))
}

/// `SecurityScopes(scopes=[...])`.
pub fn security_scopes<'py>(py: Python<'py>, scopes: &[&str]) -> PyResult<Bound<'py, PyAny>> {
    let kwargs = PyDict::new(py);
    kwargs.set_item(intern!(py, "scopes"), PyList::new(py, scopes)?)?;
    entry_points().security_scopes.bind(py).call((), Some(&kwargs))
}

/// `validate(*args)` of parameter field `index` (a `ParamField` or a
/// `ParamModel`): (value, errors).
pub fn validate_field<'py>(
    py: Python<'py>,
    index: usize,
    args: impl PyCallArgs<'py>,
) -> PyResult<Bound<'py, PyAny>> {
    loaded().param_fields[index]
        .bind(py)
        .call_method1(intern!(py, "validate"), args)
}

/// The response plan of handler `index`, if its responses are built in Python.
pub fn response_plan(py: Python<'_>, index: usize) -> Option<&Bound<'_, PyAny>> {
    loaded().response_plans[index].as_ref().map(|plan| plan.bind(py))
}

/// Whether `value` is a `Response` (sent as it is).
pub fn is_response(value: &Bound<'_, PyAny>) -> bool {
    value
        .is_instance(entry_points().response_class.bind(value.py()))
        .unwrap_or(false)
}

/// The `Response` FastAPI injects into a handler that asks for one.
pub fn sub_response(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    entry_points().sub_response.bind(py).call0()
}

/// `stream_chunks(response)`: a `StreamingResponse`'s chunks as bytes.
pub fn stream_chunks<'py>(py: Python<'py>, response: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    entry_points().stream_chunks.bind(py).call1((response,))
}

/// `RequestScope(managers)`: the request-scope context managers a stream
/// closes, each `(manager, is_async)` in the order they were entered.
pub fn request_scope(py: Python<'_>, managers: Vec<(Py<PyAny>, bool)>) -> PyResult<Bound<'_, PyAny>> {
    entry_points().request_scope.bind(py).call1((managers,))
}

/// The error a `DeferredStreamError` carries (an SSE generator raised:
/// the stream ends cleanly and the error is logged).
pub fn deferred_stream_error(py: Python<'_>, err: &PyErr) -> Option<PyErr> {
    let class = entry_points().deferred_stream_error.bind(py);
    let value = err.value(py);
    if !value.is_instance(class).unwrap_or(false) {
        return None;
    }
    value
        .getattr(pyo3::intern!(py, "error"))
        .ok()
        .map(PyErr::from_value)
}

/// A new `BackgroundTasks()`.
pub fn background_tasks(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    entry_points().background_tasks.bind(py).call0()
}

/// The app object (the application the server was built for).
pub fn app(py: Python<'_>) -> &Bound<'_, PyAny> {
    loaded().served_by[0].object.bind(py)
}

/// `turboapi._plans.make_request(...)`.
pub fn make_request<'py>(py: Python<'py>, args: impl PyCallArgs<'py>) -> PyResult<Bound<'py, PyAny>> {
    entry_points().make_request.bind(py).call1(args)
}

/// The application serving route `index` (the app, or a mounted one):
/// its index among the applications.
pub fn app_of(route: Option<usize>) -> usize {
    route
        .and_then(|route| loaded().route_apps.get(route).copied())
        .unwrap_or(0)
}

/// How many applications serve routes (the app and the mounted ones).
pub fn applications() -> usize {
    loaded().served_by.len()
}

/// Application `app`'s object (`request.app`) and the path it is mounted at.
pub fn application(py: Python<'_>, app: usize) -> (&Bound<'_, PyAny>, &'static str) {
    let served = &loaded().served_by[app];
    (served.object.bind(py), served.mount)
}

/// Application `app`'s exception handlers, if it registered any.
pub fn exception_handlers(py: Python<'_>, app: usize) -> Option<&Bound<'_, PyAny>> {
    loaded().served_by[app]
        .exception_handlers
        .as_ref()
        .map(|h| h.bind(py))
}

/// Whether application `app` registered exception handlers (no GIL needed to ask).
pub fn has_exception_handlers(app: usize) -> bool {
    loaded().served_by[app].exception_handlers.is_some()
}

/// Whether application `app` handles `RequestValidationError` itself.
pub fn handles_validation(app: usize) -> bool {
    loaded().served_by[app].handles_validation
}

/// `json.loads(text)`.
pub fn json_loads<'py>(py: Python<'py>, text: &[u8]) -> PyResult<Bound<'py, PyAny>> {
    entry_points()
        .json_loads
        .bind(py)
        .call1((pyo3::types::PyBytes::new(py, text),))
}

/// `Enum` class `index` of the app.
pub fn enum_class(py: Python<'_>, index: usize) -> &Bound<'_, PyAny> {
    loaded().enum_classes[index].bind(py)
}

/// `value.model_dump(mode="json", by_alias=True)` if `value` is a pydantic model.
pub fn model_dump<'py>(value: &Bound<'py, PyAny>) -> PyResult<Option<Bound<'py, PyAny>>> {
    let py = value.py();
    let Some(base_model) = &loaded().base_model else {
        return Ok(None);
    };
    if !value.is_instance(base_model.bind(py))? {
        return Ok(None);
    }
    let kwargs = PyDict::new(py);
    kwargs.set_item(intern!(py, "mode"), intern!(py, "json"))?;
    kwargs.set_item(intern!(py, "by_alias"), true)?;
    value
        .call_method(intern!(py, "model_dump"), (), Some(&kwargs))
        .map(Some)
}

/// `turboapi.jsonable_encoder(value)`: the slow path of the JSON encoder.
pub fn jsonable_encoder<'py>(value: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    entry_points().jsonable_encoder.bind(value.py()).call1((value,))
}

/// Whether `err` is an `HTTPException` (the app's or a subclass).
/// `HTTPException(status_code, detail)`, as Starlette raises for a bad form.
/// Starlette's routing errors: `HTTPException(404)`, or
/// `HTTPException(405, headers={"Allow": allow})`.
pub fn routing_exception<'py>(py: Python<'py>, allow: Option<&str>) -> PyResult<Bound<'py, PyAny>> {
    let class = entry_points().http_exception.bind(py);
    match allow {
        None => class.call1((404,)),
        Some(allow) => {
            let headers = PyDict::new(py);
            headers.set_item("Allow", allow)?;
            let kwargs = PyDict::new(py);
            kwargs.set_item("headers", headers)?;
            class.call((405,), Some(&kwargs))
        }
    }
}

pub fn new_http_exception(py: Python<'_>, status_code: u16, detail: &str) -> PyErr {
    match entry_points()
        .http_exception
        .bind(py)
        .call1((status_code, detail))
    {
        Ok(exc) => PyErr::from_value(exc),
        Err(err) => err,
    }
}

/// FastAPI's `RequestValidationError` for a 422 body (`{"detail": [...]}`),
/// raised when a 422 must pass through `yield` dependencies as an exception.
pub fn request_validation_error<'py>(
    py: Python<'py>,
    errors_body: &[u8],
    body: Option<Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let detail = json_loads(py, errors_body)?.get_item("detail")?;
    let kwargs = PyDict::new(py);
    kwargs.set_item("body", body)?;
    entry_points()
        .request_validation_error
        .bind(py)
        .call((detail,), Some(&kwargs))
}

/// What FastAPI's request handler raises when a function-scope `yield`
/// dependency swallowed an exception: its `response` variable was never
/// assigned.
pub fn unbound_response_error() -> PyErr {
    pyo3::exceptions::PyUnboundLocalError::new_err(
        "cannot access local variable 'response' where it is not associated with a value",
    )
}

/// FastAPI's `FastAPIError` when a request-scope `yield` dependency
/// swallowed an exception, so no response was sent.
pub fn response_not_awaited_error(py: Python<'_>) -> PyErr {
    const MESSAGE: &str = "Response not awaited. There's a high chance that the application code is raising an \
        exception and a dependency with yield has a block with a bare except, or a block with except \
        Exception, and is not raising the exception again. Read more about it in the docs: \
        https://fastapi.tiangolo.com/tutorial/dependencies/dependencies-with-yield/#dependencies-with-yield-and-except";
    match entry_points().fastapi_error.bind(py).call1((MESSAGE,)) {
        Ok(exception) => PyErr::from_value(exception),
        Err(err) => err,
    }
}

/// The Python `FormData` of a form parsed in Rust (`turboapi._forms.build_form`):
/// text as bytes for Python to decode with the charset, files as bytes
/// (in memory) or a file descriptor Python takes over (spooled to disk).
pub fn build_form(py: Python<'_>, form: Form) -> PyResult<Bound<'_, PyAny>> {
    use std::os::fd::IntoRawFd;
    let items = PyList::empty(py);
    for (name, value) in form.items {
        let name = PyBytes::new(py, &name);
        match value {
            FormValue::Text(text) => items.append((name, PyBytes::new(py, &text)))?,
            FormValue::File(upload) => {
                let content = match upload.content {
                    Content::Memory(bytes) => PyBytes::new(py, &bytes).into_any(),
                    Content::Disk(file) => file.into_raw_fd().into_pyobject(py)?.into_any(),
                };
                let headers: Vec<(Bound<'_, PyBytes>, Bound<'_, PyBytes>)> = upload
                    .headers
                    .iter()
                    .map(|(name, value)| (PyBytes::new(py, name), PyBytes::new(py, value)))
                    .collect();
                let file = (PyBytes::new(py, &upload.filename), headers, upload.size, content);
                items.append((name, file))?;
            }
        }
    }
    entry_points().build_form.bind(py).call1((form.charset, items))
}

pub fn http_exception<'py>(py: Python<'py>, err: &PyErr) -> Option<Bound<'py, PyAny>> {
    let class = entry_points().http_exception.bind(py);
    err.is_instance(py, class)
        .then(|| err.value(py).clone().into_any())
}

/// Python's `traceback` of `err`, printed to stderr with a context line,
/// as uvicorn logs an exception in an ASGI application.
pub fn log_exception(py: Python<'_>, context: &str, err: &PyErr) {
    if !crate::log::shows(crate::log::Level::Error) {
        return;
    }
    crate::log::write_line(format!("ERROR: {} {context}", crate::clock::now()));
    print_exception(py, err);
}

/// Starlette's `WebSocketException` (FastAPI's derives from it).
pub fn is_websocket_exception(py: Python<'_>, err: &PyErr) -> bool {
    err.value(py)
        .is_instance(entry_points().websocket_exception.bind(py))
        .unwrap_or(false)
}

/// Marks an exception the server has logged, so that the ASGI bridge
/// does not log it again when it comes out of a Python middleware.
pub fn mark_logged(py: Python<'_>, err: &PyErr) {
    let _ = err.value(py).setattr(pyo3::intern!(py, "__turbo_logged__"), true);
}

pub fn was_logged(py: Python<'_>, err: &PyErr) -> bool {
    err.value(py)
        .getattr(pyo3::intern!(py, "__turbo_logged__"))
        .and_then(|logged| logged.is_truthy())
        .unwrap_or(false)
}

/// Prints `err` with its traceback, as `traceback.print_exception` does.
/// Never through CPython's own printer (`PyErr_Print`), which ends the
/// process for a `SystemExit`: no exception a handler raises stops the
/// server.
pub fn print_exception(py: Python<'_>, err: &PyErr) {
    let printed = super::entry_points::try_entry_points().map(|entry| {
        let traceback = err
            .traceback(py)
            .map(Bound::into_any)
            .unwrap_or_else(|| py.None().into_bound(py));
        entry
            .print_exception
            .bind(py)
            .call1((err.get_type(py), err.value(py), traceback))
    });
    if !matches!(printed, Some(Ok(_))) {
        // Before the package is installed, or stderr is broken.
        eprintln!("{err}");
    }
}
