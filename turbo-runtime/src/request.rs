//! The request as handlers' extractors see it.

use std::borrow::Cow;
use std::cell::{Cell, OnceCell};
use std::net::SocketAddr;

use hyper::http::request::Parts;
use hyper::HeaderMap;

use crate::form::{Form, FormError};

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
    local: SocketAddr,
    peer: Option<SocketAddr>,
    /// The body, read only for routes with a body or `Request` parameter.
    body: bytes::Bytes,
    /// The form, parsed before dispatch for routes with form parameters;
    /// taken (once) when the route's plan turns it into Python objects.
    form: Cell<Option<Result<Form, FormError>>>,
}

impl Request {
    /// `path` is the percent-decoded path the router matched.
    pub fn new(
        parts: Parts,
        path: String,
        local: SocketAddr,
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
            body,
            form: Cell::new(None),
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

    /// The client's address (`request.client`).
    pub fn peer_addr(&self) -> Option<SocketAddr> {
        self.peer
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

    pub fn local_addr(&self) -> SocketAddr {
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

pub(crate) fn latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|b| *b as char).collect()
}

/// Starlette's `cookie_parser`: `;`-separated chunks, `key=value` split at
/// the first `=` (no `=`: an empty key), both stripped, values unquoted
/// like `http.cookies._unquote`; chunks with neither key nor value dropped.
pub fn parse_cookies(header: &str) -> Vec<(String, String)> {
    header
        .split(';')
        .filter_map(|chunk| {
            let (key, value) = chunk.split_once('=').unwrap_or(("", chunk));
            let (key, value) = (key.trim(), value.trim());
            (!key.is_empty() || !value.is_empty()).then(|| (key.to_owned(), unquote_cookie(value)))
        })
        .collect()
}

/// `http.cookies._unquote`: a double-quoted value loses its quotes, and
/// inside, backslash-octal (`\\101`) and backslash-character escapes are decoded.
fn unquote_cookie(value: &str) -> String {
    let quoted = value.len() >= 2 && value.starts_with('"') && value.ends_with('"');
    if !quoted {
        return value.to_owned();
    }
    let chars: Vec<char> = value[1..value.len() - 1].chars().collect();
    let mut out = String::with_capacity(chars.len());
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '\\' && i + 1 < chars.len() {
            let octal = &chars[i + 1..(i + 4).min(chars.len())];
            let is_octal = octal.len() == 3
                && ('0'..='3').contains(&octal[0])
                && octal[1..].iter().all(|c| ('0'..='7').contains(c));
            if is_octal {
                let code = octal
                    .iter()
                    .fold(0u32, |acc, c| acc * 8 + c.to_digit(8).unwrap_or(0));
                out.push(char::from_u32(code).unwrap_or('\u{fffd}'));
                i += 4;
            } else {
                out.push(chars[i + 1]);
                i += 2;
            }
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

/// `urllib.parse.parse_qsl(query, keep_blank_values=True)` on the query
/// string decoded as Latin-1, which is what Starlette's `QueryParams` does.
pub fn parse_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (unquote_plus(name), unquote_plus(value))
        })
        .collect()
}

/// `urllib.parse.unquote(text.replace("+", " "))`: runs of `%XX` escapes
/// (with the ASCII around them) are decoded as UTF-8 with replacement.
fn unquote_plus(text: &str) -> String {
    if !text.contains(['%', '+']) && text.is_ascii() {
        return text.to_owned();
    }
    let replaced: Cow<'_, str> = if text.contains('+') {
        Cow::Owned(text.replace('+', " "))
    } else {
        Cow::Borrowed(text)
    };
    let mut out = String::with_capacity(replaced.len());
    let mut ascii_run = Vec::new();
    for ch in replaced.chars() {
        if ch.is_ascii() {
            ascii_run.push(ch as u8);
        } else {
            flush_ascii_run(&mut ascii_run, &mut out);
            out.push(ch);
        }
    }
    flush_ascii_run(&mut ascii_run, &mut out);
    out
}

fn flush_ascii_run(run: &mut Vec<u8>, out: &mut String) {
    if !run.is_empty() {
        out.push_str(&percent_encoding::percent_decode(run).decode_utf8_lossy());
        run.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_parsing_follows_parse_qsl() {
        let parsed = parse_query("a=1&&b=&c&d=x+y%20z&e=caf%C3%A9&f=%FF&=v&a=2");
        let expect = [
            ("a", "1"),
            ("b", ""),
            ("c", ""),
            ("d", "x y z"),
            ("e", "caf\u{e9}"),
            ("f", "\u{fffd}"),
            ("", "v"),
            ("a", "2"),
        ];
        let got: Vec<(&str, &str)> = parsed.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(got, expect);
    }

    #[test]
    fn cookies_follow_starlette() {
        let parsed = parse_cookies(r#"a=1; b = two ; lone; c="q\"w\101"; =v; ; d=x=y; a=last"#);
        let got: Vec<(&str, &str)> = parsed.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(
            got,
            [
                ("a", "1"),
                ("b", "two"),
                ("", "lone"),
                ("c", "q\"wA"),
                ("", "v"),
                ("d", "x=y"),
                ("a", "last")
            ]
        );
    }

    #[test]
    fn bad_escapes_stay_literal() {
        assert_eq!(unquote_plus("%zz%4"), "%zz%4");
    }
}
