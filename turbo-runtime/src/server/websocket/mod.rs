//! WebSockets, as uvicorn 0.54 serves them to a FastAPI app.
//!
//! A handshake (`Upgrade: websocket`) is routed to the app's WebSocket
//! routes only; none matching is uvicorn's 403. The route runs like any
//! other (`call_route`: dependencies, parameters, the handler), with the
//! `WebSocket` of a `turboapi._websockets.Session` as its `WebSocket`
//! parameter; the handshake's answer waits for the app's decision:
//! `accept()` gives the 101 (with the subprotocol and headers), a close
//! before it a 403, an exception or a return before it a 500. After the
//! 101, tokio-tungstenite frames the upgraded connection: client messages
//! are delivered to the session, the app's frames written in order. When
//! the route returns, `Session.finish` applies FastAPI's and Starlette's
//! WebSocket exception handling; then, as uvicorn does, the connection is
//! closed: after the app's close frame (waiting for the client's reply),
//! or at once.

use std::sync::{Arc, Mutex};

use hyper::body::Incoming;
use hyper::header::{HeaderName, HeaderValue, CONNECTION, UPGRADE};
use hyper::StatusCode;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyCFunction, PyDict, PyTuple};
use tokio::sync::{mpsc, oneshot};
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;

use super::asgi::ScopeType;
use super::inbound::Peer;
use super::proxy_headers::Forwarded;
use super::route_call::call_route;
use super::Server;
use crate::extraction::request::{Call, Request};
use crate::python::calls;
use crate::python::entry_points::entry_points;
use crate::python::event_loop;
use crate::response::{self, body::Body, Response};
use crate::routing;
use crate::template::Captures;

mod connection;

pub(super) use connection::keep_alive;
use connection::{connect, Outgoing};

/// A WebSocket handshake, as uvicorn recognises one.
pub(super) fn is_handshake(request: &hyper::Request<Incoming>) -> bool {
    let headers = request.headers();
    let upgrade = headers
        .get(UPGRADE)
        .is_some_and(|value| value.as_bytes().eq_ignore_ascii_case(b"websocket"));
    let connection = headers.get_all(CONNECTION).iter().any(|value| {
        value.to_str().is_ok_and(|value| {
            value
                .split(',')
                .any(|token| token.trim().eq_ignore_ascii_case("upgrade"))
        })
    });
    upgrade && connection
}

/// What the app decided about the handshake.
enum Decision {
    Accept(Option<String>, Vec<(Vec<u8>, Vec<u8>)>),
    Reject(StatusCode),
}

type Decider = Arc<Mutex<Option<oneshot::Sender<Decision>>>>;

fn decide(decider: &Decider, decision: Decision) {
    if let Some(sender) = decider.lock().ok().and_then(|mut slot| slot.take()) {
        let _ = sender.send(decision);
    }
}

/// The answer to a handshake: the 101 once the app accepts (the
/// connection is then served as a WebSocket), or the refusal.
pub(super) async fn handle(
    server: &'static Server,
    mut request: hyper::Request<Incoming>,
    peer: Peer,
    forwarded: Forwarded,
) -> Response {
    let on_upgrade = hyper::upgrade::on(&mut request);
    let (parts, _) = request.into_parts();
    let key = parts.headers.get("sec-websocket-key").cloned();
    let version_13 = parts
        .headers
        .get("sec-websocket-version")
        .is_some_and(|version| version.as_bytes() == b"13");
    let (Some(key), true) = (key, version_13) else {
        return rejection(
            StatusCode::BAD_REQUEST,
            "Failed to open a WebSocket connection: invalid handshake.\n",
        );
    };
    let path = routing::decode_path(parts.uri.path()).into_owned();
    let mut captures = Captures::default();
    let Some(route) = server.router.find_websocket(&path, &mut captures) else {
        // Starlette's router closes an unmatched WebSocket: uvicorn's 403.
        log_line(&parts, peer, &forwarded, server, "403");
        return rejection(StatusCode::FORBIDDEN, "");
    };
    let route = server.router.routes[route as usize];
    let (decision_sender, decision) = oneshot::channel();
    let decider: Decider = Arc::new(Mutex::new(Some(decision_sender)));
    let (frames, frames_out) = mpsc::channel::<(Outgoing, Option<Py<PyAny>>)>(16);
    let ended = frames.clone();
    let session = Python::attach(|py| -> PyResult<Py<PyAny>> {
        let subprotocols = parts
            .headers
            .get_all("sec-websocket-protocol")
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(',').map(|token| token.trim().to_owned()))
            .collect();
        let kind = ScopeType::WebSocket(subprotocols);
        let scope = super::asgi::scope(py, kind, server, &parts, &path, peer, &forwarded)?;
        let outgoing = outgoing(py, Arc::clone(&decider), frames)?;
        Ok(entry_points()
            .websocket_session
            .bind(py)
            .call1((scope, outgoing))?
            .unbind())
    });
    let session = match session {
        Ok(session) => session,
        Err(err) => {
            return Python::attach(|py| {
                response::python_error(py, "cannot start the WebSocket session", &err)
            })
        }
    };
    let websocket = Python::attach(|py| session.getattr(py, intern!(py, "websocket")));
    let websocket = match websocket {
        Ok(websocket) => websocket,
        Err(err) => {
            return Python::attach(|py| {
                response::python_error(py, "cannot start the WebSocket session", &err)
            })
        }
    };
    let line = LogLine::of(&parts, peer, &forwarded, server);
    let request = Request::new(parts, path, peer.local, peer.client, bytes::Bytes::new())
        .forwarded(forwarded.scheme, forwarded.client)
        .under_root_path(server.root_path)
        .with_websocket(websocket);
    let is_async = server.app.handlers[route.handler].is_async;
    let call = Call::new(route, request, captures);
    let finished_session = Python::attach(|py| session.clone_ref(py));
    let finishing = Arc::clone(&decider);
    tokio::task::spawn_local(async move {
        let answered = call_route(call, is_async).await;
        finish(finished_session, answered, finishing).await;
        let _ = ended.send((Outgoing::End, None)).await;
    });
    match decision.await {
        Ok(Decision::Accept(subprotocol, headers)) => {
            line.write("[accepted]");
            tokio::task::spawn_local(connect(on_upgrade, session, frames_out));
            switching_protocols(&key, subprotocol, headers)
        }
        // uvicorn writes an access line for a close before accepting, not
        // for its 500s (their error is logged).
        Ok(Decision::Reject(StatusCode::FORBIDDEN)) => {
            line.write("403");
            rejection(StatusCode::FORBIDDEN, "")
        }
        Ok(Decision::Reject(status)) => rejection(status, "Internal Server Error"),
        Err(_) => rejection(StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error"),
    }
}

/// The route returned or raised: `Session.finish` (FastAPI's and
/// Starlette's WebSocket exception handling, uvicorn's 500 before the
/// handshake); what the route raised was logged with its request line.
async fn finish(session: Py<PyAny>, mut answered: Response, decider: Decider) {
    let (error, invalid) = Python::attach(|py| {
        let error = response::unhandled_error(py, &answered).map(|err| err.into_value(py).into_any());
        // A 422 is the parameters' validation: FastAPI closes with 1008.
        let invalid = error.is_none() && answered.status() == StatusCode::UNPROCESSABLE_ENTITY;
        (error, invalid)
    });
    *answered.body_mut() = Body::empty();
    drop(answered);
    let context = match Python::attach(event_loop::new_context) {
        Ok(context) => context,
        Err(_) => return decide(&decider, Decision::Reject(StatusCode::INTERNAL_SERVER_ERROR)),
    };
    let finished = event_loop::awaited(
        |py| {
            session
                .bind(py)
                .call_method1(intern!(py, "finish"), (error, invalid))
        },
        &context,
    )
    .await;
    Python::attach(|py| match finished {
        Ok(message) if !message.is_none(py) => {
            crate::log::log!(Error, "ERROR: {} {}", crate::clock::now(), message.bind(py));
        }
        Ok(_) => {}
        Err(err) => calls::log_exception(py, "exception in ASGI application", &err),
    });
    // Whatever was not decided by now (nothing should be) is a 500.
    decide(&decider, Decision::Reject(StatusCode::INTERNAL_SERVER_ERROR));
}

/// `outgoing(kind, first, second, future)`: what `Session.send` asks of
/// the server.
fn outgoing(
    py: Python<'_>,
    decider: Decider,
    frames: mpsc::Sender<(Outgoing, Option<Py<PyAny>>)>,
) -> PyResult<Bound<'_, PyCFunction>> {
    PyCFunction::new_closure(
        py,
        None,
        None,
        move |args: &Bound<'_, PyTuple>, _kwargs: Option<&Bound<'_, PyDict>>| -> PyResult<()> {
            let kind: String = args.get_item(0)?.extract()?;
            let (first, second) = (args.get_item(1)?, args.get_item(2)?);
            let future = args.get_item(3)?;
            let future = (!future.is_none()).then(|| future.unbind());
            let frame = match kind.as_str() {
                "accept" => {
                    decide(&decider, Decision::Accept(first.extract()?, second.extract()?));
                    return Ok(());
                }
                "reject" => {
                    let status: u16 = first.extract()?;
                    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                    decide(&decider, Decision::Reject(status));
                    return Ok(());
                }
                "text" => Outgoing::Text(first.extract()?),
                "bytes" => Outgoing::Binary(first.extract()?),
                "close" => Outgoing::Close(first.extract()?, second.extract()?),
                _ => {
                    return Err(pyo3::exceptions::PyValueError::new_err(format!(
                        "unknown WebSocket action {kind:?}"
                    )))
                }
            };
            let frames = frames.clone();
            tokio::task::spawn_local(async move {
                let sent = frames.send((frame, None)).await.is_ok();
                if let Some(future) = future {
                    Python::attach(|py| settle(py, future.bind(py), sent));
                    event_loop::wake();
                }
            });
            Ok(())
        },
    )
}

/// A frame's future: done, or uvicorn's `ClientDisconnected` (the
/// connection is gone).
fn settle(py: Python<'_>, future: &Bound<'_, PyAny>, sent: bool) {
    if future
        .call_method0(intern!(py, "done"))
        .and_then(|done| done.is_truthy())
        .unwrap_or(true)
    {
        return;
    }
    let settled = if sent {
        future.call_method1(intern!(py, "set_result"), (py.None(),))
    } else {
        entry_points()
            .client_disconnected
            .bind(py)
            .call0()
            .and_then(|error| future.call_method1(intern!(py, "set_exception"), (error,)))
    };
    if let Err(err) = settled {
        calls::log_exception(py, "cannot hand a WebSocket frame's outcome to the app", &err);
    }
}

/// The handshake's 101, with the app's subprotocol and headers.
fn switching_protocols(
    key: &HeaderValue,
    subprotocol: Option<String>,
    headers: Vec<(Vec<u8>, Vec<u8>)>,
) -> Response {
    let mut response = hyper::Response::new(Body::empty());
    *response.status_mut() = StatusCode::SWITCHING_PROTOCOLS;
    let map = response.headers_mut();
    map.insert(UPGRADE, HeaderValue::from_static("websocket"));
    map.insert(CONNECTION, HeaderValue::from_static("Upgrade"));
    if let Ok(accept) = HeaderValue::from_str(&derive_accept_key(key.as_bytes())) {
        map.insert("sec-websocket-accept", accept);
    }
    for (name, value) in headers {
        if let (Ok(name), Ok(value)) = (HeaderName::from_bytes(&name), HeaderValue::from_bytes(&value)) {
            map.append(name, value);
        }
    }
    if let Some(subprotocol) = subprotocol.and_then(|s| HeaderValue::from_str(&s).ok()) {
        map.insert("sec-websocket-protocol", subprotocol);
    }
    response
}

/// A refused handshake, as the `websockets` library writes it for uvicorn.
fn rejection(status: StatusCode, text: &str) -> Response {
    let mut response = response::plain_text(status, text);
    response::close_connection(&mut response);
    response
}

/// uvicorn's access line of a handshake: `"WebSocket /path" [accepted]`.
struct LogLine(Option<(String, String)>);

impl LogLine {
    fn of(parts: &hyper::http::request::Parts, peer: Peer, forwarded: &Forwarded, server: &Server) -> Self {
        if !super::access_log::enabled() {
            return LogLine(None);
        }
        let client = match (&forwarded.client, peer.client) {
            (Some((host, port)), _) => format!("{host}:{port}"),
            (None, Some(client)) => client.to_string(),
            (None, None) => String::new(),
        };
        let target = parts.uri.path_and_query().map_or("/", |target| target.as_str());
        LogLine(Some((client, format!("{}{target}", server.root_path))))
    }

    fn write(&self, outcome: &str) {
        if let Some((client, target)) = &self.0 {
            super::access_log::websocket(client, target, outcome);
        }
    }
}

fn log_line(
    parts: &hyper::http::request::Parts,
    peer: Peer,
    forwarded: &Forwarded,
    server: &Server,
    outcome: &str,
) {
    LogLine::of(parts, peer, forwarded, server).write(outcome);
}
