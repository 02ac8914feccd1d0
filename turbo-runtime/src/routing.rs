//! Route resolution with Starlette's semantics, driven by compiled tables.
//!
//! Starlette tries routes in declaration order. A route whose path matches
//! and whose methods include the request's is a *full* match and handles the
//! request at once, even if its parameters then fail validation (422). A
//! route whose path matches but not its methods is a *partial* match: if no
//! full match follows, the first partial one answers 405 with its own
//! `Allow` header. The compiler precomputes, for every static path, the
//! ordered list of routes that match it (static and templated), so the
//! common case is one perfect-hash lookup; other paths try only the
//! templated routes a segment trie finds for them (`turbo_contract::trie`),
//! so lookup cost does not grow with the number of routes.

use std::borrow::Cow;
use std::net::SocketAddr;
use std::sync::OnceLock;

use crate::spec::RouteSpec;
use crate::template::Captures;
use turbo_contract::trie::Trie;

/// The compiled route table of an app.
pub struct Router {
    pub routes: &'static [&'static RouteSpec],
    /// Every static path of the app, with the routes (static and templated)
    /// that match it, in declaration order.
    pub static_paths: &'static phf::Map<&'static str, &'static [u16]>,
    /// The templated routes, in declaration order.
    pub templated: &'static [u16],
    /// The same routes indexed by segment: the candidates for a path
    /// without scanning every route (used past [`LINEAR_MAX`] routes).
    pub trie: Trie<'static>,
}

/// Which compiled routes the app registered at start-up (a route compiled
/// under an `if` may not be). Unset means all, as in unit tests.
static REGISTERED: OnceLock<Box<[bool]>> = OnceLock::new();

/// Records which routes the app registered; set once, before serving.
pub fn set_registered(registered: Vec<bool>) {
    let _ = REGISTERED.set(registered.into_boxed_slice());
}

fn is_registered(route: u16) -> bool {
    REGISTERED
        .get()
        .is_none_or(|registered| registered[route as usize])
}

/// How many of `compiled` routes are served.
pub fn served_count(compiled: usize) -> usize {
    REGISTERED
        .get()
        .map_or(compiled, |registered| registered.iter().filter(|r| **r).count())
}

/// Up to this many templated routes, trying each matcher in order is
/// cheaper than walking the trie (a hash per segment); past it, the trie
/// keeps lookup cost independent of the number of routes.
pub const LINEAR_MAX: usize = 8;

/// The result of routing one request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resolution {
    /// This route handles the request.
    Route(u16),
    /// The path matched this route, but not its methods: 405.
    MethodNotAllowed(u16),
    NotFound,
    /// Under this mounted application's path, none of its routes matched
    /// (its routes precede its boundary): the application's own answer.
    Boundary(u16),
}

impl Router {
    fn matches(&self, route: u16, path: &str, captures: &mut Captures) -> bool {
        self.routes[route as usize].matcher.matches(path, captures)
    }

    /// Resolves an HTTP request's `method` and percent-decoded `path`
    /// (WebSocket routes are not there for it, as Starlette's
    /// `WebSocketRoute` does not match an HTTP scope).
    pub fn find(&self, method: &str, path: &str, captures: &mut Captures) -> Resolution {
        self.search(Some(method), path, captures, &|_| true)
    }

    /// As [`Router::find`], among the routes `keep` accepts (a mounted
    /// application's).
    pub fn find_among(
        &self,
        method: &str,
        path: &str,
        captures: &mut Captures,
        keep: &dyn Fn(u16) -> bool,
    ) -> Resolution {
        self.search(Some(method), path, captures, keep)
    }

    /// The WebSocket route a handshake for `path` goes to: the first that
    /// matches (HTTP routes are not there for it).
    pub fn find_websocket(&self, path: &str, captures: &mut Captures) -> Option<u16> {
        match self.search(None, path, captures, &|_| true) {
            Resolution::Route(route) => Some(route),
            _ => None,
        }
    }

    /// `method` for an HTTP request, none for a WebSocket handshake.
    fn search(
        &self,
        method: Option<&str>,
        path: &str,
        captures: &mut Captures,
        keep: &dyn Fn(u16) -> bool,
    ) -> Resolution {
        let mut partial = None;
        let serves = |route: &RouteSpec| match method {
            Some(method) => route.serves(method),
            None => true,
        };
        let mut consider = |route: u16| -> Option<Resolution> {
            let spec = self.routes[route as usize];
            // A route the app did not register is not there, as in FastAPI.
            if !is_registered(route) || spec.is_websocket() != method.is_none() || !keep(route) {
                None
            } else if spec.boundary {
                Some(Resolution::Boundary(route))
            } else if serves(spec) {
                Some(Resolution::Route(route))
            } else {
                partial.get_or_insert(route);
                None
            }
        };
        if let Some(trimmed) = path.strip_suffix('\n') {
            // Python's `$` also matches before a final newline, so Starlette
            // routes "/items\n" to "/items". Rare enough for a linear scan.
            for route in 0..self.routes.len() as u16 {
                captures.clear();
                if self.matches(route, path, captures) || {
                    captures.clear();
                    self.matches(route, trimmed, captures)
                } {
                    if let Some(found) = consider(route) {
                        return found;
                    }
                }
            }
        } else if let Some(candidates) = self.static_paths.get(path) {
            for &route in candidates.iter() {
                captures.clear();
                // Precomputed to match; this fills the captures of templated ones.
                if self.matches(route, path, captures) {
                    if let Some(found) = consider(route) {
                        return found;
                    }
                }
            }
        } else if self.templated.len() <= LINEAR_MAX {
            for &route in self.templated {
                captures.clear();
                if self.matches(route, path, captures) {
                    if let Some(found) = consider(route) {
                        return found;
                    }
                }
            }
        } else {
            // The trie yields candidates in no particular order: keep the
            // first full match and the first partial one by declaration
            // order, which is what trying them in order would find.
            let mut full: Option<(u16, Captures)> = None;
            let mut first_partial: Option<u16> = None;
            self.trie.candidates(path, |route| {
                let spec = self.routes[route as usize];
                if full.as_ref().is_some_and(|(best, _)| *best < route)
                    || !is_registered(route)
                    || spec.is_websocket() != method.is_none()
                    || !keep(route)
                {
                    return;
                }
                let mut found = Captures::default();
                if self.matches(route, path, &mut found) {
                    if spec.boundary || serves(spec) {
                        full = Some((route, found));
                    } else if first_partial.is_none_or(|p| route < p) {
                        first_partial = Some(route);
                    }
                }
            });
            if let Some((route, found)) = full {
                *captures = found;
                if self.routes[route as usize].boundary {
                    return Resolution::Boundary(route);
                }
                return Resolution::Route(route);
            }
            partial = first_partial;
        }
        captures.clear();
        partial.map_or(Resolution::NotFound, Resolution::MethodNotAllowed)
    }

    /// Starlette's `redirect_slashes`: the path with its trailing slash
    /// toggled, if some route (for any method) matches that instead;
    /// among the routes `keep` accepts (a mounted application's own).
    pub fn slash_redirect(&self, method: &str, path: &str, keep: &dyn Fn(u16) -> bool) -> Option<String> {
        if path == "/" {
            return None;
        }
        let toggled = match path.strip_suffix('/') {
            Some(stripped) => stripped.to_owned(),
            None => format!("{path}/"),
        };
        let mut captures = Captures::default();
        (self.search(Some(method), &toggled, &mut captures, keep) != Resolution::NotFound).then_some(toggled)
    }
}

/// The request path as Starlette sees it: percent-decoded, invalid UTF-8
/// replaced by U+FFFD (uvicorn uses `urllib.parse.unquote`).
pub fn decode_path(raw: &str) -> Cow<'_, str> {
    if raw.contains('%') {
        Cow::Owned(
            percent_encoding::percent_decode_str(raw)
                .decode_utf8_lossy()
                .into_owned(),
        )
    } else {
        Cow::Borrowed(raw)
    }
}

/// The `Location` of Starlette's slash redirect: the absolute URL built from
/// the Host header (or the server address), then `urllib.parse.quote`d with
/// the characters Starlette keeps.
pub fn redirect_location(
    scheme: &str,
    host: Option<&str>,
    local: Option<SocketAddr>,
    path: &str,
    query: Option<&str>,
) -> String {
    let default_port = if scheme == "https" { 443 } else { 80 };
    // Without a host (no `Host` header, on a Unix socket) Starlette's URL
    // is the path alone.
    let mut url = match (host, local) {
        (Some(host), _) => format!("{scheme}://{host}"),
        (None, Some(local)) if local.port() == default_port => format!("{scheme}://{}", local.ip()),
        (None, Some(local)) => format!("{scheme}://{local}"),
        (None, None) => String::new(),
    };
    url.push_str(path);
    if let Some(query) = query.filter(|q| !q.is_empty()) {
        url.push('?');
        url.push_str(query);
    }
    quote_url(&url)
}

/// A URL as Starlette's `RedirectResponse` quotes it for `location`.
pub fn quote_url(url: &str) -> String {
    quote(url, b":/%#?=@[]!$&'()*+,;")
}

/// `urllib.parse.quote(text, safe)`: percent-encodes UTF-8 bytes outside
/// the unreserved set and `safe`, with upper-case hex.
fn quote(text: &str, safe: &[u8]) -> String {
    let mut out = String::with_capacity(text.len());
    for &b in text.as_bytes() {
        if b.is_ascii_alphanumeric() || b"_.-~".contains(&b) || safe.contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirect_location_quotes_like_starlette() {
        let local: Option<SocketAddr> = "127.0.0.1:8000".parse().ok();
        assert_eq!(
            redirect_location(
                "http",
                Some("testserver"),
                local,
                "/items/caf\u{e9} x/",
                Some("a=1&b=%20")
            ),
            "http://testserver/items/caf%C3%A9%20x/?a=1&b=%20"
        );
        assert_eq!(
            redirect_location("http", None, local, "/x", None),
            "http://127.0.0.1:8000/x"
        );
        assert_eq!(redirect_location("http", None, None, "/x", Some("a=1")), "/x?a=1");
    }

    #[test]
    fn decode_path_replaces_invalid_utf8() {
        assert_eq!(decode_path("/a%2Fb"), "/a/b");
        assert_eq!(decode_path("/caf%C3%A9"), "/caf\u{e9}");
        assert_eq!(decode_path("/bad%FF"), "/bad\u{fffd}");
        assert_eq!(decode_path("/plain"), "/plain");
    }
}
