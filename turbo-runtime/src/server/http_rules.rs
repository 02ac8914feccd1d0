//! What RFC 9112 requires of a request that hyper lets through; such a
//! request is answered 400 before routing, as uvicorn (h11) and nginx
//! answer it, and the connection is closed.

use hyper::header::{HOST, TRANSFER_ENCODING};
use hyper::http::request::Parts;
use hyper::{Method, Version};

/// Why the request breaks HTTP/1.1's rules, if it does.
pub fn violation(parts: &Parts) -> Option<&'static str> {
    // An HTTP/1.1 request carries exactly one Host (RFC 9112 3.2).
    if parts.version == Version::HTTP_11 && parts.headers.get_all(HOST).iter().count() != 1 {
        return Some("an HTTP/1.1 request needs exactly one Host header");
    }
    // Chunked is applied once, last (RFC 9112 6.1); other codings are not
    // supported by the server, as by uvicorn.
    let codings: Vec<String> = parts
        .headers
        .get_all(TRANSFER_ENCODING)
        .iter()
        .flat_map(|value| value.to_str().unwrap_or("invalid").split(','))
        .map(|coding| coding.trim().to_ascii_lowercase())
        .collect();
    if !codings.is_empty() && codings != ["chunked"] {
        return Some("Transfer-Encoding must be a single chunked");
    }
    // A tunnel (authority-form target) is not something an app serves.
    if parts.method == Method::CONNECT {
        return Some("CONNECT is not served");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(request: hyper::Request<()>) -> Parts {
        request.into_parts().0
    }

    fn get(headers: &[(&str, &str)]) -> Parts {
        let mut builder = hyper::Request::get("/").version(Version::HTTP_11);
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        parts(builder.body(()).unwrap())
    }

    #[test]
    fn host_must_be_given_once_on_http_1_1() {
        assert!(violation(&get(&[("host", "a")])).is_none());
        assert!(violation(&get(&[])).is_some());
        assert!(violation(&get(&[("host", "a"), ("host", "b")])).is_some());
        let http10 = parts(
            hyper::Request::get("/")
                .version(Version::HTTP_10)
                .body(())
                .unwrap(),
        );
        assert!(violation(&http10).is_none());
    }

    #[test]
    fn transfer_encoding_is_one_final_chunked() {
        assert!(violation(&get(&[("host", "a"), ("transfer-encoding", "chunked")])).is_none());
        assert!(violation(&get(&[("host", "a"), ("transfer-encoding", "Chunked")])).is_none());
        for bad in ["chunked, chunked", "gzip, chunked", "chunked, gzip", "gzip"] {
            assert!(
                violation(&get(&[("host", "a"), ("transfer-encoding", bad)])).is_some(),
                "{bad}"
            );
        }
        let twice = get(&[
            ("host", "a"),
            ("transfer-encoding", "chunked"),
            ("transfer-encoding", "chunked"),
        ]);
        assert!(violation(&twice).is_some());
    }

    #[test]
    fn connect_is_refused() {
        let connect = parts(
            hyper::Request::builder()
                .method(Method::CONNECT)
                .uri("example.com:443")
                .header("host", "example.com:443")
                .body(())
                .unwrap(),
        );
        assert!(violation(&connect).is_some());
    }
}
