//! HTTP responses as FastAPI and Starlette build them, and handler calls.

use bytes::Bytes;
use http_body_util::Full;
use hyper::header::{HeaderName, HeaderValue, ALLOW, CONTENT_LENGTH, CONTENT_TYPE, LOCATION};
use hyper::StatusCode;
use pyo3::call::PyCallArgs;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};

use crate::extract::ValidationErrors;
use crate::json::{self, Mode};
use crate::python;
use crate::spec::RouteSpec;

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

pub fn method_not_allowed(route: &RouteSpec) -> Response {
    let mut response = json(405, br#"{"detail":"Method Not Allowed"}"#.to_vec());
    response
        .headers_mut()
        .insert(ALLOW, HeaderValue::from_static(route.allow));
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

/// The outcome of dispatching a request to its handler.
pub enum Outcome {
    Ready(Response),
    /// An `async def` handler's coroutine, running on the asyncio thread.
    Pending {
        route: &'static RouteSpec,
        done: tokio::sync::oneshot::Receiver<Py<PyAny>>,
    },
}

impl Outcome {
    /// Waits (without holding the GIL) for a pending coroutine.
    pub async fn into_response(self) -> Response {
        match self {
            Outcome::Ready(response) => response,
            Outcome::Pending { route, done } => match done.await {
                Ok(future) => Python::attach(|py| match python::future_result(py, &future) {
                    Ok(value) => render_return(py, route, &value),
                    Err(err) => render_exception(py, route, err),
                }),
                Err(_) => {
                    eprintln!("ERROR: the asyncio loop dropped a coroutine of {}", route.path);
                    internal_error()
                }
            },
        }
    }
}

impl Outcome {
    /// The request's parameters did not validate: FastAPI's 422, or a 500
    /// if converting them failed inside Python.
    pub fn rejected(py: Python<'_>, mut errors: ValidationErrors) -> Outcome {
        match errors.take_internal() {
            Some(err) => Outcome::python_error(py, "cannot convert the request parameters", &err),
            None => Outcome::Ready(validation_failed(errors)),
        }
    }

    /// A Python error inside turbo's own request handling: logged, 500.
    pub fn python_error(py: Python<'_>, context: &str, err: &PyErr) -> Outcome {
        python::log_exception(py, context, err);
        Outcome::Ready(internal_error())
    }

    /// A route index the generated dispatcher does not know: a bug in turbo.
    pub fn internal_error() -> Outcome {
        eprintln!("ERROR: turbo dispatched to an unknown route (a bug in turbo; please report it)");
        Outcome::Ready(internal_error())
    }
}

/// Calls the route's handler with converted arguments and renders what it
/// returns or raises. `async def` handlers are started here and finish on
/// the asyncio thread. Generated code calls only this, so where a handler
/// runs can change without touching generated code.
pub fn invoke<'py, A: PyCallArgs<'py>>(
    py: Python<'py>,
    route: &'static RouteSpec,
    is_async: bool,
    args: A,
    keyword_args: &[(&'static str, Bound<'py, PyAny>)],
) -> Outcome {
    let handler = python::handler(py, route.handler);
    let called = if keyword_args.is_empty() {
        handler.call1(args)
    } else {
        kwargs(py, keyword_args).and_then(|kwargs| handler.call(args, Some(&kwargs)))
    };
    match called {
        Ok(coroutine) if is_async => match python::submit_coroutine(&coroutine) {
            Ok(done) => Outcome::Pending { route, done },
            Err(err) => Outcome::Ready(render_exception(py, route, err)),
        },
        Ok(value) => Outcome::Ready(render_return(py, route, &value)),
        Err(err) => Outcome::Ready(render_exception(py, route, err)),
    }
}

/// A keyword-argument dict for keyword-only handler parameters.
fn kwargs<'py>(py: Python<'py>, items: &[(&'static str, Bound<'py, PyAny>)]) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    for (name, value) in items {
        dict.set_item(PyString::intern(py, name), value)?;
    }
    Ok(dict)
}

/// The handler's return value as FastAPI's default `JSONResponse`.
fn render_return(py: Python<'_>, route: &RouteSpec, value: &Bound<'_, PyAny>) -> Response {
    match json::encode(value, Mode::Jsonable) {
        Ok(body) => json(route.status_code, body),
        Err(err) => {
            python::log_exception(py, &format!("cannot encode the response of {}", route.path), &err);
            internal_error()
        }
    }
}

/// An exception from a handler: `HTTPException` becomes FastAPI's error
/// response, anything else a logged traceback and a 500.
pub fn render_exception(py: Python<'_>, route: &RouteSpec, err: PyErr) -> Response {
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
