//! `--docs-assets bundled`: the Swagger UI and ReDoc files the
//! documentation pages load, served from the binary itself for networks
//! that cannot reach a CDN (FastAPI always loads them from jsDelivr).
//!
//! The files are vendored in `turbo-runtime/assets/docs/` (versions and
//! licenses in its README). The server answers `GET`/`HEAD` for them under
//! [`PREFIX`] before routing, and tells the pages (`turboapi.openapi._assets`)
//! to load them from there.

use hyper::header::{HeaderValue, CACHE_CONTROL};
use hyper::Method;

use crate::response::{self, Response};

/// Where the files are served: a path no FastAPI app is likely to use.
pub const PREFIX: &str = "/_turbo/docs";

/// Each file: its name under [`PREFIX`], media type and bytes.
const FILES: &[(&str, &str, &[u8])] = &[
    (
        "swagger-ui-bundle.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/docs/swagger-ui-bundle.js"),
    ),
    (
        "swagger-ui.css",
        "text/css; charset=utf-8",
        include_bytes!("../../assets/docs/swagger-ui.css"),
    ),
    (
        "redoc.standalone.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/docs/redoc.standalone.js"),
    ),
    (
        "favicon.png",
        "image/png",
        include_bytes!("../../assets/docs/favicon.png"),
    ),
];

/// The answer for a bundled file, if `path` names one (`None`: the request
/// goes to the app as usual).
pub fn answer(method: &Method, path: &str) -> Option<Response> {
    if method != Method::GET && method != Method::HEAD {
        return None;
    }
    let name = path.strip_prefix(PREFIX)?.strip_prefix('/')?;
    let (_, media_type, bytes) = FILES.iter().find(|(file, _, _)| *file == name)?;
    let mut answer = response::bytes(media_type, bytes.to_vec());
    // The files change only with the binary.
    answer
        .headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static("public, max-age=86400"));
    Some(answer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use hyper::header::CONTENT_TYPE;

    #[test]
    fn serves_each_file_under_the_prefix_only() {
        for (name, media_type, bytes) in FILES {
            let found = answer(&Method::GET, &format!("{PREFIX}/{name}")).expect(name);
            assert_eq!(found.headers()[CONTENT_TYPE], *media_type);
            assert!(bytes.len() > 1000, "{name} is a real file");
        }
        assert!(answer(&Method::HEAD, &format!("{PREFIX}/favicon.png")).is_some());
        assert!(answer(&Method::POST, &format!("{PREFIX}/favicon.png")).is_none());
        assert!(answer(&Method::GET, &format!("{PREFIX}/../Cargo.toml")).is_none());
        assert!(answer(&Method::GET, "/swagger-ui.css").is_none());
        assert!(answer(&Method::GET, &format!("{PREFIX}swagger-ui.css")).is_none());
    }
}
