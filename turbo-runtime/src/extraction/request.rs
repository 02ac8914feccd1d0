//! The request as handlers' extractors see it.

use std::cell::{Cell, OnceCell};
use std::net::SocketAddr;

use hyper::http::request::Parts;
use hyper::HeaderMap;

use crate::extraction::form::{Form, FormError};
use crate::extraction::request_text::{latin1, parse_cookies, parse_query};
use crate::spec::RouteSpec;
use crate::template::Captures;

/// One request routed to a route: what the handler's parameters, its
/// `Request` object and the exception handlers are built from. Owned, so
/// that a request can move to a worker thread and back.
pub struct Call {
    pub route: &'static RouteSpec,
    pub request: Request,
    pub captures: Captures,
    /// The `Request` object once made: one per request, so that what a
    /// dependency puts in `request.state` the handler sees (FastAPI hands
    /// them the same object).
    pub python_request: OnceCell<pyo3::Py<pyo3::PyAny>>,
}

impl Call {
    pub fn new(route: &'static RouteSpec, request: Request, captures: Captures) -> Self {
        Call {
            route,
            request,
            captures,
            python_request: OnceCell::new(),
        }
    }
}

/// One HTTP request, with the path percent-decoded once up front and the
/// query string parsed on first use (routes without query parameters never
/// pay for it).
pub struct Request {
    method: hyper::Method,
    path: String,
    raw_query: Option<String>,
    query: OnceCell<Vec<(String, String)>>,
    cookies: OnceCell<Vec<(String, String)>>,
    headers: HeaderMap,
    /// The server's and client's addresses; none on a Unix socket.
    local: Option<SocketAddr>,
    peer: Option<SocketAddr>,
    /// `--root-path`: where a proxy mounts the app (`request.url` and
    /// redirects include it; routing does not see it).
    root_path: &'static str,
    /// `http`, or what a trusted proxy said.
    scheme: &'static str,
    /// The client a trusted proxy named, instead of the peer.
    forwarded_client: Option<(String, u16)>,
    /// The body, read only for routes with a body or `Request` parameter.
    body: bytes::Bytes,
    /// The form, parsed before dispatch for routes with form parameters;
    /// taken (once) when the route's plan turns it into Python objects.
    form: Cell<Option<Result<Form, FormError>>>,
    /// The ASGI scope a Python middleware passed the request on with: the
    /// handler's `Request` is made on it, as Starlette shares one scope
    /// (`request.state`, keys a middleware set).
    asgi_scope: Option<pyo3::Py<pyo3::PyAny>>,
    /// The `WebSocket` of a WebSocket handshake's request.
    websocket: Option<pyo3::Py<pyo3::PyAny>>,
}

impl Request {
    /// `path` is the percent-decoded path the router matched.
    pub fn new(
        parts: Parts,
        path: String,
        local: Option<SocketAddr>,
        peer: Option<SocketAddr>,
        body: bytes::Bytes,
    ) -> Self {
        Request {
            raw_query: parts.uri.query().map(str::to_owned),
            method: parts.method,
            path,
            query: OnceCell::new(),
            cookies: OnceCell::new(),
            headers: parts.headers,
            local,
            peer,
            root_path: "",
            scheme: "http",
            forwarded_client: None,
            body,
            form: Cell::new(None),
            asgi_scope: None,
            websocket: None,
        }
    }

    /// A WebSocket handshake's request, with its `WebSocket` object.
    pub fn with_websocket(mut self, websocket: pyo3::Py<pyo3::PyAny>) -> Self {
        self.websocket = Some(websocket);
        self
    }

    pub fn websocket(&self) -> Option<&pyo3::Py<pyo3::PyAny>> {
        self.websocket.as_ref()
    }

    /// The request as an ASGI middleware passed it on, with its scope.
    pub fn in_scope(mut self, scope: Option<pyo3::Py<pyo3::PyAny>>) -> Self {
        self.asgi_scope = scope;
        self
    }

    /// The ASGI scope a Python middleware passed the request on with.
    pub fn asgi_scope(&self) -> Option<&pyo3::Py<pyo3::PyAny>> {
        self.asgi_scope.as_ref()
    }

    /// The request as a trusted proxy describes it (`--proxy-headers`).
    pub fn forwarded(mut self, scheme: Option<&'static str>, client: Option<(String, u16)>) -> Self {
        if let Some(scheme) = scheme {
            self.scheme = scheme;
        }
        self.forwarded_client = client;
        self
    }

    /// The request as served under `--root-path`.
    pub fn under_root_path(mut self, root_path: &'static str) -> Self {
        self.root_path = root_path;
        self
    }

    /// `--root-path`, or empty.
    pub fn root_path(&self) -> &'static str {
        self.root_path
    }

    /// The request line without its version, for logs: `GET /items/1?q=a`
    /// (with the root path, as uvicorn logs it).
    pub fn line(&self) -> String {
        let (method, root, path) = (&self.method, self.root_path, &self.path);
        match self.raw_query.as_deref().filter(|query| !query.is_empty()) {
            Some(query) => format!("{method} {root}{path}?{query}"),
            None => format!("{method} {root}{path}"),
        }
    }

    /// `http` or `https` (`request.url.scheme`).
    pub fn scheme(&self) -> &'static str {
        self.scheme
    }

    /// The client as Starlette's `request.client`: (host, port).
    pub fn client(&self) -> Option<(String, u16)> {
        match &self.forwarded_client {
            Some(client) => Some(client.clone()),
            None => self.peer.map(|peer| (peer.ip().to_string(), peer.port())),
        }
    }

    /// The request with the form its route's server read ahead of dispatch.
    pub fn with_form(self, form: Result<Form, FormError>) -> Self {
        self.form.set(Some(form));
        self
    }

    /// The form read ahead of dispatch; `None` if the route reads none or it
    /// was already taken.
    pub fn take_form(&self) -> Option<Result<Form, FormError>> {
        self.form.take()
    }

    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    pub fn method(&self) -> &str {
        self.method.as_str()
    }

    /// The percent-decoded path, as Starlette matches it.
    pub fn path(&self) -> &str {
        &self.path
    }

    pub fn raw_query(&self) -> Option<&str> {
        self.raw_query.as_deref()
    }

    pub fn host(&self) -> Option<&str> {
        self.headers
            .get(hyper::header::HOST)
            .and_then(|v| v.to_str().ok())
    }

    /// The first value of header `name` (any case), decoded as Latin-1 as
    /// Starlette's `request.headers[name]` gives it.
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers.get(name).map(|value| latin1(value.as_bytes()))
    }

    /// Every value of header `name`, in order (`headers.getlist(name)`).
    pub fn header_all(&self, name: &str) -> Vec<String> {
        self.headers
            .get_all(name)
            .iter()
            .map(|value| latin1(value.as_bytes()))
            .collect()
    }

    /// Every value of query parameter `name`, in order (`getlist`).
    pub fn query_all(&self, name: &str) -> Vec<&str> {
        self.query_pairs()
            .iter()
            .filter(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
            .collect()
    }

    /// Cookie `name`: every `Cookie` header parsed by Starlette's
    /// `cookie_parser`, in order, the last of equal names winning.
    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.cookies
            .get_or_init(|| {
                let headers = self.headers.get_all(hyper::header::COOKIE).iter();
                headers
                    .flat_map(|value| parse_cookies(&latin1(value.as_bytes())))
                    .collect()
            })
            .iter()
            .rev()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The `content-type` header, as Starlette decodes it (Latin-1).
    pub fn content_type(&self) -> Option<String> {
        self.header("content-type")
    }

    /// The query string parsed once, on first use: routes without query
    /// parameters never pay for it.
    fn query_pairs(&self) -> &[(String, String)] {
        self.query
            .get_or_init(|| parse_query(self.raw_query.as_deref().unwrap_or("")))
    }

    pub fn local_addr(&self) -> Option<SocketAddr> {
        self.local
    }

    /// The last value of query parameter `name`, as Starlette's
    /// `request.query_params[name]` gives it.
    pub fn query(&self, name: &str) -> Option<&str> {
        self.query_pairs()
            .iter()
            .rev()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }
}
