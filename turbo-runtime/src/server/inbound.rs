//! A request on its way in, as the request path hands it on: from the
//! connection (`dispatch.rs`), from a Python middleware passing it back
//! (`asgi/`), or as a WebSocket handshake (`websocket/`).

use std::net::SocketAddr;

use super::proxy_headers::Forwarded;
use crate::incoming::RequestBody;

/// The connection a request came on.
#[derive(Clone, Copy, Debug)]
pub(super) struct Peer {
    /// The address the client connected to; none on a Unix socket.
    pub local: Option<SocketAddr>,
    /// The client's address; none on a Unix socket.
    pub client: Option<SocketAddr>,
    /// Over `--limit-connections`: every request gets 503.
    pub refused: bool,
}

/// A request and where it came from.
pub(super) struct Inbound {
    pub parts: hyper::http::request::Parts,
    /// The percent-decoded path the router matches (without `--root-path`).
    pub path: String,
    pub body: RequestBody,
    pub peer: Peer,
    pub forwarded: Forwarded,
    /// The scope a Python middleware passed the request on with.
    pub scope: Option<pyo3::Py<pyo3::PyAny>>,
}
