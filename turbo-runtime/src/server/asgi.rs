//! The ASGI bridge (`python/turboapi/_asgi.py`): how a request passes
//! through a run of the app's Python middleware (`@app.middleware("http")`,
//! `BaseHTTPMiddleware`, pure ASGI middleware).
//!
//! [`call`] reads the body, gives the middleware uvicorn's scope and the
//! body (an `Exchange`, run on the event loop) and builds the response from
//! the messages it sends: its status and headers, then a whole body (one
//! message) or a stream of its messages, with Starlette's `more_body`
//! kept for the native middleware outside it. When the middleware calls
//! the app inside it, `NativeApp` calls [`dispatcher`]'s function with
//! the (possibly changed) scope and body: the server serves it from the
//! next position of the stack inwards (`dispatch::through`) and settles
//! the middleware's future with the answer. An exception no handler took
//! comes back as that exception, so it passes through the middleware as
//! under Starlette.
//!
//! Apps without Python middleware never reach this module.

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex, OnceLock};

use bytes::Bytes;
use hyper::header::{HeaderMap, HeaderName, HeaderValue};
use pyo3::exceptions::PyRuntimeError;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyCFunction, PyDict, PyTuple};
use tokio::sync::mpsc;

use super::inbound::{Inbound, Peer};
use super::proxy_headers::Forwarded;
use super::{request_body, Server};
use crate::incoming::RequestBody;
use crate::python::calls;
use crate::python::entry_points::entry_points;
use crate::python::event_loop;
use crate::response::body::{Body, Chunk, Piece, Stream};
use crate::response::{self, Response};
use crate::spec::BodyRead;

/// Serves a request from a position of the middleware stack inwards
/// (`dispatch::through`, given at start-up: the request path calls this
/// module, and this module calls back into it).
pub(super) type Through = fn(&'static Server, usize, Inbound) -> Pin<Box<dyn Future<Output = Response>>>;

/// The server, and how it serves the requests Python passes back.
static SERVER: OnceLock<(&'static Server, Through)> = OnceLock::new();

pub(super) fn install(server: &'static Server, through: Through) {
    let _ = SERVER.set((server, through));
}

/// One message a Python middleware sent (`Exchange.next()` gives tuples).
enum Message {
    Start(u16, Vec<(Vec<u8>, Vec<u8>)>),
    Body(Vec<u8>, bool),
    /// The middleware returned.
    End,
}

/// The answer of the Python layer `app` for `inbound`.
pub(super) async fn call(server: &'static Server, app: &Py<PyAny>, inbound: Inbound) -> Response {
    let Inbound {
        parts,
        path,
        body,
        peer,
        forwarded,
        scope: passed_on,
    } = inbound;
    let read = match request_body::read(BodyRead::Bytes, &parts, body, server.limits.default).await {
        Ok(read) => read,
        Err(refused) => return refused,
    };
    let started = Python::attach(|py| -> PyResult<(Py<PyAny>, Py<PyAny>)> {
        let scope = match passed_on {
            // A layer inside another: the scope the outer one passed on.
            Some(scope) => scope.into_bound(py),
            None => scope(py, ScopeType::Http, server, &parts, &path, peer, &forwarded)?,
        };
        let messages =
            entry_points()
                .asgi_exchange
                .bind(py)
                .call1((app, scope, PyBytes::new(py, &read.bytes)))?;
        Ok((messages.unbind(), event_loop::new_context(py)?))
    });
    let (messages, context) = match started {
        Ok(started) => started,
        Err(err) => {
            return Python::attach(|py| response::python_error(py, "cannot call the middleware", &err))
        }
    };
    let exchange = Exchange(Some(messages));
    let (status, headers) = match next(exchange.messages(), &context).await {
        Ok(Message::Start(status, headers)) => (status, headers),
        Ok(Message::End) => return failed("ASGI callable returned without starting response.", None),
        Ok(Message::Body(..)) => {
            return failed(
                "Expected ASGI message 'http.response.start', but got 'http.response.body'.",
                None,
            )
        }
        Err(err) => return failed("Exception in ASGI application", Some(err)),
    };
    let body = match next(exchange.messages(), &context).await {
        Ok(Message::Body(data, false)) => {
            tokio::task::spawn_local(finish(exchange.hand_over(), context));
            Body::whole(data)
        }
        first => {
            let (sender, receiver) = mpsc::channel(1);
            tokio::task::spawn_local(pump(first, exchange.hand_over(), context, sender));
            Body::from_chunks(receiver)
        }
    };
    match response::from_head(status, headers, body) {
        Ok(response) => response,
        Err(err) => failed("Exception in ASGI application", Some(err)),
    }
}

/// A running `Exchange`: told the client went away if the request is
/// dropped before its messages are handed on.
struct Exchange(Option<Py<PyAny>>);

impl Exchange {
    fn messages(&self) -> &Py<PyAny> {
        self.0.as_ref().expect("taken only by hand_over")
    }

    fn hand_over(mut self) -> Py<PyAny> {
        self.0.take().expect("taken only by hand_over")
    }
}

impl Drop for Exchange {
    fn drop(&mut self) {
        if let Some(messages) = self.0.take() {
            disconnected(&messages);
        }
    }
}

/// `Exchange.disconnect()`: the client went away.
fn disconnected(messages: &Py<PyAny>) {
    Python::attach(|py| {
        if let Err(err) = messages.bind(py).call_method0(intern!(py, "disconnect")) {
            calls::log_exception(py, "cannot disconnect a middleware", &err);
        }
    });
    event_loop::wake();
}

/// What the middleware sends after its first body message, as stream
/// pieces; then the rest of the middleware's work.
async fn pump(
    mut next_message: PyResult<Message>,
    messages: Py<PyAny>,
    context: Py<PyAny>,
    sender: mpsc::Sender<Chunk>,
) {
    loop {
        let (data, more) = match next_message {
            Ok(Message::Body(data, more)) => (data, more),
            Ok(Message::End) => {
                log("ASGI callable returned without completing response.", None);
                let _ = sender
                    .send(Err(std::io::Error::other("incomplete response")))
                    .await;
                return;
            }
            Ok(Message::Start(..)) => {
                log(
                    "Unexpected ASGI message 'http.response.start' sent, after response already started.",
                    None,
                );
                let _ = sender.send(Err(std::io::Error::other("invalid response"))).await;
                return;
            }
            Err(err) => {
                log("Exception in ASGI application", Some(err));
                let _ = sender
                    .send(Err(std::io::Error::other("the middleware raised")))
                    .await;
                return;
            }
        };
        let piece = Piece {
            data: Bytes::from(data),
            last: !more,
        };
        if sender.send(Ok(piece)).await.is_err() {
            // The client went away.
            return disconnected(&messages);
        }
        if !more {
            break;
        }
        next_message = next(&messages, &context).await;
    }
    drop(sender);
    finish(messages, context).await;
}

/// Lets the middleware run to its end after the response (its background
/// work); what it raises then is logged, as uvicorn logs it.
async fn finish(messages: Py<PyAny>, context: Py<PyAny>) {
    loop {
        match next(&messages, &context).await {
            Ok(Message::End) => return,
            Ok(_) => {}
            Err(err) => return log("Exception in ASGI application", Some(err)),
        }
    }
}

async fn next(messages: &Py<PyAny>, context: &Py<PyAny>) -> PyResult<Message> {
    let next = event_loop::awaited(|py| messages.bind(py).call_method0(intern!(py, "next")), context).await;
    Python::attach(|py| {
        let message = next?.into_bound(py);
        if message.is_none() {
            return Ok(Message::End);
        }
        let kind: String = message.get_item(0)?.extract()?;
        if kind == "start" {
            Ok(Message::Start(
                message.get_item(1)?.extract()?,
                message.get_item(2)?.extract()?,
            ))
        } else {
            Ok(Message::Body(
                message.get_item(1)?.extract()?,
                message.get_item(2)?.extract()?,
            ))
        }
    })
}

/// The answer when the middleware fails before its response started:
/// Starlette's `ServerErrorMiddleware` 500, the error logged (unless the
/// server logged it already, as a handler's unhandled exception) and
/// carried on, so that Python middleware further out sees it raised.
fn failed(message: &str, err: Option<PyErr>) -> Response {
    match err {
        Some(err) => {
            Python::attach(|py| {
                if !calls::was_logged(py, &err) {
                    calls::log_exception(py, message, &err);
                    calls::mark_logged(py, &err);
                }
            });
            response::failed_with(err)
        }
        None => {
            log(message, None);
            response::internal_error()
        }
    }
}

fn log(message: &str, err: Option<PyErr>) {
    Python::attach(|py| match err {
        Some(err) if calls::was_logged(py, &err) => {}
        Some(err) => calls::log_exception(py, message, &err),
        None => crate::log::log!(Error, "ERROR: {} {message}", crate::clock::now()),
    });
}

/// What a connection's scope is for: an HTTP request, or a WebSocket
/// handshake with the subprotocols it asks for.
pub(super) enum ScopeType {
    Http,
    WebSocket(Vec<String>),
}

/// uvicorn's scope of a request from the connection (`path` decoded,
/// without `--root-path`, which the scope's `path` and `raw_path` include).
pub(super) fn scope<'py>(
    py: Python<'py>,
    kind: ScopeType,
    server: &'static Server,
    parts: &hyper::http::request::Parts,
    path: &str,
    peer: Peer,
    forwarded: &Forwarded,
) -> PyResult<Bound<'py, PyAny>> {
    let address = |address: SocketAddr| (address.ip().to_string(), address.port());
    let client = match &forwarded.client {
        Some(client) => Some(client.clone()),
        None => peer.client.map(address),
    };
    let secure = forwarded.scheme == Some("https");
    let (kind, method, scheme, subprotocols) = match kind {
        ScopeType::Http => (
            "http",
            Some(parts.method.as_str()),
            if secure { "https" } else { "http" },
            None,
        ),
        ScopeType::WebSocket(subprotocols) => (
            "websocket",
            None,
            if secure { "wss" } else { "ws" },
            Some(subprotocols),
        ),
    };
    entry_points().asgi_scope.bind(py).call1((
        kind,
        method,
        format!("{}{path}", server.root_path),
        PyBytes::new(py, format!("{}{}", server.root_path, parts.uri.path()).as_bytes()),
        PyBytes::new(py, parts.uri.query().unwrap_or("").as_bytes()),
        crate::extraction::request_object::header_pairs(py, &parts.headers),
        client,
        peer.local.map(address),
        scheme,
        server.root_path,
        subprotocols,
    ))
}

/// `dispatch(position, scope, body, future)`, which `NativeApp` calls:
/// serves the request its scope describes from `position` inwards, then
/// settles `future` with `(status, headers, body, stream, error)`.
pub(super) fn dispatcher(py: Python<'_>) -> PyResult<Bound<'_, PyCFunction>> {
    PyCFunction::new_closure(
        py,
        None,
        None,
        |args: &Bound<'_, PyTuple>, _kwargs: Option<&Bound<'_, PyDict>>| -> PyResult<()> {
            let (server, through) = *SERVER
                .get()
                .ok_or_else(|| PyRuntimeError::new_err("the server is not serving yet"))?;
            let position: usize = args.get_item(0)?.extract()?;
            let scope = args.get_item(1)?;
            let body: Vec<u8> = args.get_item(2)?.extract()?;
            let future = args.get_item(3)?.unbind();
            let inbound = inbound_of(server, &scope, body)?;
            tokio::task::spawn_local(async move {
                let response = through(server, position, inbound).await;
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
