//! The bridge to CPython: interpreter start-up, loading the app, calling handlers.
//!
//! Threading model (see ARCHITECTURE.md and `execution/`): the thread that
//! initialises Python is the I/O thread; it runs the asyncio loop and, for
//! most routes, `def` code inline. It keeps its Python thread state for the
//! life of the process, so attaching per request only takes the GIL; it
//! never creates a thread state (that costs ~5 us).

use std::ffi::CString;
use std::path::Path;
use std::sync::OnceLock;

use pyo3::call::PyCallArgs;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList};

use crate::form::{Content, Form, FormValue};
use crate::registration::{match_routes, Registered};
use crate::spec::{AppSpec, RouteSpec};

const BOOTSTRAP: &str = include_str!("bootstrap.py");

/// Site-packages directories of the interpreter turbo-runtime was built
/// against, so that a venv's packages are found wherever the binary runs.
const BUILD_SITE_DIRS: &str = env!("TURBO_PYTHON_SITE_DIRS");

/// Everything the server holds in Python, set once at start-up.
struct Loaded {
    /// The endpoint of each compiled route, `None` where the app did not
    /// register the route (it is never dispatched).
    handlers: Vec<Option<Py<PyAny>>>,
    http_exception: Py<PyAny>,
    jsonable_encoder: Py<PyAny>,
    /// `turboapi._body.read`.
    read_body: Py<PyAny>,
    /// `turboapi._forms.build_form`.
    build_form: Py<PyAny>,
    /// The `Enum` classes of [`AppSpec::enum_classes`], from the app module.
    enum_classes: Vec<Py<PyAny>>,
    /// `pydantic.BaseModel`, if the app imported pydantic.
    base_model: Option<Py<PyAny>>,
    /// One `turboapi._plans.RouteBody` per [`AppSpec::body_plans`] entry.
    body_plans: Vec<Py<PyAny>>,
    /// One `turboapi._plans.ParamField` per [`AppSpec::param_fields`] entry.
    param_fields: Vec<Py<PyAny>>,
    /// Per route, the dependables it calls, in step order.
    dependencies: Vec<Vec<crate::dependables::Dependable>>,
    /// A `turboapi._plans.ResponsePlan` per handler with `python_response`.
    response_plans: Vec<Option<Py<PyAny>>>,
    /// `turboapi._plans.ExceptionHandlers`, if the app registered any.
    exception_handlers: Option<Py<PyAny>>,
    /// The app registered a handler for `RequestValidationError`.
    handles_validation: bool,
    /// `turboapi.responses.Response`: returned instances bypass encoding.
    response_class: Py<PyAny>,
    /// `turboapi._plans.make_request` and `sub_response`.
    make_request: Py<PyAny>,
    sub_response: Py<PyAny>,
    /// `turboapi.security.SecurityScopes`.
    security_scopes: Py<PyAny>,
    /// `json.loads`, to hand validation errors to an exception handler.
    json_loads: Py<PyAny>,
}

static LOADED: OnceLock<Loaded> = OnceLock::new();

fn loaded() -> &'static Loaded {
    LOADED
        .get()
        .expect("python::load runs before the server accepts requests")
}

/// Initialises CPython on the calling thread and imports the app.
///
/// Returns a message for the operator when the app cannot be served as
/// compiled (import error, handlers that are not the compiled ones).
pub fn load(spec: &AppSpec, routes: &[&'static RouteSpec], app_dir: &Path) -> Result<(), String> {
    Python::initialize();
    Python::attach(|py| load_attached(py, spec, routes, app_dir)).map_err(|err| match err {
        LoadError::Python(err) => Python::attach(|py| {
            err.print(py);
            "the app failed to import (traceback above)".to_owned()
        }),
        LoadError::Mismatch(message) => message,
    })
}

enum LoadError {
    Python(PyErr),
    Mismatch(String),
}

impl From<PyErr> for LoadError {
    fn from(err: PyErr) -> Self {
        LoadError::Python(err)
    }
}

fn load_attached(
    py: Python<'_>,
    spec: &AppSpec,
    routes: &[&'static RouteSpec],
    app_dir: &Path,
) -> Result<(), LoadError> {
    let bootstrap = PyModule::from_code(
        py,
        &CString::new(BOOTSTRAP).expect("bootstrap.py has no NUL byte"),
        c"<turbo>/bootstrap.py",
        c"_turbo_bootstrap",
    )?;
    let package = bootstrap.getattr("install_package")?.call1((
        turbo_contract::PYTHON_PACKAGE.to_vec(),
        turbo_contract::STARLETTE_MODULES.to_vec(),
    ))?;
    let site_dirs: Vec<&str> = BUILD_SITE_DIRS.split(';').filter(|d| !d.is_empty()).collect();
    let app_dir = app_dir.to_string_lossy().into_owned();
    let (app, loaded): (Bound<'_, PyAny>, Bound<'_, PyAny>) = bootstrap
        .getattr("load_app")?
        .call1((
            app_dir.as_str(),
            spec.module,
            spec.app_variable,
            spec.factory,
            site_dirs,
        ))?
        .extract()?;
    let loaded = loaded.cast::<PyList>().map_err(PyErr::from)?;
    let mut registered = Vec::with_capacity(loaded.len());
    let mut endpoints = Vec::with_capacity(loaded.len());
    for item in loaded.iter() {
        type Route<'py> = (
            Vec<String>,
            String,
            Bound<'py, PyAny>,
            bool,
            Option<String>,
            Option<String>,
            Bound<'py, PyAny>,
        );
        let (methods, path, endpoint, is_async, module, qualname, options): Route<'_> = item.extract()?;
        registered.push(Registered {
            methods,
            path,
            module: module.unwrap_or_default(),
            qualname: qualname.unwrap_or_default(),
            is_async,
        });
        endpoints.push((endpoint, options));
    }
    let matched = match_routes(spec.handlers, &registered).map_err(LoadError::Mismatch)?;
    crate::routing::set_registered(matched.iter().map(Option::is_some).collect());
    // Routes the app did not register are never dispatched: they get no
    // handler and no plans.
    let registered_route = |index: usize| matched[index].map(|found| &endpoints[found]);
    let handlers: Vec<Option<Py<PyAny>>> = (0..matched.len())
        .map(|index| registered_route(index).map(|(endpoint, _)| endpoint.clone().unbind()))
        .collect();

    let dependencies = crate::dependables::fetch(py, routes, |index| {
        registered_route(index).map(|(endpoint, options)| (endpoint.clone(), options.clone()))
    })?
    .map_err(LoadError::Mismatch)?;
    let callables =
        crate::dependables::callables(py, &app, routes, &dependencies)?.map_err(LoadError::Mismatch)?;
    crate::execution::event_loop::install(py)?;
    let body = py.import("turboapi._body")?;
    let plans = py.import("turboapi._plans")?;
    let handler_of = |index: usize| registered_route(index).map(|(endpoint, _)| endpoint);
    let body_plans = spec
        .body_plans
        .iter()
        .map(|plan| {
            let Some(handler) = handler_of(plan.handler) else {
                return Ok(py.None());
            };
            // Each part's parameters are read from the signature of the
            // callable declaring them.
            let parts = plan
                .parts
                .iter()
                .map(|part| {
                    let callable = match part.dependency {
                        Some(step) => dependencies[plan.handler][step].bind(py),
                        None => handler,
                    };
                    Ok((callable, PyList::new(py, part.params)?))
                })
                .collect::<PyResult<Vec<_>>>()?;
            plans.getattr("RouteBody")?.call1((parts,)).map(Bound::unbind)
        })
        .collect::<PyResult<Vec<_>>>()?;
    let param_fields = spec
        .param_fields
        .iter()
        .map(|field| {
            let Some(handler) = handler_of(field.handler) else {
                return Ok(py.None());
            };
            // A dependency's parameter is read from the dependable's signature.
            let handler = match field.dependency {
                Some(step) => dependencies[field.handler][step].bind(py),
                None => handler,
            };
            let built = if field.model {
                plans
                    .getattr("ParamModel")?
                    .call1((handler, field.name, field.source))
            } else {
                plans
                    .getattr("ParamField")?
                    .call1((handler, field.name, field.source, field.key))
            };
            built.map(Bound::unbind)
        })
        .collect::<PyResult<Vec<_>>>()?;
    let app_options = app.getattr("_turbo_options")?;
    let response_plans = spec
        .handlers
        .iter()
        .enumerate()
        .map(|(index, handler)| {
            let Some((endpoint, options)) = registered_route(index) else {
                return Ok(None);
            };
            if !handler.python_response {
                return Ok(None);
            }
            plans
                .getattr("ResponsePlan")?
                .call1((endpoint, options, &app_options))
                .map(|plan| Some(plan.unbind()))
        })
        .collect::<PyResult<Vec<_>>>()?;
    let registered = app.getattr("_turbo_exception_handlers")?;
    let (exception_handlers, handles_validation) = if registered.len()? > 0 {
        let handlers = plans.getattr("ExceptionHandlers")?.call1((registered,))?;
        let handles_validation: bool = handlers.call_method0("handles_validation")?.extract()?;
        (Some(handlers.unbind()), handles_validation)
    } else {
        (None, false)
    };
    let base_model = py
        .import("sys")?
        .getattr("modules")?
        .call_method1("get", ("pydantic",))?;
    let base_model = if base_model.is_none() {
        None
    } else {
        Some(base_model.getattr("BaseModel")?.unbind())
    };
    // Qualified names: the class is an attribute of its module.
    let enum_classes = spec
        .enum_classes
        .iter()
        .map(|qualified| {
            let (module, name) = qualified.rsplit_once('.').unwrap_or(("", qualified));
            py.import(module)?.getattr(name).map(Bound::unbind)
        })
        .collect::<PyResult<Vec<_>>>()?;
    let loaded = Loaded {
        dependencies: callables,
        enum_classes,
        base_model,
        read_body: body.getattr("read")?.unbind(),
        build_form: py.import("turboapi._forms")?.getattr("build_form")?.unbind(),
        body_plans,
        param_fields,
        response_plans,
        exception_handlers,
        handles_validation,
        response_class: py.import("turboapi.responses")?.getattr("Response")?.unbind(),
        make_request: plans.getattr("make_request")?.unbind(),
        sub_response: plans.getattr("sub_response")?.unbind(),
        security_scopes: py
            .import("turboapi.security")?
            .getattr("SecurityScopes")?
            .unbind(),
        json_loads: py.import("json")?.getattr("loads")?.unbind(),
        handlers,
        // Starlette's `HTTPException`: what routing and form errors raise,
        // and the base of FastAPI's, which the default handler answers.
        http_exception: py
            .import("turboapi._starlette_exceptions")?
            .getattr("HTTPException")?
            .unbind(),
        jsonable_encoder: package.getattr("jsonable_encoder")?.unbind(),
    };
    if LOADED.set(loaded).is_err() {
        return Err(LoadError::Mismatch("the app was loaded twice".to_owned()));
    }
    Ok(())
}

/// The handler of route `index`, as registered by the app at import.
pub fn handler(py: Python<'_>, index: usize) -> &Bound<'_, PyAny> {
    loaded().handlers[index]
        .as_ref()
        .expect("the router dispatches only to registered routes")
        .bind(py)
}

/// What dependency step `step` of route `route` calls: the dependable
/// the app registered, or its override.
pub fn dependable(route: usize, step: usize) -> &'static crate::dependables::Dependable {
    &loaded().dependencies[route][step]
}

/// `turboapi._body.read(body, content_type)`.
pub fn read_body<'py>(
    py: Python<'py>,
    body: &[u8],
    content_type: Option<String>,
) -> PyResult<Bound<'py, PyAny>> {
    let body = pyo3::types::PyBytes::new(py, body);
    loaded().read_body.bind(py).call1((body, content_type))
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
    loaded().security_scopes.bind(py).call((), Some(&kwargs))
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
        .is_instance(loaded().response_class.bind(value.py()))
        .unwrap_or(false)
}

/// The `Response` FastAPI injects into a handler that asks for one.
pub fn sub_response(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    loaded().sub_response.bind(py).call0()
}

/// `turboapi._plans.make_request(...)`.
pub fn make_request<'py>(py: Python<'py>, args: impl PyCallArgs<'py>) -> PyResult<Bound<'py, PyAny>> {
    loaded().make_request.bind(py).call1(args)
}

/// The app's exception handlers, if it registered any.
pub fn exception_handlers(py: Python<'_>) -> Option<&Bound<'_, PyAny>> {
    loaded().exception_handlers.as_ref().map(|h| h.bind(py))
}

/// Whether the app registered exception handlers (no GIL needed to ask).
pub fn has_exception_handlers() -> bool {
    loaded().exception_handlers.is_some()
}

/// Whether the app handles `RequestValidationError` itself.
pub fn handles_validation() -> bool {
    loaded().handles_validation
}

/// `json.loads(text)`.
pub fn json_loads<'py>(py: Python<'py>, text: &[u8]) -> PyResult<Bound<'py, PyAny>> {
    loaded()
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
    loaded().jsonable_encoder.bind(value.py()).call1((value,))
}

/// Whether `err` is an `HTTPException` (the app's or a subclass).
/// `HTTPException(status_code, detail)`, as Starlette raises for a bad form.
/// Starlette's routing errors: `HTTPException(404)`, or
/// `HTTPException(405, headers={"Allow": allow})`.
pub fn routing_exception<'py>(py: Python<'py>, allow: Option<&str>) -> PyResult<Bound<'py, PyAny>> {
    let class = loaded().http_exception.bind(py);
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
    match loaded().http_exception.bind(py).call1((status_code, detail)) {
        Ok(exc) => PyErr::from_value(exc),
        Err(err) => err,
    }
}

/// FastAPI's `RequestValidationError` for `errors`, raised when a 422 must
/// pass through `yield` dependencies as an exception.
pub fn request_validation_error<'py>(
    py: Python<'py>,
    errors: &crate::validation_errors::ValidationErrors,
    body: Option<Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let detail = json_loads(py, &errors.to_body())?.get_item("detail")?;
    let kwargs = PyDict::new(py);
    kwargs.set_item("body", body)?;
    py.import("turboapi.exceptions")?
        .getattr("RequestValidationError")?
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
    match py
        .import("turboapi.exceptions")
        .and_then(|module| module.getattr("FastAPIError"))
        .and_then(|class| class.call1((MESSAGE,)))
    {
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
    loaded().build_form.bind(py).call1((form.charset, items))
}

pub fn http_exception<'py>(py: Python<'py>, err: &PyErr) -> Option<Bound<'py, PyAny>> {
    let class = loaded().http_exception.bind(py);
    err.is_instance(py, class)
        .then(|| err.value(py).clone().into_any())
}

/// Python's `traceback` of `err`, printed to stderr with a context line,
/// as uvicorn logs an exception in an ASGI application.
pub fn log_exception(py: Python<'_>, context: &str, err: &PyErr) {
    eprintln!("ERROR: {context}");
    err.print(py);
}

#[cfg(test)]
mod tests {
    /// A module added to the package but not embedded would fail only at a
    /// server's start-up; every `.py` file must be listed.
    #[test]
    fn every_package_module_is_embedded() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../python");
        let mut on_disk = Vec::new();
        let mut dirs = vec![root.join("turboapi")];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() && path.join("__init__.py").exists() {
                    dirs.push(path);
                    continue;
                }
                if path.extension().and_then(|e| e.to_str()) != Some("py") {
                    continue;
                }
                let relative = path.strip_prefix(&root).unwrap().with_extension("");
                let module = relative.to_str().unwrap().replace('/', ".");
                on_disk.push(module.strip_suffix(".__init__").unwrap_or(&module).to_owned());
            }
        }
        let mut embedded: Vec<String> = turbo_contract::PYTHON_PACKAGE
            .iter()
            .map(|(name, _, _)| name.to_string())
            .collect();
        on_disk.sort();
        embedded.sort();
        assert_eq!(on_disk, embedded);
    }
}
