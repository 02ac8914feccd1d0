//! How the outcome of a route becomes its response, as FastAPI and
//! Starlette decide it: the handler's return value (through its response
//! plan, or encoded in Rust), an exception (the app's exception handler
//! for it, else FastAPI's defaults), a 422, a routing error.
//!
//! An app's exception handler may be `async def`: its coroutine is handed
//! back as [`Rendered::Awaiting`] for the caller to run on the event loop
//! (a suspended handler must not hold the I/O thread), then
//! [`Awaited::respond`] turns what it returned into the response.

use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};

use crate::extraction::rejection::Rejection;
use crate::extraction::request::{Call, Request};
use crate::extraction::request_object::{python_request, request_object};
use crate::extraction::validation_errors::ValidationErrors;
use crate::python::calls;
use crate::response::json::{self, Mode};
use crate::response::{self, Response};

/// A response, or an exception handler's coroutine to await for it.
pub enum Rendered {
    Ready(Response),
    Awaiting(Awaited),
}

/// An `async def` exception handler's coroutine, and what to do with its
/// outcome.
pub struct Awaited {
    pub coroutine: Py<PyAny>,
    /// The request line, for logs.
    request_line: String,
    /// The exception to log once the handler answered: Starlette's
    /// `ServerErrorMiddleware` logs what reaches it even when handled.
    log: Option<PyErr>,
}

impl Awaited {
    /// The response of the awaited exception handler.
    pub fn respond(self, py: Python<'_>, outcome: PyResult<Bound<'_, PyAny>>) -> Response {
        answered(py, &self.request_line, outcome, self.log)
    }
}

/// What an app's exception handler returned (or raised), as a response.
fn handled(
    py: Python<'_>,
    request_line: &str,
    returned: PyResult<Bound<'_, PyAny>>,
    log: Option<PyErr>,
) -> Rendered {
    match returned {
        Ok(coroutine) if coroutine.hasattr(intern!(py, "__await__")).unwrap_or(false) => {
            Rendered::Awaiting(Awaited {
                coroutine: coroutine.unbind(),
                request_line: request_line.to_owned(),
                log,
            })
        }
        returned => Rendered::Ready(answered(py, request_line, returned, log)),
    }
}

fn answered(
    py: Python<'_>,
    request_line: &str,
    returned: PyResult<Bound<'_, PyAny>>,
    log: Option<PyErr>,
) -> Response {
    match returned {
        Ok(response) => {
            if let Some(err) = log {
                calls::log_exception(py, &format!("exception in handler of {request_line}"), &err);
            }
            response::from_python(py, &response, None, || request_line.to_owned())
        }
        Err(handler_err) => {
            calls::log_exception(
                py,
                &format!("exception in the exception handler for {request_line}"),
                &handler_err,
            );
            response::internal_error()
        }
    }
}

/// FastAPI's answer to a request rejected before its handler ran.
pub fn reject(py: Python<'_>, call: &Call, rejection: Rejection) -> Rendered {
    match rejection {
        Rejection::UnreadableBody => {
            Rendered::Ready(response::bad_request("There was an error parsing the body"))
        }
        Rejection::Invalid { errors, body } => {
            invalid(py, call, errors, body.as_ref().map(|body| body.bind(py)))
        }
        Rejection::Form(detail) => render_exception(py, call, calls::new_http_exception(py, 400, &detail)),
        Rejection::Internal { context, error } => {
            Rendered::Ready(response::python_error(py, context, &error))
        }
    }
}

/// The request's parameters did not validate: FastAPI's 422 (or the app's
/// `RequestValidationError` handler), or a 500 if converting them failed
/// inside Python. `body` is what FastAPI passes as the exception's `body`.
fn invalid(
    py: Python<'_>,
    call: &Call,
    mut errors: ValidationErrors,
    body: Option<&Bound<'_, PyAny>>,
) -> Rendered {
    if let Some(err) = errors.take_internal() {
        return Rendered::Ready(response::python_error(
            py,
            "cannot convert the request parameters",
            &err,
        ));
    }
    let app = calls::app_of(Some(call.route.handler));
    let Some(handlers) = calls::exception_handlers(py, app).filter(|_| calls::handles_validation(app)) else {
        return Rendered::Ready(response::validation_failed(errors));
    };
    let body_json = errors.into_body();
    let returned = (|| {
        // `{"detail": [...]}` back into Python: the errors as FastAPI hands them over.
        let detail = calls::json_loads(py, &body_json)?.get_item("detail")?;
        let request = python_request(py, call)?;
        let body = match body {
            Some(body) => body.clone(),
            None => py.None().into_bound(py),
        };
        handlers.call_method1(intern!(py, "handle_validation"), (request, detail, body))
    })();
    match returned {
        Ok(response) if response.is_none() => Rendered::Ready(response::json(422, body_json)),
        returned => handled(py, &call.request.line(), returned, None),
    }
}

/// The handler's return value: through the route's response plan (response
/// model, response class, injected `Response`), sent as it is if it is a
/// `Response`, or else as FastAPI's default `JSONResponse`, encoded in Rust.
pub fn render_return(
    py: Python<'_>,
    call: &Call,
    value: &Bound<'_, PyAny>,
    injected: Option<&Bound<'_, PyAny>>,
) -> Rendered {
    let route = call.route;
    if let Some(plan) = calls::response_plan(py, route.handler) {
        let injected = match injected {
            Some(injected) => injected.clone(),
            None => py.None().into_bound(py),
        };
        return match plan.call_method1(intern!(py, "respond"), (value, injected)) {
            Ok(response) => {
                Rendered::Ready(response::from_python(py, &response, Some(&call.request), || {
                    call.request.line()
                }))
            }
            Err(err) => render_exception(py, call, err),
        };
    }
    if !is_plain_json(value) && calls::is_response(value) {
        return Rendered::Ready(response::from_python(py, value, Some(&call.request), || {
            call.request.line()
        }));
    }
    Rendered::Ready(match json::encode(value, Mode::Jsonable) {
        Ok(body) => response::json(route.status_code, body),
        Err(err) => {
            calls::log_exception(
                py,
                &format!("cannot encode the response of {}", call.request.line()),
                &err,
            );
            response::internal_error()
        }
    })
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

/// A 404 (no route) or 405 (`allow`: the methods of the route whose path
/// matched). Starlette raises these as `HTTPException` inside the app
/// (application `app`: the app, or a mounted one under whose path the
/// request fell), so its handler for `HTTPException` or for the status
/// code answers them; otherwise FastAPI's own responses.
pub fn routing_error(request: &Request, allow: Option<&'static str>, app: usize) -> Rendered {
    let fallback = || {
        Rendered::Ready(match allow {
            Some(allow) => response::method_not_allowed_with(allow),
            None => response::not_found(),
        })
    };
    // Apps without exception handlers stay off the GIL here.
    if !calls::has_exception_handlers(app) {
        return fallback();
    }
    Python::attach(|py| {
        let Some(handlers) = calls::exception_handlers(py, app) else {
            return fallback();
        };
        let found = (|| {
            let exc = calls::routing_exception(py, allow)?;
            let found: Option<(Bound<'_, PyAny>, bool)> =
                handlers.call_method1(intern!(py, "lookup"), (&exc,))?.extract()?;
            Ok(found.map(|(handler, _)| (handler, exc)))
        })();
        match found {
            Ok(Some((handler, exc))) => {
                let returned = request_object(py, request, Vec::new(), None, app)
                    .and_then(|request| handlers.call_method1(intern!(py, "call"), (handler, request, &exc)));
                handled(py, &request.line(), returned, None)
            }
            Ok(None) => fallback(),
            Err(err) => {
                calls::log_exception(
                    py,
                    &format!("exception in the exception handler for {}", request.line()),
                    &err,
                );
                Rendered::Ready(response::internal_error())
            }
        }
    })
}

/// An exception from a handler: the app's exception handler for it if it
/// registered one; else `HTTPException` becomes FastAPI's error response,
/// and anything else a logged traceback and a 500.
pub fn render_exception(py: Python<'_>, call: &Call, err: PyErr) -> Rendered {
    if let Some(handlers) = calls::exception_handlers(py, calls::app_of(Some(call.route.handler))) {
        let found = handlers
            .call_method1(intern!(py, "lookup"), (err.value(py),))
            .and_then(|found| found.extract::<Option<(Bound<'_, PyAny>, bool)>>());
        match found {
            Ok(None) => {}
            Ok(Some((handler, server_error))) => {
                // The `Request` is built only when an app handler will see it.
                let returned = python_request(py, call).and_then(|request| {
                    handlers.call_method1(intern!(py, "call"), (handler, request, err.value(py)))
                });
                return handled(py, &call.request.line(), returned, server_error.then_some(err));
            }
            Err(lookup_err) => {
                calls::log_exception(
                    py,
                    &format!("exception in the exception handler for {}", call.request.line()),
                    &lookup_err,
                );
                return Rendered::Ready(response::internal_error());
            }
        }
    }
    if let Some(exc) = calls::http_exception(py, &err) {
        return Rendered::Ready(match response::http_exception_response(py, &exc) {
            Ok(response) => response,
            Err(render_err) => {
                calls::log_exception(
                    py,
                    &format!("invalid HTTPException raised in {}", call.request.line()),
                    &render_err,
                );
                response::internal_error()
            }
        });
    }
    if call.route.is_websocket() && calls::is_websocket_exception(py, &err) {
        // Starlette's handler closes the WebSocket with it: not an error.
        return Rendered::Ready(response::failed_with(err));
    }
    Rendered::Ready(response::unhandled(
        py,
        &format!("exception in handler of {}", call.request.line()),
        err,
    ))
}
