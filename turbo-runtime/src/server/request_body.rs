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
//! read.

use std::time::Duration;

use bytes::{Bytes, BytesMut};
use http_body_util::BodyExt;
use hyper::body::Body;
use hyper::body::Incoming;
use hyper::header::CONTENT_LENGTH;
use hyper::http::request::Parts;
use hyper::StatusCode;

use crate::extraction::form::{self, Form, FormError};
use crate::response::{self, Response};
use crate::spec::BodyRead;

/// The limits, from the command line.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Largest body held in memory; `None`: no limit.
    pub max_in_memory: Option<u64>,
    /// Longest wait for the next piece of a body.
    pub read_timeout: Duration,
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
    mut body: Incoming,
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
    body: &mut Incoming,
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
