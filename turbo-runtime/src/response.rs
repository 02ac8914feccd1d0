//! HTTP responses as FastAPI and Starlette build them, and handler calls.

use bytes::Bytes;
use http_body_util::Full;
use hyper::header::{HeaderName, HeaderValue, ALLOW, CONTENT_LENGTH, CONTENT_TYPE, LOCATION};
use hyper::StatusCode;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyString};

use crate::json::{self, Mode};
use crate::python;
use crate::request::Request;
use crate::spec::{BodyRead, RouteSpec};
use crate::template::Captures;
use crate::validation_errors::ValidationErrors;

pub type Body = Full<Bytes>;
pub type Response = hyper::Response<Body>;

const JSON: HeaderValue = HeaderValue::from_static("application/json");

/// Starlette omits the body (and `content-length`) for these statuses.
fn body_allowed(status: u16) -> bool {
    !(status < 200 || status == 204 || status == 304)
}

fn status(code: u16) -> StatusCode {
    StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// A `JSONResponse`: `content-length` and `content-type: application/json`,
/// or no body at all for 1xx, 204 and 304 (FastAPI keeps the content type).
pub fn json(code: u16, body: Vec<u8>) -> Response {
    let allowed = body_allowed(code);
    let mut response = with_body(if allowed { body } else { Vec::new() }, allowed);
    *response.status_mut() = status(code);
    response.headers_mut().insert(CONTENT_TYPE, JSON);
    response
}

/// A response with `content-length` set explicitly, as Starlette sets it:
/// hyper would leave it out of a HEAD response with an empty body.
fn with_body(body: Vec<u8>, content_length: bool) -> Response {
    let length = body.len();
    let mut response = hyper::Response::new(Full::new(Bytes::from(body)));
    if content_length {
        response
            .headers_mut()
            .insert(CONTENT_LENGTH, HeaderValue::from(length));
    }
    response
}

pub fn not_found() -> Response {
    json(404, br#"{"detail":"Not Found"}"#.to_vec())
}

/// FastAPI's 405, with the matched route's methods in `Allow`.
fn method_not_allowed_with(allow: &'static str) -> Response {
    let mut response = json(405, br#"{"detail":"Method Not Allowed"}"#.to_vec());
    response
        .headers_mut()
        .insert(ALLOW, HeaderValue::from_static(allow));
    response
}

/// Starlette's `RedirectResponse`: 307, a `location`, an empty body.
pub fn redirect(location: &str) -> Response {
    let mut response = with_body(Vec::new(), true);
    *response.status_mut() = StatusCode::TEMPORARY_REDIRECT;
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(LOCATION, value);
    }
    response
}

/// FastAPI's `HTTPException(400, detail)` response.
pub fn bad_request(detail: &str) -> Response {
    let mut body = b"{\"detail\":".to_vec();
    crate::json::write_str(&mut body, detail);
    body.push(b'}');
    json(400, body)
}

/// What uvicorn sends when the app raised: 500, plain text.
pub fn internal_error() -> Response {
    let mut response = with_body(b"Internal Server Error".to_vec(), true);
    *response.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
    response.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

pub fn validation_failed(errors: ValidationErrors) -> Response {
    json(422, errors.into_body())
}

/// One request on its way through a route: what the handler's parameters,
/// `Request` object and exception handlers are built from.
pub struct Call<'a> {
    pub route: &'static RouteSpec,
    pub request: &'a Request,
    pub captures: &'a Captures,
}

/// A Python error inside turbo's own request handling: logged, 500.
pub fn python_error(py: Python<'_>, context: &str, err: &PyErr) -> Response {
    python::log_exception(py, context, err);
    internal_error()
}

/// The request's parameters did not validate: FastAPI's 422 (or the app's
/// `RequestValidationError` handler), or a 500 if converting them failed
/// inside Python. `body` is what FastAPI passes as the exception's `body`.
pub fn reject(
    py: Python<'_>,
    call: &Call<'_>,
    mut errors: ValidationErrors,
    body: Option<&Bound<'_, PyAny>>,
) -> Response {
    if let Some(err) = errors.take_internal() {
        return python_error(py, "cannot convert the request parameters", &err);
    }
    let Some(handlers) = python::exception_handlers(py).filter(|_| python::handles_validation()) else {
        return validation_failed(errors);
    };
    let body_json = errors.into_body();
    let handled = (|| {
        // `{"detail": [...]}` back into Python: the errors as FastAPI hands them over.
        let detail = python::json_loads(py, &body_json)?.get_item("detail")?;
        let request = python_request(py, call)?;
        let body = match body {
            Some(body) => body.clone(),
            None => py.None().into_bound(py),
        };
        handlers.call_method1(intern!(py, "handle_validation"), (request, detail, body))
    })();
    match handled {
        Ok(response) if !response.is_none() => from_python(py, call, &response),
        Ok(_) => json(422, body_json),
        Err(err) => {
            python::log_exception(py, "exception in the RequestValidationError handler", &err);
            internal_error()
        }
    }
}

/// The handler's return value: through the route's response plan (response
/// model, response class, injected `Response`), sent as it is if it is a
/// `Response`, or else as FastAPI's default `JSONResponse`, encoded in Rust.
pub fn render_return(
    py: Python<'_>,
    call: &Call<'_>,
    value: &Bound<'_, PyAny>,
    injected: Option<&Bound<'_, PyAny>>,
) -> Response {
    let route = call.route;
    if let Some(plan) = python::response_plan(py, route.handler) {
        let injected = match injected {
            Some(injected) => injected.clone(),
            None => py.None().into_bound(py),
        };
        return match plan.call_method1(intern!(py, "respond"), (value, injected)) {
            Ok(response) => from_python(py, call, &response),
            Err(err) => render_exception(py, call, err),
        };
    }
    if !is_plain_json(value) && python::is_response(value) {
        return from_python(py, call, value);
    }
    match json::encode(value, Mode::Jsonable) {
        Ok(body) => json(route.status_code, body),
        Err(err) => {
            python::log_exception(py, &format!("cannot encode the response of {}", route.path), &err);
            internal_error()
        }
    }
}

/// Values that cannot be a `Response`, checked without an `isinstance` call.
fn is_plain_json(value: &Bound<'_, PyAny>) -> bool {
    use pyo3::types::{PyFloat, PyInt, PyList};
    value.is_exact_instance_of::<PyDict>()
        || value.is_exact_instance_of::<PyList>()
        || value.is_exact_instance_of::<PyString>()
        || value.is_exact_instance_of::<PyInt>()
        || value.is_exact_instance_of::<PyFloat>()
        || value.is_none()
}

/// A `Response` object as Starlette sends it: its status, its raw headers
/// in order, its body. Anything else where a response was expected is a
/// 500, as in Starlette.
fn from_python(py: Python<'_>, call: &Call<'_>, response: &Bound<'_, PyAny>) -> Response {
    match python_response(py, response) {
        Ok(response) => response,
        Err(err) => {
            python::log_exception(
                py,
                &format!("invalid response from the handler of {}", call.route.path),
                &err,
            );
            internal_error()
        }
    }
}

fn python_response(py: Python<'_>, response: &Bound<'_, PyAny>) -> PyResult<Response> {
    if !python::is_response(response) {
        return Err(pyo3::exceptions::PyTypeError::new_err(format!(
            "expected a Response, got {}",
            response.get_type().name()?
        )));
    }
    let code: u16 = response.getattr(intern!(py, "status_code"))?.extract()?;
    let body: Vec<u8> = response.getattr(intern!(py, "body"))?.extract()?;
    let headers: Vec<(Vec<u8>, Vec<u8>)> = response.getattr(intern!(py, "raw_headers"))?.extract()?;
    let mut built = hyper::Response::new(Full::new(Bytes::from(body)));
    *built.status_mut() = StatusCode::from_u16(code)
        .map_err(|_| pyo3::exceptions::PyValueError::new_err(format!("invalid status code {code}")))?;
    let invalid = |what: &[u8]| {
        pyo3::exceptions::PyValueError::new_err(format!("invalid header {}", String::from_utf8_lossy(what)))
    };
    for (name, value) in headers {
        let header_name = HeaderName::from_bytes(&name).map_err(|_| invalid(&name))?;
        let header_value = HeaderValue::from_bytes(&value).map_err(|_| invalid(&value))?;
        built.headers_mut().append(header_name, header_value);
    }
    Ok(built)
}

/// The request's headers as ASGI gives them: (lower-case name, value) byte pairs.
pub fn raw_headers<'py>(
    py: Python<'py>,
    request: &Request,
) -> Vec<(Bound<'py, PyBytes>, Bound<'py, PyBytes>)> {
    request
        .headers()
        .iter()
        .map(|(name, value)| {
            (
                PyBytes::new(py, name.as_str().as_bytes()),
                PyBytes::new(py, value.as_bytes()),
            )
        })
        .collect()
}

/// The `Request` object of a call, for a handler or an exception handler.
pub fn python_request<'py>(py: Python<'py>, call: &Call<'_>) -> PyResult<Bound<'py, PyAny>> {
    let request = call.request;
    let path_params: Vec<(&str, &str, &str)> = call
        .route
        .path_params
        .iter()
        .enumerate()
        .map(|(index, (name, convertor))| (*name, convertor.name(), call.captures.get(request.path(), index)))
        .collect();
    let body = (call.route.body == BodyRead::Bytes).then(|| PyBytes::new(py, request.body()));
    request_object(py, request, path_params, body)
}

/// A `Request` object: the request, its path parameters and, when read, its body.
fn request_object<'py>(
    py: Python<'py>,
    request: &Request,
    path_params: Vec<(&str, &str, &str)>,
    body: Option<Bound<'py, PyBytes>>,
) -> PyResult<Bound<'py, PyAny>> {
    let headers = raw_headers(py, request);
    let local = request.local_addr();
    let server = (local.ip().to_string(), local.port());
    let client = request
        .peer_addr()
        .map(|peer| (peer.ip().to_string(), peer.port()));
    python::make_request(
        py,
        (
            request.method(),
            request.path(),
            PyBytes::new(py, request.raw_query().unwrap_or("").as_bytes()),
            headers,
            client,
            server,
            path_params,
            body,
        ),
    )
}

/// A 404 (no route) or 405 (`allow`: the methods of the route whose path
/// matched). Starlette raises these as `HTTPException` inside the app, so
/// an app's handler for `HTTPException` or for the status code answers
/// them; otherwise FastAPI's own responses.
pub fn routing_error(request: &Request, allow: Option<&'static str>) -> Response {
    let fallback = || match allow {
        Some(allow) => method_not_allowed_with(allow),
        None => not_found(),
    };
    // Apps without exception handlers stay off the GIL here.
    if !python::has_exception_handlers() {
        return fallback();
    }
    Python::attach(|py| {
        let Some(handlers) = python::exception_handlers(py) else {
            return fallback();
        };
        let handled = (|| {
            let exc = python::routing_exception(py, allow)?;
            let found: Option<(Bound<'_, PyAny>, bool)> =
                handlers.call_method1(intern!(py, "lookup"), (&exc,))?.extract()?;
            let Some((handler, _)) = found else {
                return Ok(None);
            };
            let request = request_object(py, request, Vec::new(), None)?;
            let response = handlers.call_method1(intern!(py, "call"), (handler, request, &exc))?;
            python_response(py, &response).map(Some)
        })();
        match handled {
            Ok(Some(response)) => response,
            Ok(None) => fallback(),
            Err(err) => {
                python::log_exception(py, "exception in the exception handler for a routing error", &err);
                internal_error()
            }
        }
    })
}

/// An exception from a handler: the app's exception handler for it if it
/// registered one; else `HTTPException` becomes FastAPI's error response,
/// and anything else a logged traceback and a 500.
pub fn render_exception(py: Python<'_>, call: &Call<'_>, err: PyErr) -> Response {
    let route = call.route;
    if let Some(handlers) = python::exception_handlers(py) {
        let found = handlers
            .call_method1(intern!(py, "lookup"), (err.value(py),))
            .and_then(|found| found.extract::<Option<(Bound<'_, PyAny>, bool)>>());
        // The `Request` is built only when an app handler will see it.
        let handled = found.and_then(|found| match found {
            Some((handler, server_error)) => python_request(py, call)
                .and_then(|request| {
                    handlers.call_method1(intern!(py, "call"), (handler, request, err.value(py)))
                })
                .map(|response| Some((response, server_error))),
            None => Ok(None),
        });
        match handled {
            Ok(None) => {}
            Ok(Some((response, server_error))) => {
                // Starlette's ServerErrorMiddleware logs what reaches it
                // (an `Exception`/500 handler), even when a handler answers.
                if server_error {
                    python::log_exception(py, &format!("exception in handler of {}", route.path), &err);
                }
                return from_python(py, call, &response);
            }
            Err(handler_err) => {
                python::log_exception(
                    py,
                    &format!("exception in the exception handler for {}", route.path),
                    &handler_err,
                );
                return internal_error();
            }
        }
    }
    if let Some(exc) = python::http_exception(py, &err) {
        match http_exception_response(py, &exc) {
            Ok(response) => return response,
            Err(render_err) => {
                python::log_exception(
                    py,
                    &format!("invalid HTTPException raised in {}", route.path),
                    &render_err,
                );
                return internal_error();
            }
        }
    }
    python::log_exception(py, &format!("exception in handler of {}", route.path), &err);
    internal_error()
}

/// FastAPI's `http_exception_handler`.
fn http_exception_response(py: Python<'_>, exc: &Bound<'_, PyAny>) -> PyResult<Response> {
    let code: u16 = exc.getattr(intern!(py, "status_code"))?.extract()?;
    let mut response = if body_allowed(code) {
        let detail = exc.getattr(intern!(py, "detail"))?;
        let mut body = b"{\"detail\":".to_vec();
        body.extend(json::encode(&detail, Mode::DumpsOnly)?);
        body.push(b'}');
        json(code, body)
    } else {
        let mut response = hyper::Response::new(Full::new(Bytes::new()));
        *response.status_mut() = status(code);
        response
    };
    let headers = exc.getattr(intern!(py, "headers"))?;
    if !headers.is_none() {
        let mut given = Vec::new();
        for item in headers.call_method0(intern!(py, "items"))?.try_iter()? {
            let (name, value): (String, String) = item?.extract()?;
            given.push((name.to_ascii_lowercase(), value));
        }
        apply_headers(&mut response, given)?;
    }
    Ok(response)
}

/// Starlette's `init_headers`: given headers (lower-cased, Latin-1) come
/// first; `content-length`/`content-type` are computed only if not given.
fn apply_headers(response: &mut Response, given: Vec<(String, String)>) -> PyResult<()> {
    let invalid = |what: &str| pyo3::exceptions::PyValueError::new_err(format!("invalid header {what}"));
    let computed = std::mem::take(response.headers_mut());
    let headers = response.headers_mut();
    for (name, value) in &given {
        let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| invalid(name))?;
        let latin1: Option<Vec<u8>> = value.chars().map(|c| u8::try_from(c).ok()).collect();
        let value = latin1
            .and_then(|bytes| HeaderValue::from_bytes(&bytes).ok())
            .ok_or_else(|| invalid(value))?;
        headers.append(name, value);
    }
    for (name, value) in computed.iter() {
        if !headers.contains_key(name) {
            headers.insert(name.clone(), value.clone());
        }
    }
    Ok(())
}
