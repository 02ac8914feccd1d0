//! The app inside a run of Python middleware: `NativeApp`
//! (`python/turboapi/_asgi.py`) calls [`dispatcher`]'s function with the
//! (possibly changed) scope and body when the middleware calls the app;
//! the server serves the request from the next position of the stack
//! inwards (`dispatch::through`) and settles the middleware's future with
//! the answer: status, headers and a whole body, or a stream read one
//! piece per future. An exception no handler took comes back as that
//! exception, so it passes through the middleware as under Starlette.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, OnceLock};

use bytes::Bytes;
use hyper::header::{HeaderMap, HeaderName, HeaderValue};
use pyo3::exceptions::PyRuntimeError;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyCFunction, PyDict, PyTuple};

use super::super::inbound::{Inbound, Peer};
use super::super::proxy_headers::Forwarded;
use super::super::Server;
use crate::incoming::RequestBody;
use crate::python::calls;
use crate::python::event_loop;
use crate::response::body::{Body, Stream};
use crate::response::{self, Response};

/// Serves a request from a position of an application's middleware stack
/// inwards (`dispatch::through`, given at start-up: the request path calls
/// this module, and this module calls back into it).
pub(in crate::server) type Through =
    fn(&'static Server, usize, usize, Inbound) -> Pin<Box<dyn Future<Output = Response>>>;

/// The server, and how it serves the requests Python passes back.
static SERVER: OnceLock<(&'static Server, Through)> = OnceLock::new();

pub(in crate::server) fn install(server: &'static Server, through: Through) {
    let _ = SERVER.set((server, through));
}

/// `dispatch(position, scope, body, future)`, which `NativeApp` calls in
/// the middleware of application `app` (the app, or a mounted one):
/// serves the request its scope describes from `position` of that stack
/// inwards, then settles `future` with `(status, headers, body, stream,
/// error)`.
pub(in crate::server) fn dispatcher(py: Python<'_>, app: usize) -> PyResult<Bound<'_, PyCFunction>> {
    PyCFunction::new_closure(
        py,
        None,
        None,
        move |args: &Bound<'_, PyTuple>, _kwargs: Option<&Bound<'_, PyDict>>| -> PyResult<()> {
            let (server, through) = *SERVER
                .get()
                .ok_or_else(|| PyRuntimeError::new_err("the server is not serving yet"))?;
            let position: usize = args.get_item(0)?.extract()?;
            let scope = args.get_item(1)?;
            let body: Vec<u8> = args.get_item(2)?.extract()?;
            let future = args.get_item(3)?.unbind();
            let inbound = inbound_of(server, &scope, body)?;
            tokio::task::spawn_local(async move {
                let response = through(server, app, position, inbound).await;
                Python::attach(|py| settle(py, future.bind(py), response));
                event_loop::wake();
            });
            Ok(())
        },
    )
}

/// The request a (possibly changed) scope describes, as the server
/// serves it: routed on `scope["path"]` (under `--root-path`, without
/// it), with the scope's headers, query string, client and scheme.
fn inbound_of(server: &'static Server, scope: &Bound<'_, PyAny>, body: Vec<u8>) -> PyResult<Inbound> {
    let method: String = scope.get_item("method")?.extract()?;
    let full_path: String = scope.get_item("path")?.extract()?;
    let path = full_path
        .strip_prefix(server.root_path)
        .filter(|rest| rest.starts_with('/'))
        .unwrap_or(&full_path)
        .to_owned();
    let query: Vec<u8> = scope.get_item("query_string")?.extract()?;
    let raw_path: Vec<u8> = match scope.get_item("raw_path") {
        Ok(raw) if !raw.is_none() => raw.extract()?,
        _ => b"/".to_vec(),
    };
    let mut target = raw_path;
    if !query.is_empty() {
        target.push(b'?');
        target.extend_from_slice(&query);
    }
    let uri = hyper::Uri::try_from(target).unwrap_or_else(|_| hyper::Uri::from_static("/"));
    let mut headers = HeaderMap::new();
    let listed: Vec<(Vec<u8>, Vec<u8>)> = scope.get_item("headers")?.extract()?;
    for (name, value) in listed {
        let invalid =
            || PyRuntimeError::new_err(format!("invalid header {}", String::from_utf8_lossy(&name)));
        let header = HeaderName::from_bytes(&name).map_err(|_| invalid())?;
        headers.append(header, HeaderValue::from_bytes(&value).map_err(|_| invalid())?);
    }
    let mut request = hyper::Request::new(());
    *request.method_mut() = hyper::Method::from_bytes(method.as_bytes())
        .map_err(|_| PyRuntimeError::new_err(format!("invalid method {method:?}")))?;
    *request.uri_mut() = uri;
    *request.headers_mut() = headers;
    let (parts, ()) = request.into_parts();
    let address = |key: &str| -> Option<(String, u16)> {
        scope
            .get_item(key)
            .ok()
            .and_then(|value| value.extract::<Option<(String, u16)>>().ok())
            .flatten()
    };
    let local = address("server").and_then(|(host, port)| format!("{host}:{port}").parse().ok());
    let scheme: String = scope.get_item("scheme")?.extract()?;
    Ok(Inbound {
        parts,
        path,
        body: RequestBody::read(Bytes::from(body)),
        peer: Peer {
            local,
            client: None,
            refused: false,
        },
        forwarded: Forwarded {
            scheme: Some(if scheme == "https" { "https" } else { "http" }),
            client: address("client"),
        },
        scope: Some(scope.clone().unbind()),
    })
}

/// Hands the inner answer to `NativeApp`: its status, headers and body,
/// or the exception no handler took.
fn settle(py: Python<'_>, future: &Bound<'_, PyAny>, mut response: Response) {
    if future
        .call_method0(intern!(py, "done"))
        .and_then(|done| done.is_truthy())
        .unwrap_or(true)
    {
        return;
    }
    let outcome = (|| -> PyResult<Bound<'_, PyTuple>> {
        let none = || py.None().into_bound(py);
        if let Some(err) = response::unhandled_error(py, &response) {
            return PyTuple::new(
                py,
                [
                    none(),
                    none(),
                    none(),
                    none(),
                    err.into_value(py).into_any().into_bound(py),
                ],
            );
        }
        let status = response.status().as_u16().into_pyobject(py)?.into_any();
        let headers = crate::extraction::request_object::header_pairs(py, response.headers())
            .into_pyobject(py)?
            .into_any();
        let (body, stream) = match std::mem::replace(response.body_mut(), Body::empty()) {
            Body::Whole(bytes) => (
                PyBytes::new(py, bytes.as_deref().unwrap_or_default()).into_any(),
                none(),
            ),
            Body::Stream(stream) => (none(), stream_reader(py, stream)?.into_any()),
        };
        PyTuple::new(py, [status, headers, body, stream, none()])
    })();
    let settled = match outcome {
        Ok(outcome) => future.call_method1(intern!(py, "set_result"), (outcome,)),
        Err(err) => future.call_method1(intern!(py, "set_exception"), (err.into_value(py),)),
    };
    if let Err(err) = settled {
        calls::log_exception(py, "cannot hand the response to the middleware", &err);
    }
}

/// A callable that settles a future with the stream's next piece,
/// `(bytes, last)`: what `NativeApp` sends on, one message at a time.
fn stream_reader(py: Python<'_>, stream: Box<Stream>) -> PyResult<Bound<'_, PyCFunction>> {
    let stream = Arc::new(Mutex::new(Some(stream)));
    PyCFunction::new_closure(
        py,
        None,
        None,
        move |args: &Bound<'_, PyTuple>, _kwargs: Option<&Bound<'_, PyDict>>| -> PyResult<()> {
            let future = args.get_item(0)?.unbind();
            let taken = stream.lock().ok().and_then(|mut slot| slot.take());
            let mut taken =
                taken.ok_or_else(|| PyRuntimeError::new_err("the stream is already being read"))?;
            let slot = Arc::clone(&stream);
            tokio::task::spawn_local(async move {
                let chunk = taken.next().await;
                if let Ok(mut slot) = slot.lock() {
                    *slot = Some(taken);
                }
                Python::attach(|py| {
                    let future = future.bind(py);
                    let settled = match chunk {
                        Some(Ok(piece)) => future.call_method1(
                            intern!(py, "set_result"),
                            ((PyBytes::new(py, &piece.data), piece.last),),
                        ),
                        None => {
                            future.call_method1(intern!(py, "set_result"), ((PyBytes::new(py, b""), true),))
                        }
                        Some(Err(err)) => future.call_method1(
                            intern!(py, "set_exception"),
                            (
                                PyRuntimeError::new_err(format!("the response stream failed: {err}"))
                                    .into_value(py),
                            ),
                        ),
                    };
                    if let Err(err) = settled {
                        calls::log_exception(py, "cannot hand a response chunk to the middleware", &err);
                    }
                });
                event_loop::wake();
            });
            Ok(())
        },
    )
}
