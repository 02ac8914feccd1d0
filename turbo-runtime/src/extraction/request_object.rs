//! The Starlette `Request` object handed to Python: to a handler or
//! dependency that declares one, and to the app's exception handlers.

use pyo3::prelude::*;
use pyo3::types::PyBytes;

use crate::extraction::request::{Call, Request};
use crate::python::calls;
use crate::spec::BodyRead;

/// The request's headers as ASGI gives them: (lower-case name, value) byte pairs.
pub fn raw_headers<'py>(
    py: Python<'py>,
    request: &Request,
) -> Vec<(Bound<'py, PyBytes>, Bound<'py, PyBytes>)> {
    header_pairs(py, request.headers())
}

/// Headers as ASGI gives them: (lower-case name, value) byte pairs.
pub fn header_pairs<'py>(
    py: Python<'py>,
    headers: &hyper::HeaderMap,
) -> Vec<(Bound<'py, PyBytes>, Bound<'py, PyBytes>)> {
    headers
        .iter()
        .map(|(name, value)| {
            (
                PyBytes::new(py, name.as_str().as_bytes()),
                PyBytes::new(py, value.as_bytes()),
            )
        })
        .collect()
}

/// The `Request` object of a call, for a handler, its dependencies or an
/// exception handler: made once per request.
pub fn python_request<'py>(py: Python<'py>, call: &Call) -> PyResult<Bound<'py, PyAny>> {
    if let Some(made) = call.python_request.get() {
        return Ok(made.bind(py).clone());
    }
    let made = new_python_request(py, call)?;
    let _ = call.python_request.set(made.clone().unbind());
    Ok(made)
}

fn new_python_request<'py>(py: Python<'py>, call: &Call) -> PyResult<Bound<'py, PyAny>> {
    let request = &call.request;
    let path_params: Vec<(&str, &str, &str)> = call
        .route
        .path_params
        .iter()
        .enumerate()
        .map(|(index, (name, convertor))| (*name, convertor.name(), call.captures.get(request.path(), index)))
        .collect();
    let body = (call.route.body == BodyRead::Bytes).then(|| PyBytes::new(py, request.body()));
    request_object(
        py,
        request,
        path_params,
        body,
        calls::app_of(Some(call.route.handler)),
    )
}

/// A `Request` object: the request, its path parameters and, when read,
/// its body, as application `app` (the app, or a mounted one) sees it.
pub fn request_object<'py>(
    py: Python<'py>,
    request: &Request,
    path_params: Vec<(&str, &str, &str)>,
    body: Option<Bound<'py, PyBytes>>,
    app: usize,
) -> PyResult<Bound<'py, PyAny>> {
    let headers = raw_headers(py, request);
    let server = request
        .local_addr()
        .map(|local| (local.ip().to_string(), local.port()));
    let client = request.client();
    // uvicorn's scope under `--root-path`: `path` includes it.
    let root_path = request.root_path();
    let path = if root_path.is_empty() {
        std::borrow::Cow::Borrowed(request.path())
    } else {
        std::borrow::Cow::Owned(format!("{root_path}{}", request.path()))
    };
    // A mounted application sees the mount path in its `root_path`
    // (Starlette's `Mount`); `path` stays whole.
    let (application, mount) = calls::application(py, app);
    calls::make_request(
        py,
        (
            request.method(),
            &*path,
            PyBytes::new(py, request.raw_query().unwrap_or("").as_bytes()),
            headers,
            client,
            server,
            path_params,
            body,
            request.scheme(),
            format!("{root_path}{mount}"),
            request.asgi_scope().map(|scope| scope.bind(py)),
            (application, root_path),
        ),
    )
}
