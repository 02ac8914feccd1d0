//! The ASGI bridge (`python/turboapi/_asgi.py`): how a request passes
//! through a run of the app's Python middleware (`@app.middleware("http")`,
//! `BaseHTTPMiddleware`, pure ASGI middleware).
//!
//! [`call`] reads the body, gives the middleware uvicorn's scope
//! ([`scope`]) and the body (an `Exchange`, run on the event loop) and
//! builds the response from the messages it sends: its status and
//! headers, then a whole body (one message) or a stream of its messages,
//! with Starlette's `more_body` kept for the native middleware outside it.
//! When the middleware calls the app inside it, `NativeApp` hands the
//! request back to the server (`native_app.rs`).
//!
//! Apps without Python middleware never reach this module.

mod native_app;

use std::net::SocketAddr;

use bytes::Bytes;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::PyBytes;
use tokio::sync::mpsc;

use super::inbound::{Inbound, Peer};
use super::proxy_headers::Forwarded;
use super::{request_body, Server};
use crate::python::calls;
use crate::python::entry_points::entry_points;
use crate::python::event_loop;
use crate::response::body::{Body, Chunk, Piece};
use crate::response::{self, Response};
use crate::spec::BodyRead;
pub(super) use native_app::{dispatcher, install};

/// One message a Python middleware sent (`Exchange.next()` gives tuples).
enum Message {
    Start(u16, Vec<(Vec<u8>, Vec<u8>)>),
    Body(Vec<u8>, bool),
    /// The middleware returned.
    End,
}

/// The answer of the Python layer `app` for `inbound`.
/// `application` is the index of the application whose middleware `app`
/// is (the app, or a mounted one: its scope is then Starlette's child
/// scope, with the mount in `root_path` and the application as `app`).
pub(super) async fn call(
    server: &'static Server,
    application: usize,
    app: &Py<PyAny>,
    inbound: Inbound,
) -> Response {
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
        if application != 0 {
            // Starlette's `Mount` updates the scope it passes on, and the
            // application makes itself its `app`.
            let (object, mount) = calls::application(py, application);
            if !scope.get_item("app")?.is(object) {
                let root_path: String = scope.get_item("root_path")?.extract()?;
                scope.set_item("app_root_path", &root_path)?;
                scope.set_item("root_path", format!("{root_path}{mount}"))?;
                scope.set_item("app", object)?;
            }
        }
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
