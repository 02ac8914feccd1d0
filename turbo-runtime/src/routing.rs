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
//! templated routes.

use std::borrow::Cow;
use std::net::SocketAddr;

use crate::spec::RouteSpec;

/// Most parameters one path template may have (the compiler enforces it).
pub const MAX_CAPTURES: usize = 16;

/// Byte ranges of the path parameters of the matched route, in template order.
#[derive(Clone, Debug, Default)]
pub struct Captures {
    spans: [(u32, u32); MAX_CAPTURES],
    len: usize,
}

impl Captures {
    pub fn clear(&mut self) {
        self.len = 0;
    }

    /// Records the next parameter; `false` if the template has too many.
    pub fn push(&mut self, start: usize, end: usize) -> bool {
        if self.len == MAX_CAPTURES {
            return false;
        }
        self.spans[self.len] = (start as u32, end as u32);
        self.len += 1;
        true
    }

    fn truncate(&mut self, len: usize) {
        self.len = len;
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The `index`th parameter's text within `path` (the path that matched).
    pub fn get<'p>(&self, path: &'p str, index: usize) -> &'p str {
        let (start, end) = self.spans[index];
        &path[start as usize..end as usize]
    }
}

/// Matches one route's template against a path, filling captures.
pub type Matcher = fn(route: u16, path: &str, captures: &mut Captures) -> bool;

/// The compiled route table of an app.
pub struct Router {
    pub routes: &'static [RouteSpec],
    /// Every static path of the app, with the routes (static and templated)
    /// that match it, in declaration order.
    pub static_paths: &'static phf::Map<&'static str, &'static [u16]>,
    /// The templated routes, in declaration order.
    pub templated: &'static [u16],
    /// Matches any route (static or templated) against a path.
    pub matcher: Matcher,
}

/// The result of routing one request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Found {
    /// This route handles the request.
    Route(u16),
    /// The path matched this route, but not its methods: 405.
    MethodNotAllowed(u16),
    NotFound,
}

impl Router {
    /// Resolves `method` and the percent-decoded `path`.
    pub fn find(&self, method: &str, path: &str, captures: &mut Captures) -> Found {
        let mut partial = None;
        let mut consider = |route: u16| -> Option<Found> {
            if self.routes[route as usize].methods.contains(&method) {
                Some(Found::Route(route))
            } else {
                partial.get_or_insert(route);
                None
            }
        };
        if path.ends_with('\n') {
            // Python's `$` also matches before a final newline, so Starlette
            // routes "/items\n" to "/items". Rare enough for a linear scan.
            for route in 0..self.routes.len() as u16 {
                captures.clear();
                let trimmed = &path[..path.len() - 1];
                if (self.matcher)(route, path, captures) || {
                    captures.clear();
                    (self.matcher)(route, trimmed, captures)
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
                if (self.matcher)(route, path, captures) {
                    if let Some(found) = consider(route) {
                        return found;
                    }
                }
            }
        } else {
            for &route in self.templated {
                captures.clear();
                if (self.matcher)(route, path, captures) {
                    if let Some(found) = consider(route) {
                        return found;
                    }
                }
            }
        }
        captures.clear();
        partial.map_or(Found::NotFound, Found::MethodNotAllowed)
    }

    /// Starlette's `redirect_slashes`: the path with its trailing slash
    /// toggled, if some route (for any method) matches that instead.
    pub fn slash_redirect(&self, method: &str, path: &str) -> Option<String> {
        if path == "/" {
            return None;
        }
        let toggled = match path.strip_suffix('/') {
            Some(stripped) => stripped.to_owned(),
            None => format!("{path}/"),
        };
        let mut captures = Captures::default();
        (self.find(method, &toggled, &mut captures) != Found::NotFound).then_some(toggled)
    }
}

/// A Starlette path convertor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Convertor {
    /// `{name}` or `{name:str}`: `[^/]+`
    Str,
    /// `{name:path}`: `.*`
    Path,
    /// `{name:int}`: `[0-9]+`
    Int,
    /// `{name:float}`: `[0-9]+(\.[0-9]+)?`
    Float,
    /// `{name:uuid}`: lower-case hex in 8-4-4-4-12 groups
    Uuid,
}

impl Convertor {
    /// Whether the whole of `text` matches the convertor's regex.
    pub fn accepts(self, text: &str) -> bool {
        let b = text.as_bytes();
        match self {
            Convertor::Str => !b.is_empty() && !b.contains(&b'/'),
            Convertor::Path => true,
            Convertor::Int => !b.is_empty() && b.iter().all(u8::is_ascii_digit),
            Convertor::Float => match text.split_once('.') {
                Some((int, frac)) => {
                    Convertor::Int.accepts(int) && Convertor::Int.accepts(frac)
                }
                None => Convertor::Int.accepts(text),
            },
            Convertor::Uuid => {
                b.len() == 36
                    && b.iter().enumerate().all(|(i, c)| match i {
                        8 | 13 | 18 | 23 => *c == b'-',
                        _ => c.is_ascii_digit() || (b'a'..=b'f').contains(c),
                    })
            }
        }
    }

    /// End offsets (relative to `text`'s start) at which this convertor's
    /// regex can stop, in the order Python's backtracking tries them.
    fn candidate_ends(self, text: &str) -> Vec<usize> {
        let b = text.as_bytes();
        match self {
            Convertor::Str => {
                let run = b.iter().position(|c| *c == b'/').unwrap_or(b.len());
                (1..=run).rev().filter(|end| text.is_char_boundary(*end)).collect()
            }
            Convertor::Path => (0..=b.len()).rev().filter(|end| text.is_char_boundary(*end)).collect(),
            Convertor::Int => {
                let run = b.iter().take_while(|c| c.is_ascii_digit()).count();
                (1..=run).rev().collect()
            }
            Convertor::Float => {
                let run = b.iter().take_while(|c| c.is_ascii_digit()).count();
                let mut ends = Vec::new();
                if run > 0 && b.get(run) == Some(&b'.') {
                    let frac = b[run + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
                    ends.extend((1..=frac).rev().map(|f| run + 1 + f));
                }
                ends.extend((1..=run).rev());
                ends
            }
            Convertor::Uuid => {
                if text.len() >= 36 && text.is_char_boundary(36) && self.accepts(&text[..36]) {
                    vec![36]
                } else {
                    Vec::new()
                }
            }
        }
    }
}

/// One piece of a path template for [`match_pieces`].
#[derive(Clone, Copy, Debug)]
pub enum Piece {
    Literal(&'static str),
    Param(Convertor),
}

/// Matches a template given as pieces with regex (greedy, backtracking)
/// semantics. The compiler emits straight-line code for templates whose
/// parameters fill whole segments and uses this for the rest (`{a}-{b}`,
/// `{p:path}` followed by more text, ...).
pub fn match_pieces(pieces: &[Piece], path: &str, captures: &mut Captures) -> bool {
    match_from(pieces, path, 0, captures)
}

fn match_from(pieces: &[Piece], path: &str, at: usize, captures: &mut Captures) -> bool {
    let Some((first, rest)) = pieces.split_first() else {
        return at == path.len();
    };
    match first {
        Piece::Literal(literal) => {
            path[at..].starts_with(literal) && match_from(rest, path, at + literal.len(), captures)
        }
        Piece::Param(convertor) => {
            let saved = captures.len();
            for end in convertor.candidate_ends(&path[at..]) {
                captures.truncate(saved);
                if captures.push(at, at + end) && match_from(rest, path, at + end, captures) {
                    return true;
                }
            }
            captures.truncate(saved);
            false
        }
    }
}

/// Splits `path` (which starts with '/') into segments after the leading
/// slash, for the compiled whole-segment matchers.
pub fn segments(path: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut offset = 1;
    path[1.min(path.len())..].split('/').map(move |segment| {
        let start = offset;
        offset += segment.len() + 1;
        (start, segment)
    })
}

/// The request path as Starlette sees it: percent-decoded, invalid UTF-8
/// replaced by U+FFFD (uvicorn uses `urllib.parse.unquote`).
pub fn decode_path(raw: &str) -> Cow<'_, str> {
    if raw.contains('%') {
        Cow::Owned(percent_encoding::percent_decode_str(raw).decode_utf8_lossy().into_owned())
    } else {
        Cow::Borrowed(raw)
    }
}

/// The `Location` of Starlette's slash redirect: the absolute URL built from
/// the Host header (or the server address), then `urllib.parse.quote`d with
/// the characters Starlette keeps.
pub fn redirect_location(host: Option<&str>, local: SocketAddr, path: &str, query: Option<&str>) -> String {
    let mut url = String::from("http://");
    match host {
        Some(host) => url.push_str(host),
        None if local.port() == 80 => url.push_str(&local.ip().to_string()),
        None => url.push_str(&local.to_string()),
    }
    url.push_str(path);
    if let Some(query) = query.filter(|q| !q.is_empty()) {
        url.push('?');
        url.push_str(query);
    }
    quote(&url, b":/%#?=@[]!$&'()*+,;")
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

    fn captured(pieces: &[Piece], path: &str) -> Option<Vec<String>> {
        let mut caps = Captures::default();
        match_pieces(pieces, path, &mut caps)
            .then(|| (0..caps.len()).map(|i| caps.get(path, i).to_owned()).collect())
    }

    #[test]
    fn greedy_backtracking_like_python_regex() {
        use Piece::*;
        let two = [Literal("/"), Param(Convertor::Str), Literal("-"), Param(Convertor::Str)];
        assert_eq!(captured(&two, "/a-b-c"), Some(vec!["a-b".into(), "c".into()]));
        assert_eq!(captured(&two, "/abc"), None);
        let json = [Literal("/items/"), Param(Convertor::Str), Literal(".json")];
        assert_eq!(captured(&json, "/items/x.y.json"), Some(vec!["x.y".into()]));
        let path = [Literal("/files/"), Param(Convertor::Path), Literal("/raw")];
        assert_eq!(captured(&path, "/files/a/b/raw"), Some(vec!["a/b".into()]));
        assert_eq!(captured(&path, "/files//raw"), Some(vec!["".into()]));
        let float = [Literal("/f/"), Param(Convertor::Float), Literal("x")];
        assert_eq!(captured(&float, "/f/1.5x"), Some(vec!["1.5".into()]));
        assert_eq!(captured(&float, "/f/1.x"), None);
        let float_dot = [Literal("/f/"), Param(Convertor::Float), Literal(".5")];
        assert_eq!(captured(&float_dot, "/f/1.5"), Some(vec!["1".into()]));
    }

    #[test]
    fn convertors_accept_their_regex_only() {
        assert!(Convertor::Int.accepts("0012"));
        assert!(!Convertor::Int.accepts("-1"));
        assert!(!Convertor::Int.accepts(""));
        assert!(Convertor::Float.accepts("1.25"));
        assert!(!Convertor::Float.accepts("1."));
        assert!(!Convertor::Float.accepts(".5"));
        assert!(Convertor::Uuid.accepts("123e4567-e89b-12d3-a456-426614174000"));
        assert!(!Convertor::Uuid.accepts("123E4567-E89B-12D3-A456-426614174000"));
    }

    #[test]
    fn redirect_location_quotes_like_starlette() {
        let local: SocketAddr = "127.0.0.1:8000".parse().unwrap();
        assert_eq!(
            redirect_location(Some("testserver"), local, "/items/caf\u{e9} x/", Some("a=1&b=%20")),
            "http://testserver/items/caf%C3%A9%20x/?a=1&b=%20"
        );
        assert_eq!(redirect_location(None, local, "/x", None), "http://127.0.0.1:8000/x");
    }

    #[test]
    fn decode_path_replaces_invalid_utf8() {
        assert_eq!(decode_path("/a%2Fb"), "/a/b");
        assert_eq!(decode_path("/caf%C3%A9"), "/caf\u{e9}");
        assert_eq!(decode_path("/bad%FF"), "/bad\u{fffd}");
        assert_eq!(decode_path("/plain"), "/plain");
    }
}
