//! `TrustedHostMiddleware` and `HTTPSRedirectMiddleware`, served natively
//! with Starlette 1.10's answers: both read the request's `Host` as
//! Starlette's `parse_host_header` does and build their redirect from
//! Starlette's `URL(scope=...)` (the request's scheme, host or server
//! address, root path and path, query).

use std::net::SocketAddr;
use std::sync::OnceLock;

use hyper::header::HOST;
use hyper::http::request::Parts;
use hyper::StatusCode;
use pyo3::prelude::*;
use regex::Regex;

use crate::extraction::request_text::latin1;
use crate::response::{self, Response};

/// Where the request arrived, as its scope says it.
pub struct Place<'a> {
    /// `http` or `https` (what a trusted proxy said).
    pub scheme: &'static str,
    pub local: Option<SocketAddr>,
    pub root_path: &'a str,
}

pub struct TrustedHost {
    /// Lower case.
    allowed_hosts: Vec<String>,
    allow_any: bool,
    www_redirect: bool,
}

impl TrustedHost {
    pub fn from_python(options: &Bound<'_, PyAny>) -> PyResult<Self> {
        Ok(TrustedHost {
            allowed_hosts: options.get_item("allowed_hosts")?.extract()?,
            allow_any: options.get_item("allow_any")?.extract()?,
            www_redirect: options.get_item("www_redirect")?.extract()?,
        })
    }

    /// `None` lets the request through; else Starlette's 400, or its
    /// redirect to the `www.` host the patterns name.
    pub fn answer(&self, parts: &Parts, place: &Place<'_>) -> Option<Response> {
        if self.allow_any {
            return None;
        }
        let Some(parsed) = host_header(parts).and_then(|header| parse_host(&header)) else {
            return Some(invalid_host());
        };
        let host = parsed.host.to_lowercase();
        let mut www = false;
        for pattern in &self.allowed_hosts {
            if host == *pattern || (pattern.starts_with('*') && host.ends_with(&pattern[1..])) {
                return None;
            }
            if format!("www.{host}") == *pattern {
                www = true;
            }
        }
        if !(www && self.www_redirect) {
            return Some(invalid_host());
        }
        let url = Url::of(parts, place);
        let netloc = format!("www.{}", url.netloc.as_deref().unwrap_or(""));
        Some(response::redirect(&url.with(url.scheme, &netloc)))
    }
}

/// `HTTPSRedirectMiddleware`: `http` requests are sent to `https`.
pub fn https_redirect(parts: &Parts, place: &Place<'_>) -> Option<Response> {
    if place.scheme != "http" {
        return None;
    }
    let url = Url::of(parts, place);
    let Some(netloc) = url.netloc.as_deref() else {
        return Some(invalid_host());
    };
    // `url.hostname if url.port in (80, 443) else url.netloc`, as
    // `urllib.parse` splits a netloc.
    let (hostname, port) = split_netloc(netloc);
    let netloc = match port.and_then(|port| port.parse::<u32>().ok()) {
        Some(80 | 443) => hostname.to_lowercase(),
        _ => netloc.to_owned(),
    };
    Some(response::redirect(&url.with("https", &netloc)))
}

fn invalid_host() -> Response {
    response::plain_text(StatusCode::BAD_REQUEST, "Invalid host header")
}

fn host_header(parts: &Parts) -> Option<String> {
    parts.headers.get(HOST).map(|value| latin1(value.as_bytes()))
}

/// Starlette's `ParsedHost`.
struct ParsedHost {
    host: String,
    port: Option<String>,
}

impl ParsedHost {
    fn authority(&self) -> String {
        match &self.port {
            Some(port) => format!("{}:{port}", self.host),
            None => self.host.clone(),
        }
    }

    fn is_valid_port(&self) -> bool {
        let Some(port) = &self.port else { return true };
        let port = port.trim_start_matches('0');
        port.len() <= 5 && port.parse::<u32>().unwrap_or(0) <= 65535
    }
}

/// Starlette's `parse_host_header`: its pattern (case-insensitive), and
/// an IPv6 literal must be a valid address.
fn parse_host(header: &str) -> Option<ParsedHost> {
    static HOST: OnceLock<Regex> = OnceLock::new();
    let pattern = HOST.get_or_init(|| {
        Regex::new(
            r"(?i)^(?P<host>[a-z0-9._~%!$&'()*+,;=-]+|\[(?:(?P<ipv6>[a-f0-9]*:[a-f0-9.:]+)|(?-i:v)[a-f0-9]+\.[a-z0-9._~!$&'()*+,;=:-]+)\])(?::(?P<port>[0-9]+))?$",
        )
        .expect("Starlette's host pattern")
    });
    let found = pattern.captures(header)?;
    if let Some(ipv6) = found.name("ipv6") {
        ipv6.as_str().parse::<std::net::Ipv6Addr>().ok()?;
    }
    Some(ParsedHost {
        host: found["host"].to_owned(),
        port: found.name("port").map(|port| port.as_str().to_owned()),
    })
}

/// `urllib.parse`'s hostname (brackets removed) and port text of a netloc.
fn split_netloc(netloc: &str) -> (&str, Option<&str>) {
    let host = netloc.rsplit_once('@').map_or(netloc, |(_, host)| host);
    if let Some(rest) = host.strip_prefix('[') {
        let (inside, after) = rest.split_once(']').unwrap_or((rest, ""));
        return (inside, after.strip_prefix(':'));
    }
    match host.split_once(':') {
        Some((name, port)) => (name, Some(port)),
        None => (host, None),
    }
}

/// Starlette's `URL(scope=...)`, in the parts a redirect changes.
struct Url {
    scheme: &'static str,
    netloc: Option<String>,
    /// The path (root path first), `?`, `#` and `\` escaped, and the query.
    rest: String,
}

impl Url {
    fn of(parts: &Parts, place: &Place<'_>) -> Url {
        let parsed = host_header(parts).and_then(|header| parse_host(&header));
        let netloc = match (parsed, place.local) {
            (Some(parsed), _) if parsed.is_valid_port() => Some(parsed.authority()),
            (_, Some(local)) => {
                let default_port = if place.scheme == "https" { 443 } else { 80 };
                let host = match local.ip() {
                    std::net::IpAddr::V6(ip) => format!("[{ip}]"),
                    ip => ip.to_string(),
                };
                Some(if local.port() == default_port {
                    host
                } else {
                    format!("{host}:{}", local.port())
                })
            }
            _ => None,
        };
        let path = format!(
            "{}{}",
            place.root_path,
            crate::routing::decode_path(parts.uri.path())
        )
        .replace('?', "%3F")
        .replace('#', "%23")
        .replace('\\', "%5C");
        let rest = match parts.uri.query().filter(|query| !query.is_empty()) {
            Some(query) => format!("{path}?{query}"),
            None => path,
        };
        Url {
            scheme: place.scheme,
            netloc,
            rest,
        }
    }

    /// The URL with another scheme and netloc, as `RedirectResponse`
    /// quotes it for `location`.
    fn with(&self, scheme: &str, netloc: &str) -> String {
        crate::routing::quote_url(&format!("{scheme}://{netloc}{}", self.rest))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_parse_as_starlette_parses_them() {
        let host = |text: &str| parse_host(text).map(|parsed| (parsed.host, parsed.port));
        assert_eq!(
            host("Example.com:8000"),
            Some(("Example.com".into(), Some("8000".into())))
        );
        assert_eq!(host("[::1]:443"), Some(("[::1]".into(), Some("443".into()))));
        assert_eq!(host("[zz::1]"), None);
        assert_eq!(host("exa mple.com"), None);
        assert_eq!(host(""), None);
        assert!(!parse_host("a:99999").unwrap().is_valid_port());
        assert!(parse_host("a:000080").unwrap().is_valid_port());
    }

    #[test]
    fn netlocs_split_as_urllib_splits_them() {
        assert_eq!(split_netloc("example.com:80"), ("example.com", Some("80")));
        assert_eq!(split_netloc("[::1]:443"), ("::1", Some("443")));
        assert_eq!(split_netloc("example.com"), ("example.com", None));
    }
}
