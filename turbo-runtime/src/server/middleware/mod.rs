//! The app's middleware: `app.user_middleware` as the app declared it
//! (read at start-up through `turboapi._middleware`), outermost first, in
//! Starlette's place: around the router and the exception handlers, inside
//! the server-error handling (an unhandled exception's 500 passes through
//! none of them). CORS, GZip, TrustedHost and HTTPSRedirect are served
//! natively; each run of other middleware is one Python ASGI app, reached
//! through the ASGI bridge (`server/asgi/`).
//!
//! A request goes through the stack from the outside in; a middleware may
//! answer it there (a CORS preflight, or a Python layer, which answers
//! for everything inside it), and then only the ones outside it see the
//! answer. A response goes back from the inside out.

mod cors;
mod gzip;
mod hosts;

use hyper::header::{HeaderMap, HeaderValue, ACCEPT_ENCODING, VARY};
use hyper::http::request::Parts;
use pyo3::prelude::*;

use crate::response::Response;
use cors::Cors;
use gzip::GZip;
pub use hosts::Place;
use hosts::TrustedHost;

/// One middleware of the stack.
enum Middleware {
    Cors(Cors),
    GZip(GZip),
    TrustedHost(TrustedHost),
    HttpsRedirect,
    /// A run of Python middleware around `turboapi._asgi.NativeApp`.
    Python(Py<PyAny>),
}

/// Who answers a request, from some position of the stack inwards.
pub enum Answer<'s> {
    /// The native middleware at this position.
    Native(usize, Response),
    /// The Python layer at this position (the rest is inside it).
    Python(usize, &'s Py<PyAny>),
    /// None of them: the router.
    Inside,
}

/// The app's middleware, outermost first.
#[derive(Default)]
pub struct Stack(Vec<Middleware>);

/// What the response side of the stack needs from the request.
pub struct Seen {
    origin: Option<HeaderValue>,
    accept_encoding: Option<HeaderValue>,
}

impl Stack {
    /// The app's middleware; the server serves no other kind and refuses
    /// to start with one it does not serve. `Err` is for the operator.
    /// The middleware of `app` (the app, or a mounted FastAPI
    /// application); `dispatch` is the server's side of its `NativeApp`s
    /// (`asgi::dispatcher`).
    pub fn from_app(
        py: Python<'_>,
        app: &Bound<'_, PyAny>,
        dispatch: PyResult<Bound<'_, PyAny>>,
    ) -> Result<Stack, String> {
        let built = dispatch.and_then(|dispatch| {
            let declared = crate::python::entry_points::entry_points()
                .middleware_stack
                .bind(py)
                .call1((app, dispatch))?;
            declared
                .try_iter()?
                .map(|entry| {
                    let (kind, options): (String, Bound<'_, PyAny>) = entry?.extract()?;
                    match kind.as_str() {
                        "cors" => Cors::from_python(&options).map(Middleware::Cors),
                        "gzip" => GZip::from_python(&options).map(Middleware::GZip),
                        "trusted_host" => TrustedHost::from_python(&options).map(Middleware::TrustedHost),
                        "https_redirect" => Ok(Middleware::HttpsRedirect),
                        "python" => Ok(Middleware::Python(options.unbind())),
                        _ => Err(pyo3::exceptions::PyTypeError::new_err(format!(
                            "turbo's server has no {kind} middleware"
                        ))),
                    }
                })
                .collect::<PyResult<Vec<Middleware>>>()
        });
        built.map(Stack).map_err(|err| {
            crate::python::calls::print_exception(py, &err);
            "the app's middleware cannot be served (traceback above)".to_owned()
        })
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The request, from position `from` inwards: the first middleware
    /// that answers it, by position.
    pub fn answer(&self, from: usize, parts: &Parts, place: &Place<'_>) -> Answer<'_> {
        for (at, middleware) in self.0.iter().enumerate().skip(from) {
            let answer = match middleware {
                Middleware::Cors(cors) => {
                    Cors::is_preflight(&parts.method, &parts.headers).then(|| cors.preflight(&parts.headers))
                }
                Middleware::TrustedHost(trusted) => trusted.answer(parts, place),
                Middleware::HttpsRedirect => hosts::https_redirect(parts, place),
                Middleware::GZip(_) => None,
                Middleware::Python(app) => return Answer::Python(at, app),
            };
            if let Some(answer) = answer {
                return Answer::Native(at, answer);
            }
        }
        Answer::Inside
    }

    pub fn seen(parts: &Parts) -> Seen {
        Seen {
            origin: parts.headers.get("origin").cloned(),
            accept_encoding: parts.headers.get(ACCEPT_ENCODING).cloned(),
        }
    }

    /// The response, from the inside out, through the middleware from
    /// position `from` to just outside position `outside_of` (the whole
    /// stack for the app's own answer).
    pub async fn respond(
        &self,
        from: usize,
        outside_of: usize,
        seen: &Seen,
        mut response: Response,
    ) -> Response {
        for middleware in self.0[from..outside_of].iter().rev() {
            // An unhandled exception's 500, or a middleware's failure (a
            // stream that raised before its first chunk), is answered
            // outside all of them.
            if crate::response::is_server_error(&response) {
                break;
            }
            match middleware {
                Middleware::Cors(cors) => cors.simple(seen.origin.as_ref(), &mut response),
                Middleware::GZip(gzip) => {
                    response = gzip.respond(seen.accept_encoding.as_ref(), response).await
                }
                Middleware::TrustedHost(_) | Middleware::HttpsRedirect | Middleware::Python(_) => {}
            }
        }
        response
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }
}

/// Starlette's `add_vary_header`: `vary` joined after the values there are.
fn add_vary(headers: &mut HeaderMap, vary: &str) {
    let mut joined: Vec<u8> = Vec::new();
    for value in headers.get_all(VARY) {
        joined.extend_from_slice(value.as_bytes());
        joined.extend_from_slice(b", ");
    }
    joined.extend_from_slice(vary.as_bytes());
    if let Ok(value) = HeaderValue::from_bytes(&joined) {
        headers.insert(VARY, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vary_is_joined_as_starlette_joins_it() {
        let mut headers = HeaderMap::new();
        headers.insert("content-type", HeaderValue::from_static("text/plain"));
        add_vary(&mut headers, "Origin");
        assert_eq!(headers["vary"], "Origin");
        headers.append(VARY, HeaderValue::from_static("Accept"));
        add_vary(&mut headers, "Accept-Encoding");
        assert_eq!(headers["vary"], "Origin, Accept, Accept-Encoding");
        assert_eq!(headers.get_all(VARY).iter().count(), 1);
        // Replaced in place: still after content-type.
        assert_eq!(headers.keys().last().unwrap(), "vary");
    }
}
