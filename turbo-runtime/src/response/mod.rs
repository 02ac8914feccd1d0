//! HTTP responses as FastAPI and Starlette build them: JSON, errors,
//! redirects, and `Response` objects a handler returned; how a route's
//! outcome becomes one (`rendering`); the JSON encoder (`json`).

pub mod body;
pub mod json;
pub mod rendering;

use hyper::header::{HeaderName, HeaderValue, ALLOW, CONTENT_LENGTH, CONTENT_TYPE, LOCATION};
use hyper::StatusCode;
use pyo3::intern;
use pyo3::prelude::*;

use crate::extraction::validation_errors::ValidationErrors;
use crate::python::calls;
use json::Mode;

pub use body::Body;
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

/// A 200 with these bytes and media type.
pub fn bytes(media_type: &'static str, body: Vec<u8>) -> Response {
    let mut response = with_body(body, true);
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(media_type));
    response
}

/// A response with `content-length` set explicitly, as Starlette sets it:
/// hyper would leave it out of a HEAD response with an empty body.
fn with_body(body: Vec<u8>, content_length: bool) -> Response {
    let length = body.len();
    let mut response = hyper::Response::new(Body::whole(body));
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

/// FastAPI's 405, with the matched route's methods in `Allow` (first, as
/// `JSONResponse(headers=...)` puts the given headers first).
pub fn method_not_allowed_with(allow: &'static str) -> Response {
    let mut response = json(405, br#"{"detail":"Method Not Allowed"}"#.to_vec());
    let own = std::mem::take(response.headers_mut());
    let headers = response.headers_mut();
    headers.insert(ALLOW, HeaderValue::from_static(allow));
    headers.extend(own);
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
    crate::response::json::write_str(&mut body, detail);
    body.push(b'}');
    json(400, body)
}

/// Asks hyper to close the connection after sending `response`.
pub fn close_connection(response: &mut Response) {
    response
        .headers_mut()
        .insert(hyper::header::CONNECTION, HeaderValue::from_static("close"));
}

/// A `text/plain; charset=utf-8` response, as uvicorn writes its own (and
/// as Starlette's `PlainTextResponse` is).
pub fn plain_text(status: StatusCode, text: &str) -> Response {
    let mut response = with_body(text.as_bytes().to_vec(), true);
    *response.status_mut() = status;
    response.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

/// What uvicorn sends for a request it cannot serve as HTTP/1.1 (and then
/// closes the connection).
pub fn invalid_request() -> Response {
    let mut response = plain_text(StatusCode::BAD_REQUEST, "Invalid HTTP request received.");
    close_connection(&mut response);
    response
}

/// The answer to `--health-path`.
pub fn healthy() -> Response {
    plain_text(StatusCode::OK, "OK")
}

/// What uvicorn sends beyond `--limit-concurrency`.
pub fn service_unavailable() -> Response {
    plain_text(StatusCode::SERVICE_UNAVAILABLE, "Service Unavailable")
}

/// What uvicorn sends when the app raised.
pub fn internal_error() -> Response {
    let mut response = plain_text(StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error");
    response.extensions_mut().insert(ServerError(None));
    response
}

/// The 500 of an exception no handler took, logged; it carries the
/// exception, which a Python middleware around the route sees raised (as
/// under Starlette, where it passes through the user middleware).
pub fn unhandled(py: Python<'_>, context: &str, err: PyErr) -> Response {
    calls::log_exception(py, context, &err);
    calls::mark_logged(py, &err);
    failed_with(err)
}

/// The 500 of an exception no handler took, carrying it (logged already).
pub fn failed_with(err: PyErr) -> Response {
    let mut response = internal_error();
    response
        .extensions_mut()
        .insert(ServerError(Some(std::sync::Arc::new(err))));
    response
}

/// The exception of an [`unhandled`] 500.
pub fn unhandled_error(py: Python<'_>, response: &Response) -> Option<PyErr> {
    let ServerError(err) = response.extensions().get::<ServerError>()?;
    err.as_ref().map(|err| err.clone_ref(py))
}

/// Marks the 500 of an exception no handler took: Starlette's
/// `ServerErrorMiddleware` sends it from outside every user middleware,
/// so none of them touches it. (An `Arc`: extensions must be `Clone`.)
#[derive(Clone)]
struct ServerError(Option<std::sync::Arc<PyErr>>);

pub fn is_server_error(response: &Response) -> bool {
    response.extensions().get::<ServerError>().is_some()
}

pub fn is_stream(response: &Response) -> bool {
    matches!(response.body(), Body::Stream(_))
}

pub fn validation_failed(errors: ValidationErrors) -> Response {
    json(422, errors.into_body())
}

/// A Python error inside turbo's own request handling: logged, 500.
pub fn python_error(py: Python<'_>, context: &str, err: &PyErr) -> Response {
    calls::log_exception(py, context, err);
    internal_error()
}

/// A `Response` object as Starlette sends it: its status, its raw headers
/// in order, its body. Anything else where a response was expected is a
/// 500, as in Starlette. `request` (its method and range headers) is for a
/// `FileResponse`; `request_line` names the request in the log, only if the
/// response is invalid.
pub fn from_python(
    py: Python<'_>,
    response: &Bound<'_, PyAny>,
    request: Option<&crate::extraction::request::Request>,
    request_line: impl FnOnce() -> String,
) -> Response {
    match python_response(py, response, request) {
        Ok(response) => response,
        Err(err) => {
            let context = format!("invalid response from the handler of {}", request_line());
            calls::log_exception(py, &context, &err);
            internal_error()
        }
    }
}

pub fn python_response(
    py: Python<'_>,
    response: &Bound<'_, PyAny>,
    request: Option<&crate::extraction::request::Request>,
) -> PyResult<Response> {
    if !calls::is_response(response) {
        return Err(pyo3::exceptions::PyTypeError::new_err(format!(
            "expected a Response, got {}",
            response.get_type().name()?
        )));
    }
    let background = response.getattr(intern!(py, "background"))?;
    let background = (!background.is_none()).then(|| background.unbind());
    if response.hasattr(intern!(py, "turbo_plan"))? {
        return file_response(py, response, request, background);
    }
    let code: u16 = response.getattr(intern!(py, "status_code"))?.extract()?;
    let headers: Vec<(Vec<u8>, Vec<u8>)> = response.getattr(intern!(py, "raw_headers"))?.extract()?;
    // A `StreamingResponse`: its chunks as the client takes them, then its
    // background (not the request's: run after the stream).
    let streamed =
        response.hasattr(intern!(py, "body_iterator"))? && !response.hasattr(intern!(py, "body"))?;
    let (body, background) = if streamed {
        let chunks = calls::stream_chunks(py, response)?;
        (Body::stream(chunks.unbind(), background), None)
    } else {
        let body: Vec<u8> = response.getattr(intern!(py, "body"))?.extract()?;
        (Body::whole(body), background)
    };
    let mut built = with_head(code, headers, body)?;
    if let Some(background) = background {
        set_background(&mut built, background);
    }
    Ok(built)
}

/// A `FileResponse`: what Starlette would send for this request
/// (`turbo_plan`: headers, range, multipart, or a refusal), the file read
/// as the client takes it, then the background.
fn file_response(
    py: Python<'_>,
    response: &Bound<'_, PyAny>,
    request: Option<&crate::extraction::request::Request>,
    background: Option<Py<PyAny>>,
) -> PyResult<Response> {
    let (method, range, if_range) = match request {
        Some(request) => (
            request.method(),
            request.header("range"),
            request.header("if-range"),
        ),
        None => ("GET", None, None),
    };
    let plan = response.call_method1(intern!(py, "turbo_plan"), (method, range, if_range))?;
    if calls::is_response(&plan) {
        // A 400 or 416 for the range: a plain response, no background.
        return python_response(py, &plan, None);
    }
    type Plan<'py> = (u16, Vec<(Vec<u8>, Vec<u8>)>, String, Vec<Bound<'py, PyAny>>);
    let (code, headers, path, parts): Plan<'_> = plan.extract()?;
    let parts = parts
        .iter()
        .map(|part| match part.cast::<pyo3::types::PyBytes>() {
            Ok(bytes) => Ok(body::FilePart::Bytes(bytes.as_bytes().to_vec().into())),
            Err(_) => {
                let (start, end): (u64, Option<u64>) = part.extract()?;
                Ok(body::FilePart::Range(start, end))
            }
        })
        .collect::<PyResult<Vec<_>>>()?;
    with_head(code, headers, Body::file(path.into(), parts, background))
}

/// A response with `code` and raw `headers` in order (an ASGI
/// middleware's `http.response.start`), and `body`.
pub fn from_head(code: u16, headers: Vec<(Vec<u8>, Vec<u8>)>, body: Body) -> PyResult<Response> {
    with_head(code, headers, body)
}

/// A response with Starlette's status and raw headers, in order.
fn with_head(code: u16, headers: Vec<(Vec<u8>, Vec<u8>)>, body: Body) -> PyResult<Response> {
    let mut built = hyper::Response::new(body);
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

/// A response's background (`Response.background`, or the request's
/// `BackgroundTasks`): run once the response is handed to the connection.
/// (An `Arc` because extensions must be `Clone`.)
#[derive(Clone)]
struct Background(std::sync::Arc<Py<PyAny>>);

pub fn set_background(response: &mut Response, background: Py<PyAny>) {
    response
        .extensions_mut()
        .insert(Background(std::sync::Arc::new(background)));
}

/// Takes the background of a response, if it has one.
pub fn take_background(response: &mut Response) -> Option<Py<PyAny>> {
    let Background(shared) = response.extensions_mut().remove::<Background>()?;
    std::sync::Arc::into_inner(shared)
}

/// A response's stream, if its body is one (not yet taken by a middleware).
pub fn stream_mut(response: &mut Response) -> Option<&mut body::Stream> {
    match response.body_mut() {
        Body::Stream(stream) => Some(stream),
        Body::Whole(_) => None,
    }
}

/// FastAPI's `if raw_response.background is None: raw_response.background
/// = solved_result.background_tasks`: a stream runs them after its last
/// chunk, any other response once it is handed to the connection.
pub fn default_background(response: &mut Response, tasks: Py<PyAny>) {
    if let Some(stream) = stream_mut(response) {
        return stream.default_background(tasks);
    }
    if !has_background(response) {
        set_background(response, tasks);
    }
}

pub fn has_background(response: &Response) -> bool {
    response.extensions().get::<Background>().is_some()
}

/// FastAPI's `http_exception_handler`.
pub fn http_exception_response(py: Python<'_>, exc: &Bound<'_, PyAny>) -> PyResult<Response> {
    let code: u16 = exc.getattr(intern!(py, "status_code"))?.extract()?;
    let mut response = if body_allowed(code) {
        let detail = exc.getattr(intern!(py, "detail"))?;
        let mut body = b"{\"detail\":".to_vec();
        body.extend(json::encode(&detail, Mode::DumpsOnly)?);
        body.push(b'}');
        json(code, body)
    } else {
        let mut response = hyper::Response::new(Body::empty());
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
