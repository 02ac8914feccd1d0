//! Reading a request's body as its route needs it, within the server's
//! limits (nginx's status codes, uvicorn/gunicorn-style flags).
//!
//! A route with body parameters gets its body in memory: at most
//! `--limit-request-body` bytes (16 MiB by default; nginx allows 1 MiB,
//! Starlette any size), else 413 before the handler runs — at once for a
//! declared `Content-Length`, so `100 Continue` is never sent for it, and
//! as soon as a chunked body passes it. A form route streams its body
//! through the multipart parser, which spools files to disk, so only the
//! read timeout applies. A route without body parameters drains the body;
//! one larger than the limit is not read, and the connection is closed
//! after the response. Every read waits at most `--timeout-request-body`
//! for the next piece of the body (nginx's `client_body_timeout`), else
//! 408. Both refusals close the connection: the rest of the body is never
//! read. `--limit-request-body-for ROUTE=SIZE` gives a route its own limit
//! (an upload endpoint that takes raw bytes), as nginx's
//! `client_max_body_size` in a `location`.

use std::time::Duration;

use crate::incoming::RequestBody;
use bytes::{Bytes, BytesMut};
use http_body_util::BodyExt;
use hyper::body::Body;
use hyper::header::CONTENT_LENGTH;
use hyper::http::request::Parts;
use hyper::StatusCode;

use crate::extraction::form::{self, Form, FormError};
use crate::python::placement;
use crate::response::{self, Response};
use crate::spec::{BodyRead, RouteSpec};

/// The limits, from the command line.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Largest body held in memory; `None`: no limit.
    pub max_in_memory: Option<u64>,
    /// Longest wait for the next piece of a body.
    pub read_timeout: Duration,
}

/// The limits of every route: the server's, and those that
/// `--limit-request-body-for` sets for some routes.
pub struct RouteLimits {
    pub default: Limits,
    /// By route index; empty when no route has its own.
    by_route: Vec<Limits>,
}

impl RouteLimits {
    /// Applies `ROUTE=SIZE` settings (routes named as `placement::names`
    /// reads them); `Err` says which setting is wrong.
    pub fn configure<'a>(
        default: Limits,
        settings: &[String],
        routes: &'a [&'a RouteSpec],
        handler_of: impl Fn(&RouteSpec) -> (&'a str, &'a str),
    ) -> Result<Self, String> {
        let mut by_route = Vec::new();
        for setting in settings {
            let (name, size) = setting
                .rsplit_once('=')
                .ok_or_else(|| format!("{setting:?} is not ROUTE=SIZE"))?;
            let size = parse_size(size.trim()).map_err(|err| format!("{setting:?}: {err}"))?;
            let (name, mut matched) = (name.trim(), false);
            for (index, route) in routes.iter().enumerate() {
                if placement::names(name, route, handler_of(route)) {
                    if by_route.is_empty() {
                        by_route = vec![default; routes.len()];
                    }
                    by_route[index].max_in_memory = Some(size).filter(|size| *size > 0);
                    matched = true;
                }
            }
            if !matched {
                return Err(format!("{name:?} names no route of this app"));
            }
        }
        Ok(RouteLimits { default, by_route })
    }

    pub fn for_route(&self, index: usize) -> Limits {
        self.by_route.get(index).copied().unwrap_or(self.default)
    }
}

/// A size as nginx writes it: bytes, or with `k`, `m`, `g` (KiB, MiB,
/// GiB; `KiB`/`MiB`/`GiB` too).
pub fn parse_size(text: &str) -> Result<u64, String> {
    let lower = text.to_ascii_lowercase();
    let (number, unit) = match lower.find(|c: char| !c.is_ascii_digit()) {
        Some(at) => lower.split_at(at),
        None => (lower.as_str(), ""),
    };
    let unit: u64 = match unit {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        _ => {
            return Err(format!(
                "{text:?} is not a size (bytes, or a number with k, m or g)"
            ))
        }
    };
    number
        .parse::<u64>()
        .ok()
        .and_then(|number| number.checked_mul(unit))
        .ok_or_else(|| format!("{text:?} is not a size (bytes, or a number with k, m or g)"))
}

/// What was read.
pub struct Read {
    pub bytes: Bytes,
    pub form: Option<Result<Form, FormError>>,
    /// The body was left unread: close the connection after answering.
    pub close: bool,
}

/// Reads the body as `reads` says; `Err` is the answer to send instead.
pub async fn read(
    reads: BodyRead,
    parts: &Parts,
    mut body: RequestBody,
    limits: Limits,
) -> Result<Read, Response> {
    let declared = parts
        .headers
        .get(CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    let too_large = |size: u64| limits.max_in_memory.is_some_and(|max| size > max);
    let mut read = Read {
        bytes: Bytes::new(),
        form: None,
        close: false,
    };
    if reads != BodyRead::Form && body.is_end_stream() {
        // No body (a GET): nothing to read, and no timer to arm.
        return Ok(read);
    }
    match reads {
        BodyRead::Bytes => {
            if declared.is_some_and(too_large) {
                return Err(refused(StatusCode::PAYLOAD_TOO_LARGE));
            }
            let mut collected = BytesMut::new();
            while let Some(frame) = next_frame(&mut body, limits).await? {
                if let Ok(data) = frame.into_data() {
                    collected.extend_from_slice(&data);
                    if too_large(collected.len() as u64) {
                        return Err(refused(StatusCode::PAYLOAD_TOO_LARGE));
                    }
                }
            }
            read.bytes = collected.freeze();
        }
        BodyRead::Form => {
            // Parsed as it arrives, large files spooled to disk. Boxed: the
            // parser's state would otherwise enlarge every request's future.
            let parsing = Box::pin(form::read(&parts.headers, body));
            read.form = Some(match tokio::time::timeout(limits.read_timeout, parsing).await {
                Ok(form) => form,
                Err(_) => return Err(refused(StatusCode::REQUEST_TIMEOUT)),
            });
        }
        BodyRead::Skip => {
            if declared.is_some_and(too_large) {
                read.close = true;
                return Ok(read);
            }
            // Drained frame by frame (never buffered), so the connection
            // can carry the next request.
            let mut drained = 0u64;
            while let Some(frame) = next_frame(&mut body, limits).await? {
                drained += frame.data_ref().map_or(0, |data| data.len() as u64);
                if too_large(drained) {
                    read.close = true;
                    break;
                }
            }
        }
    }
    Ok(read)
}

/// The next frame, within the read timeout; a broken body is FastAPI's 400.
async fn next_frame(
    body: &mut RequestBody,
    limits: Limits,
) -> Result<Option<hyper::body::Frame<Bytes>>, Response> {
    match tokio::time::timeout(limits.read_timeout, body.frame()).await {
        Err(_) => Err(refused(StatusCode::REQUEST_TIMEOUT)),
        Ok(None) => Ok(None),
        Ok(Some(Ok(frame))) => Ok(Some(frame)),
        // The client went away or sent a broken body.
        Ok(Some(Err(_))) => Err(response::bad_request("There was an error parsing the body")),
    }
}

/// The answer FastAPI gives to `HTTPException(status)` (its detail is
/// Python's phrase for the status), closing the connection: the rest of
/// the body is not read.
fn refused(status: StatusCode) -> Response {
    let phrase = match status {
        StatusCode::PAYLOAD_TOO_LARGE => "Request Entity Too Large",
        _ => "Request Timeout",
    };
    let mut refused = response::bad_request(phrase);
    *refused.status_mut() = status;
    response::close_connection(&mut refused);
    refused
}

#[cfg(test)]
mod tests {
    use super::parse_size;

    #[test]
    fn sizes_read_as_nginx_writes_them() {
        assert_eq!(parse_size("1024"), Ok(1024));
        assert_eq!(parse_size("16m"), Ok(16 << 20));
        assert_eq!(parse_size("2K"), Ok(2048));
        assert_eq!(parse_size("1GiB"), Ok(1 << 30));
        assert_eq!(parse_size("0"), Ok(0));
        assert!(parse_size("12x").is_err());
        assert!(parse_size("m").is_err());
        assert!(parse_size("99999999999999999g").is_err());
    }
}
