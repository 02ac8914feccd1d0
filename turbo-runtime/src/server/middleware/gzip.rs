//! `GZipMiddleware`, served natively with Starlette 1.10's answers
//! (`starlette/middleware/gzip.py`) for whole-body responses.
//!
//! The bytes are Starlette's too: both compress with the system's zlib at
//! the same level through its own gzip wrapper (`deflateInit2` with
//! window bits 31: no timestamp, the same header), so the compressed body
//! and its `content-length` are equal. A body of `thread_minimum_size` or
//! more is compressed off the I/O thread, as Starlette moves it to a
//! worker thread.

use bytes::Bytes;
use flate2::{Compress, Compression, FlushCompress, Status};
use hyper::header::{HeaderMap, HeaderValue, CONTENT_ENCODING, CONTENT_LENGTH, CONTENT_TYPE};
use hyper::http::response::Parts;
use hyper::StatusCode;
use pyo3::prelude::*;
use tokio::sync::mpsc;

use crate::extraction::request_text::latin1;
use crate::response::body::{Body, Chunk, Piece, Stream};
use crate::response::Response;

pub struct GZip {
    minimum_size: usize,
    /// zlib's level; -1 is its default.
    level: i32,
    thread_minimum_size: usize,
    /// Lower-case media types, `type/*` patterns included.
    excluded: Vec<String>,
}

impl GZip {
    /// From `GZipMiddleware.native_options()`.
    pub fn from_python(options: &Bound<'_, PyAny>) -> PyResult<Self> {
        let (minimum_size, level, thread_minimum_size, excluded): (usize, i32, usize, Vec<String>) =
            options.extract()?;
        Ok(GZip {
            minimum_size,
            level,
            thread_minimum_size,
            excluded,
        })
    }

    /// Starlette's responder: compressed when the client accepts gzip
    /// (`"gzip" in Accept-Encoding`, a substring test as Starlette's), the
    /// body is at least `minimum_size`, and the response is not already
    /// encoded, partial (206) or of an excluded type. A body that size or
    /// more gets `Vary: Accept-Encoding` either way. A stream's head waits
    /// for its first body message, as Starlette holds it.
    pub async fn respond(&self, accept_encoding: Option<&HeaderValue>, response: Response) -> Response {
        let headers = response.headers();
        if headers.contains_key(CONTENT_ENCODING)
            || response.status() == StatusCode::PARTIAL_CONTENT
            || self.is_excluded(headers.get(CONTENT_TYPE))
        {
            return response;
        }
        let accepts = accept_encoding.is_some_and(|value| latin1(value.as_bytes()).contains("gzip"));
        let (mut parts, body) = response.into_parts();
        let body = match body {
            Body::Whole(body) => body.unwrap_or_default(),
            Body::Stream(stream) => return self.respond_streamed(accepts, parts, stream).await,
        };
        let compressed = self.single_message(accepts, &mut parts.headers, &body).await;
        Response::from_parts(parts, compressed.unwrap_or_else(|| Body::whole(body)))
    }

    /// Starlette's answer for a body sent in one message (`more_body`
    /// false): unchanged below `minimum_size`; else `Vary` added and, if the
    /// client accepts gzip, compressed whole (off the I/O thread from
    /// `thread_minimum_size`) with its `content-length`. `None`: the body
    /// goes as it is (also if zlib failed, out of memory).
    async fn single_message(&self, accepts: bool, headers: &mut HeaderMap, body: &Bytes) -> Option<Body> {
        if body.len() < self.minimum_size {
            return None;
        }
        super::add_vary(headers, "Accept-Encoding");
        if !accepts {
            return None;
        }
        let level = self.level;
        let compressed = if body.len() >= self.thread_minimum_size {
            let source = body.clone();
            match tokio::task::spawn_blocking(move || gzip(&source, level)).await {
                Ok(compressed) => compressed,
                Err(_) => gzip(body, level),
            }
        } else {
            gzip(body, level)
        }?;
        headers.insert(CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        headers.insert(CONTENT_LENGTH, HeaderValue::from(compressed.len()));
        Some(Body::whole(compressed))
    }

    /// A stream, as Starlette's responder sees its body messages: a first
    /// message that is also the last is a whole body (the `minimum_size`
    /// test, `content-length`); otherwise each message is compressed and
    /// flushed, the last one finished, and `content-length` removed.
    async fn respond_streamed(&self, accepts: bool, mut parts: Parts, mut stream: Box<Stream>) -> Response {
        let first = match stream.next().await {
            Some(Ok(first)) => first,
            // Failed before its first message: the head was not sent yet,
            // so Starlette's server-error handling answers 500.
            Some(Err(_)) | None => return crate::response::internal_error(),
        };
        if first.last {
            // Unchanged, it stays a stream (chunked, as uvicorn sends it).
            return match self
                .single_message(accepts, &mut parts.headers, &first.data)
                .await
            {
                Some(compressed) => Response::from_parts(parts, compressed),
                None => {
                    stream.put_back(Ok(first));
                    Response::from_parts(parts, Body::Stream(stream))
                }
            };
        }
        super::add_vary(&mut parts.headers, "Accept-Encoding");
        if !accepts {
            stream.put_back(Ok(first));
            return Response::from_parts(parts, Body::Stream(stream));
        }
        parts
            .headers
            .insert(CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        remove_in_order(&mut parts.headers, &CONTENT_LENGTH);
        let (sender, receiver) = mpsc::channel(1);
        tokio::task::spawn_local(compress_stream(
            self.level,
            self.thread_minimum_size,
            first,
            stream,
            sender,
        ));
        Response::from_parts(parts, Body::from_chunks(receiver))
    }

    /// Starlette's test: the media type, or its `type/*`, is excluded
    /// (`application/grpc+proto` counts as `application/grpc`).
    fn is_excluded(&self, content_type: Option<&HeaderValue>) -> bool {
        let text = content_type
            .map(|value| latin1(value.as_bytes()))
            .unwrap_or_default();
        let media_type = text.split(';').next().unwrap_or("").trim().to_lowercase();
        let family = format!("{}/*", media_type.split('/').next().unwrap_or(""));
        let grpc = media_type.starts_with("application/grpc+");
        self.excluded.iter().any(|excluded| {
            *excluded == media_type || *excluded == family || (grpc && excluded == "application/grpc")
        })
    }
}

/// `del headers[name]`, the others keeping their order (`HeaderMap::remove`
/// moves the last header into the removed one's place).
fn remove_in_order(headers: &mut hyper::HeaderMap, name: &hyper::header::HeaderName) {
    if !headers.contains_key(name) {
        return;
    }
    let mut kept = hyper::HeaderMap::with_capacity(headers.len());
    let mut current = None;
    for (key, value) in std::mem::take(headers) {
        if let Some(key) = key {
            current = Some(key);
        }
        if let Some(key) = &current {
            if key != name {
                kept.append(key.clone(), value);
            }
        }
    }
    *headers = kept;
}

/// `zlib.compressobj(level, DEFLATED, 16 + MAX_WBITS)`.
fn compressor(level: i32) -> Compress {
    let level = u32::try_from(level).map_or(Compression::default(), Compression::new);
    Compress::new_gzip(level, 15)
}

/// `compressor.compress(body) + compressor.flush(mode)`: the input
/// without flushing, then the flush, as two zlib calls like Python's.
fn deflate(compressor: &mut Compress, body: &[u8], flush: FlushCompress) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(body.len() + body.len() / 1000 + 64);
    let start = compressor.total_in();
    // At least one call, even for an empty chunk, as Python makes it: it
    // resets zlib's last flush, so the flush below is not a "duplicate"
    // and writes its empty block (Starlette's stream has one per chunk).
    loop {
        let consumed = usize::try_from(compressor.total_in() - start).ok()?;
        compressor
            .compress_vec(&body[consumed..], &mut out, FlushCompress::None)
            .ok()?;
        if usize::try_from(compressor.total_in() - start).ok()? == body.len() {
            break;
        }
        if out.len() == out.capacity() {
            out.reserve(out.capacity().max(64));
        }
    }
    loop {
        let before = out.len();
        let status = compressor.compress_vec(&[], &mut out, flush).ok()?;
        let done = match flush {
            FlushCompress::Finish => status == Status::StreamEnd,
            // Flushed when zlib left room in the buffer.
            _ => out.len() < out.capacity(),
        };
        if done {
            return Some(out);
        }
        if out.len() == before || out.len() == out.capacity() {
            out.reserve(out.capacity().max(64));
        }
    }
}

/// A whole body's gzip stream: `compress(body) + flush()`.
fn gzip(body: &[u8], level: i32) -> Option<Vec<u8>> {
    deflate(&mut compressor(level), body, FlushCompress::Finish)
}

/// Compresses a stream's messages as they come: each `compress + flush
/// (Z_SYNC_FLUSH)`, the last `compress + flush()`; a message of
/// `thread_minimum_size` or more off the I/O thread. Stops when the client
/// went away (the body was dropped), which drops the source and so stops
/// its producer.
async fn compress_stream(
    level: i32,
    thread_minimum_size: usize,
    first: Piece,
    mut source: Box<Stream>,
    sender: mpsc::Sender<Chunk>,
) {
    let mut compressor = compressor(level);
    let mut next = Some(Ok(first));
    loop {
        let piece = match next {
            Some(Ok(piece)) => piece,
            Some(Err(err)) => {
                let _ = sender.send(Err(err)).await;
                return;
            }
            // The source stopped without its last message (it failed).
            None => return,
        };
        let (input, last) = (piece.data, piece.last);
        let flush = if last {
            FlushCompress::Finish
        } else {
            FlushCompress::Sync
        };
        let compressed = if input.len() >= thread_minimum_size {
            match tokio::task::spawn_blocking(move || {
                let out = deflate(&mut compressor, &input, flush);
                (compressor, out)
            })
            .await
            {
                Ok((back, out)) => {
                    compressor = back;
                    out
                }
                Err(_) => return,
            }
        } else {
            deflate(&mut compressor, &input, flush)
        };
        let Some(compressed) = compressed else {
            let _ = sender.send(Err(std::io::Error::other("zlib failed"))).await;
            return;
        };
        let piece = Piece {
            data: Bytes::from(compressed),
            last,
        };
        if sender.send(Ok(piece)).await.is_err() || last {
            return;
        }
        next = source.next().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stream_is_zlibs_gzip_without_a_timestamp() {
        let body = b"hello hello hello hello hello".repeat(40);
        let compressed = gzip(&body, 9).unwrap();
        // Magic, deflate, no flags, mtime 0, "best" (level 9), Unix.
        assert_eq!(&compressed[..10], &[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 3]);
        let mut decoder = flate2::read::GzDecoder::new(&compressed[..]);
        let mut out = Vec::new();
        std::io::Read::read_to_end(&mut decoder, &mut out).unwrap();
        assert_eq!(out, body);
    }

    #[test]
    fn excluded_types_match_as_starlette_matches_them() {
        let gzip = GZip {
            minimum_size: 500,
            level: 9,
            thread_minimum_size: 1 << 17,
            excluded: vec!["image/png".into(), "video/*".into(), "application/grpc".into()],
        };
        let excluded = |value: &'static str| gzip.is_excluded(Some(&HeaderValue::from_static(value)));
        assert!(excluded("image/PNG; q=1"));
        assert!(excluded("video/mp4"));
        assert!(excluded("application/grpc+proto"));
        assert!(!excluded("application/json"));
        assert!(!gzip.is_excluded(None));
    }
}
