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
use futures_util::FutureExt;
use http_body_util::{BodyExt, Full};
use hyper::header::{HeaderValue, CONTENT_ENCODING, CONTENT_LENGTH, CONTENT_TYPE};
use hyper::StatusCode;
use pyo3::prelude::*;

use crate::extraction::request_text::latin1;
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
    /// more gets `Vary: Accept-Encoding` either way.
    pub async fn respond(&self, accept_encoding: Option<&HeaderValue>, response: Response) -> Response {
        let headers = response.headers();
        if headers.contains_key(CONTENT_ENCODING)
            || response.status() == StatusCode::PARTIAL_CONTENT
            || self.is_excluded(headers.get(CONTENT_TYPE))
        {
            return response;
        }
        let (mut parts, body) = response.into_parts();
        // A whole body: ready at once.
        let body = match body.collect().now_or_never() {
            Some(Ok(collected)) => collected.to_bytes(),
            Some(Err(never)) => match never {},
            None => Bytes::new(),
        };
        if body.len() < self.minimum_size {
            return Response::from_parts(parts, Full::new(body));
        }
        super::add_vary(&mut parts.headers, "Accept-Encoding");
        let accepts = accept_encoding.is_some_and(|value| latin1(value.as_bytes()).contains("gzip"));
        if !accepts {
            return Response::from_parts(parts, Full::new(body));
        }
        let level = self.level;
        let compressed = if body.len() >= self.thread_minimum_size {
            let source = body.clone();
            match tokio::task::spawn_blocking(move || gzip(&source, level)).await {
                Ok(compressed) => compressed,
                Err(_) => gzip(&body, level),
            }
        } else {
            gzip(&body, level)
        };
        let Some(compressed) = compressed else {
            // zlib failed (out of memory): sent as it is.
            return Response::from_parts(parts, Full::new(body));
        };
        parts
            .headers
            .insert(CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        parts
            .headers
            .insert(CONTENT_LENGTH, HeaderValue::from(compressed.len()));
        Response::from_parts(parts, Full::new(Bytes::from(compressed)))
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

/// `zlib.compressobj(level, DEFLATED, 16 + MAX_WBITS)`, compressed and
/// flushed: zlib's gzip stream of `body`.
fn gzip(body: &[u8], level: i32) -> Option<Vec<u8>> {
    let level = u32::try_from(level).map_or(Compression::default(), Compression::new);
    let mut compressor = Compress::new_gzip(level, 15);
    // zlib's deflateBound for the gzip wrapper, with room to spare.
    let mut out = Vec::with_capacity(body.len() + body.len() / 1000 + 64);
    loop {
        let consumed = usize::try_from(compressor.total_in()).ok()?;
        match compressor.compress_vec(&body[consumed..], &mut out, FlushCompress::Finish) {
            Ok(Status::StreamEnd) => return Some(out),
            Ok(_) => out.reserve(out.capacity().max(64)),
            Err(_) => return None,
        }
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
