//! An accepted WebSocket connection: tokio-tungstenite frames hyper's
//! upgraded connection; what the client sends is delivered to the app's
//! `Session`, the app's frames are written in order; closed as uvicorn
//! closes it (after the app's close frame, waiting for the client's reply,
//! or at once when the route ends without one).

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use hyper_util::rt::TokioIo;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::{CloseFrame, Role, WebSocketConfig};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;

use crate::python::calls;
use crate::python::event_loop;

/// How long the app's close frame waits for the client's (uvicorn's).
const CLOSE_TIMEOUT: Duration = Duration::from_secs(10);

/// uvicorn's (`ws_max_size`): a larger message closes the connection.
const MAX_MESSAGE: usize = 16 << 20;

/// A frame the app sends (with the future to settle once it is queued),
/// or the end of the route.
pub(super) enum Outgoing {
    Text(String),
    Binary(Vec<u8>),
    Close(u16, String),
    /// The route returned or raised: uvicorn closes the transport (after
    /// the close handshake, if the app started one).
    End,
}

/// uvicorn's keep-alive (`--ws-ping-interval`, `--ws-ping-timeout`): a
/// ping this long after the last pong, and the connection failed (1011)
/// if its pong does not come in time; no ping for an interval of zero.
static KEEP_ALIVE: std::sync::OnceLock<(Option<Duration>, Duration)> = std::sync::OnceLock::new();

pub(in crate::server) fn keep_alive(interval: f64, timeout: f64) {
    let interval = (interval > 0.0).then(|| Duration::from_secs_f64(interval));
    let _ = KEEP_ALIVE.set((interval, Duration::from_secs_f64(timeout.max(0.001))));
}

/// Client messages waiting for the app beyond which the connection is not
/// read until it catches up (uvicorn pauses reading; `ws_max_queue`).
const MAX_QUEUED: usize = 32;

/// How often a paused connection looks whether the app has caught up.
const RECHECK: Duration = Duration::from_millis(5);

/// The accepted connection: client messages to the session, the app's
/// frames to the client, until one side closes.
pub(super) async fn connect(
    on_upgrade: hyper::upgrade::OnUpgrade,
    session: Py<PyAny>,
    mut frames: mpsc::Receiver<(Outgoing, Option<Py<PyAny>>)>,
) {
    let upgraded = match on_upgrade.await {
        Ok(upgraded) => upgraded,
        Err(_) => return deliver_disconnect(&session, 1006, None),
    };
    let config = WebSocketConfig::default()
        .max_message_size(Some(MAX_MESSAGE))
        .max_frame_size(Some(MAX_MESSAGE));
    let stream = WebSocketStream::from_raw_socket(TokioIo::new(upgraded), Role::Server, Some(config)).await;
    let (mut sink, mut incoming) = stream.split();
    let mut closing: Option<tokio::time::Instant> = None;
    let mut frames_open = true;
    // The ping in flight (its payload and when its pong is due), else when
    // the next one goes.
    let (ping_interval, ping_timeout) = KEEP_ALIVE.get().copied().unwrap_or((None, Duration::ZERO));
    let mut ping: Option<([u8; 4], tokio::time::Instant)> = None;
    let mut next_ping = tokio::time::Instant::now() + ping_interval.unwrap_or_default();
    let mut pings: u32 = 0;
    // Past `MAX_QUEUED` messages waiting for the app, the connection is not
    // read (its frames still go out) until the app has taken some.
    let mut paused = false;
    loop {
        let deadline =
            closing.unwrap_or_else(|| tokio::time::Instant::now() + Duration::from_secs(86_400 * 365));
        let keepalive = ping.map_or(next_ping, |(_, due)| due);
        tokio::select! {
            message = incoming.next(), if !paused => match message {
                Some(Ok(Message::Text(text))) => {
                    paused = deliver(&session, Some(text.as_str()), None) >= MAX_QUEUED;
                }
                Some(Ok(Message::Binary(data))) => {
                    paused = deliver(&session, None, Some(&data)) >= MAX_QUEUED;
                }
                Some(Ok(Message::Pong(payload))) => {
                    if ping.is_some_and(|(sent, _)| payload.as_ref() == sent) {
                        ping = None;
                        next_ping = tokio::time::Instant::now() + ping_interval.unwrap_or_default();
                    }
                }
                Some(Ok(Message::Close(frame))) => {
                    let (code, reason) = frame.map_or((1005, String::new()), |frame| {
                        (u16::from(frame.code), frame.reason.as_str().to_owned())
                    });
                    deliver_disconnect(&session, code, Some(reason));
                    // tungstenite answers the close; let it flush.
                    let _ = sink.flush().await;
                    if closing.is_some() {
                        return;
                    }
                }
                Some(Ok(_)) => {}
                Some(Err(_)) | None => return deliver_disconnect(&session, 1005, None),
            },
            frame = frames.recv(), if frames_open => {
                let frame = match frame {
                    // The route returned without closing: uvicorn closes
                    // the transport.
                    None | Some((Outgoing::End, _)) if closing.is_none() => return,
                    // Closing: the client's reply (or the timeout) ends it.
                    None | Some((Outgoing::End, _)) => {
                        frames_open = false;
                        continue;
                    }
                    Some(_) if closing.is_some() => continue,
                    Some((frame, _)) => frame,
                };
                let message = match frame {
                    Outgoing::Text(text) => Message::text(text),
                    Outgoing::Binary(data) => Message::binary(data),
                    Outgoing::Close(code, reason) => {
                        closing = Some(tokio::time::Instant::now() + CLOSE_TIMEOUT);
                        Message::Close(Some(CloseFrame { code: CloseCode::from(code), reason: reason.into() }))
                    }
                    Outgoing::End => continue,
                };
                if sink.send(message).await.is_err() {
                    return deliver_disconnect(&session, 1006, None);
                }
            }
            () = tokio::time::sleep_until(deadline), if closing.is_some() => return,
            // Reading resumes once the app has caught up.
            () = tokio::time::sleep(RECHECK), if paused => paused = queued(&session) >= MAX_QUEUED,
            () = tokio::time::sleep_until(keepalive), if closing.is_none() && ping_interval.is_some() => {
                if ping.is_some() {
                    // uvicorn's `fail(1011, "keepalive ping timeout")`.
                    let frame = CloseFrame { code: CloseCode::from(1011), reason: "keepalive ping timeout".into() };
                    let _ = sink.send(Message::Close(Some(frame))).await;
                    return deliver_disconnect(&session, 1011, None);
                }
                pings = pings.wrapping_add(1);
                let payload = pings.to_be_bytes();
                if sink.send(Message::Ping(payload.to_vec().into())).await.is_err() {
                    return deliver_disconnect(&session, 1006, None);
                }
                ping = Some((payload, tokio::time::Instant::now() + ping_timeout));
            }
        }
    }
}

/// How many client messages wait for the app.
fn queued(session: &Py<PyAny>) -> usize {
    Python::attach(|py| {
        session
            .bind(py)
            .call_method0(intern!(py, "queued"))
            .and_then(|n| n.extract())
            .unwrap_or(0)
    })
}

/// Hands a client message to the session; how many are waiting for the app.
fn deliver(session: &Py<PyAny>, text: Option<&str>, data: Option<&[u8]>) -> usize {
    let queued = Python::attach(|py| {
        let message = PyDict::new(py);
        let built = message
            .set_item("type", "websocket.receive")
            .and_then(|()| match (text, data) {
                (Some(text), _) => message.set_item("text", text),
                (None, Some(data)) => message.set_item("bytes", PyBytes::new(py, data)),
                (None, None) => Ok(()),
            });
        let delivered = built
            .and_then(|()| session.bind(py).call_method1(intern!(py, "deliver"), (message,)))
            .and_then(|queued| queued.extract::<usize>());
        delivered.unwrap_or_else(|err| {
            calls::log_exception(py, "cannot deliver a WebSocket message", &err);
            0
        })
    });
    event_loop::wake();
    queued
}

fn deliver_disconnect(session: &Py<PyAny>, code: u16, reason: Option<String>) {
    Python::attach(|py| {
        let message = PyDict::new(py);
        let built = message
            .set_item("type", "websocket.disconnect")
            .and_then(|()| message.set_item("code", code))
            .and_then(|()| match &reason {
                Some(reason) => message.set_item("reason", reason),
                None => Ok(()),
            });
        let delivered =
            built.and_then(|()| session.bind(py).call_method1(intern!(py, "deliver"), (message,)));
        if let Err(err) = delivered {
            calls::log_exception(py, "cannot deliver a WebSocket disconnect", &err);
        }
    });
    event_loop::wake();
}
