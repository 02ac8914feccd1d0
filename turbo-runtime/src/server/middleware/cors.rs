//! `CORSMiddleware`, served natively: Starlette 1.10's per-request logic
//! (`starlette/middleware/cors.py`) over the headers its constructor
//! computed (`turboapi/middleware/cors.py`, read at start-up).
//!
//! Where Starlette puts it: around the router and the exception handlers,
//! inside the server-error handling. So a preflight request is answered
//! before routing, every response the app produces (404s, redirects,
//! 422s, handled exceptions) gets the simple-response headers, and an
//! unhandled exception's 500 gets none. Headers are set as Starlette's
//! `MutableHeaders` sets them: an existing one is replaced in place, a new
//! one appended, so the bytes on the wire are Starlette's.

use hyper::header::{HeaderMap, HeaderName, HeaderValue};
use hyper::{Method, StatusCode};
use pyo3::prelude::*;

use crate::extraction::request_text::latin1;
use crate::response::{self, Response};

const ORIGIN: &str = "origin";
const REQUEST_METHOD: &str = "access-control-request-method";
const REQUEST_HEADERS: &str = "access-control-request-headers";
const REQUEST_PRIVATE_NETWORK: &str = "access-control-request-private-network";
const ALLOW_ORIGIN: HeaderName = HeaderName::from_static("access-control-allow-origin");
const ALLOW_HEADERS: HeaderName = HeaderName::from_static("access-control-allow-headers");
const ALLOW_PRIVATE_NETWORK: HeaderName = HeaderName::from_static("access-control-allow-private-network");

/// One `CORSMiddleware`'s settings.
pub struct Cors {
    allow_origins: Vec<String>,
    allow_methods: Vec<String>,
    /// Lower case.
    allow_headers: Vec<String>,
    allow_all_origins: bool,
    allow_all_headers: bool,
    allow_credentials: bool,
    preflight_explicit_allow_origin: bool,
    /// `re.compile(allow_origin_regex).fullmatch`: Python's regex dialect,
    /// so it matches exactly what Starlette matches.
    origin_regex: Option<Py<PyAny>>,
    allow_private_network: bool,
    simple_headers: Vec<(HeaderName, HeaderValue)>,
    preflight_headers: Vec<(HeaderName, HeaderValue)>,
}

impl Cors {
    /// From `CORSMiddleware.native_options()`, a dict of what Starlette's
    /// constructor computed, by attribute name.
    pub fn from_python(options: &Bound<'_, PyAny>) -> PyResult<Self> {
        let field = |name: &str| options.get_item(name);
        let headers = |name: &str| {
            field(name)?
                .extract::<Vec<(String, String)>>()
                .and_then(header_pairs)
        };
        Ok(Cors {
            allow_origins: field("allow_origins")?.extract()?,
            allow_methods: field("allow_methods")?.extract()?,
            allow_headers: field("allow_headers")?.extract()?,
            allow_all_origins: field("allow_all_origins")?.extract()?,
            allow_all_headers: field("allow_all_headers")?.extract()?,
            allow_credentials: field("allow_credentials")?.extract()?,
            preflight_explicit_allow_origin: field("preflight_explicit_allow_origin")?.extract()?,
            origin_regex: field("origin_regex")?.extract()?,
            allow_private_network: field("allow_private_network")?.extract()?,
            simple_headers: headers("simple_headers")?,
            preflight_headers: headers("preflight_headers")?,
        })
    }

    /// Starlette's test for a preflight request.
    pub fn is_preflight(method: &Method, headers: &HeaderMap) -> bool {
        method == Method::OPTIONS && headers.contains_key(ORIGIN) && headers.contains_key(REQUEST_METHOD)
    }

    fn is_allowed_origin(&self, origin: &str) -> bool {
        if self.allow_all_origins {
            return true;
        }
        if let Some(fullmatch) = &self.origin_regex {
            let matched = Python::attach(|py| {
                fullmatch
                    .bind(py)
                    .call1((origin,))
                    .is_ok_and(|found| !found.is_none())
            });
            if matched {
                return true;
            }
        }
        self.allow_origins.iter().any(|allowed| allowed == origin)
    }

    /// The answer to a preflight request (`preflight_response`).
    pub fn preflight(&self, request: &HeaderMap) -> Response {
        let text = |name: &str| request.get(name).map(|value| latin1(value.as_bytes()));
        let requested_origin = text(ORIGIN).unwrap_or_default();
        let requested_method = text(REQUEST_METHOD).unwrap_or_default();
        let requested_headers = request.get(REQUEST_HEADERS);
        let requested_private_network = request.contains_key(REQUEST_PRIVATE_NETWORK);

        let mut headers = self.preflight_headers.clone();
        let mut failures = Vec::new();
        if self.is_allowed_origin(&requested_origin) {
            if self.preflight_explicit_allow_origin {
                if let Some(origin) = request.get(ORIGIN) {
                    set(&mut headers, ALLOW_ORIGIN, origin.clone());
                }
            }
        } else {
            failures.push("origin");
        }
        if !self.allow_methods.contains(&requested_method) {
            failures.push("method");
        }
        match requested_headers {
            Some(requested) if self.allow_all_headers => set(&mut headers, ALLOW_HEADERS, requested.clone()),
            Some(requested) => {
                let requested = latin1(requested.as_bytes()).to_lowercase();
                if requested
                    .split(',')
                    .any(|header| !self.allow_headers.iter().any(|allowed| allowed == header.trim()))
                {
                    failures.push("headers");
                }
            }
            None => {}
        }
        if requested_private_network {
            if self.allow_private_network {
                set(
                    &mut headers,
                    ALLOW_PRIVATE_NETWORK,
                    HeaderValue::from_static("true"),
                );
            } else {
                failures.push("private-network");
            }
        }
        let mut answer = if failures.is_empty() {
            response::plain_text(StatusCode::OK, "OK")
        } else {
            let text = format!("Disallowed CORS {}", failures.join(", "));
            response::plain_text(StatusCode::BAD_REQUEST, &text)
        };
        // PlainTextResponse(headers=...): the given headers first, then
        // content-length and content-type.
        let own = std::mem::take(answer.headers_mut());
        let map = answer.headers_mut();
        for (name, value) in headers {
            map.append(name, value);
        }
        for (name, value) in own.iter() {
            map.append(name.clone(), value.clone());
        }
        answer
    }

    /// The simple-response headers on the app's response (`send`).
    pub fn simple(&self, origin: Option<&HeaderValue>, response: &mut Response) {
        let headers = response.headers_mut();
        if let Some(origin) = origin {
            for (name, value) in &self.simple_headers {
                headers.insert(name.clone(), value.clone());
            }
            let explicit = (self.allow_all_origins && self.allow_credentials)
                || (!self.allow_all_origins && self.is_allowed_origin(&latin1(origin.as_bytes())));
            if explicit {
                headers.insert(ALLOW_ORIGIN, origin.clone());
            }
        }
        super::add_vary(headers, "Origin");
    }
}

/// A dict's `d[key] = value` on (name, value) pairs: replaced in place,
/// or appended.
fn set(headers: &mut Vec<(HeaderName, HeaderValue)>, name: HeaderName, value: HeaderValue) {
    match headers.iter_mut().find(|(existing, _)| *existing == name) {
        Some(slot) => slot.1 = value,
        None => headers.push((name, value)),
    }
}

fn header_pairs(pairs: Vec<(String, String)>) -> PyResult<Vec<(HeaderName, HeaderValue)>> {
    pairs
        .into_iter()
        .map(|(name, value)| {
            let name = HeaderName::from_bytes(name.to_ascii_lowercase().as_bytes());
            // Encoded as Latin-1, as Starlette encodes header values.
            let bytes: Option<Vec<u8>> = value.chars().map(|c| u8::try_from(u32::from(c)).ok()).collect();
            let value = bytes.map_or_else(
                || HeaderValue::from_bytes(b"\xff\x00"),
                |bytes| HeaderValue::from_bytes(&bytes),
            );
            match (name, value) {
                (Ok(name), Ok(value)) => Ok((name, value)),
                _ => Err(pyo3::exceptions::PyValueError::new_err(
                    "a CORSMiddleware header is not a valid HTTP header",
                )),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use hyper::header::VARY;

    #[test]
    fn setting_a_pair_replaces_in_place_or_appends() {
        let mut pairs = vec![(VARY, HeaderValue::from_static("Origin"))];
        set(&mut pairs, ALLOW_ORIGIN, HeaderValue::from_static("*"));
        set(&mut pairs, VARY, HeaderValue::from_static("x"));
        assert_eq!(pairs[0], (VARY, HeaderValue::from_static("x")));
        assert_eq!(pairs.len(), 2);
    }
}
