//! The facts turbo's compiler (turbo-codegen) and the runtime it emits
//! code for (turbo-runtime) must agree on, defined once and depended on by
//! both: nothing here is copied.
//!
//! No dependencies, so the compiler does not pull in the server's.

pub mod template;
pub mod trie;

/// Version of `turbo_runtime::__private`, the contract with generated
/// code. The emitter writes it into every generated crate and the runtime
/// asserts it at compile time; it changes with every incompatible change.
pub const API_VERSION: u32 = 19;

/// The route decorators of `FastAPI` and `APIRouter`, with the method each
/// implies. `python/turboapi/routing.py` defines one method per entry; a
/// test in turbo-codegen reads that file and checks they agree.
pub const ROUTE_DECORATORS: &[(&str, &str)] = &[
    ("get", "GET"),
    ("post", "POST"),
    ("put", "PUT"),
    ("patch", "PATCH"),
    ("delete", "DELETE"),
    ("head", "HEAD"),
    ("options", "OPTIONS"),
    ("trace", "TRACE"),
];

/// The method a WebSocket route is listed under, by the compiler, in the
/// route table and at start-up; the server's router never matches an HTTP
/// request to such a route, whatever its method.
pub const WEBSOCKET: &str = "WEBSOCKET";

/// The Starlette modules a turbo server provides: `starlette.<name>` is
/// the `turboapi` module beside it (the compiler accepts imports from
/// them; the runtime installs them under those names). Only
/// `starlette.exceptions` differs from FastAPI's module: its
/// `HTTPException` is the base class of FastAPI's.
pub const STARLETTE_MODULES: &[(&str, &str)] = &[
    ("background", "turboapi.background"),
    ("datastructures", "turboapi.datastructures"),
    ("exceptions", "turboapi._starlette_exceptions"),
    ("middleware", "turboapi.middleware"),
    ("middleware.base", "turboapi.middleware.base"),
    ("middleware.cors", "turboapi.middleware.cors"),
    ("middleware.gzip", "turboapi.middleware.gzip"),
    ("middleware.httpsredirect", "turboapi.middleware.httpsredirect"),
    ("middleware.trustedhost", "turboapi.middleware.trustedhost"),
    ("requests", "turboapi.requests"),
    ("responses", "turboapi.responses"),
    ("staticfiles", "turboapi.staticfiles"),
    ("status", "turboapi.status"),
    ("types", "turboapi._starlette_types"),
    ("websockets", "turboapi.websockets"),
];

/// The `turboapi` package: (module, is package, source). The runtime
/// embeds it in every server; the compiler reads the signatures of the
/// dependables it provides (`turboapi.security`) from the same source.
pub const PYTHON_PACKAGE: &[(&str, bool, &str)] = &[
    (
        "turboapi.security",
        true,
        include_str!("../../python/turboapi/security/__init__.py"),
    ),
    (
        "turboapi.security.base",
        false,
        include_str!("../../python/turboapi/security/base.py"),
    ),
    (
        "turboapi.security.utils",
        false,
        include_str!("../../python/turboapi/security/utils.py"),
    ),
    (
        "turboapi.security.api_key",
        false,
        include_str!("../../python/turboapi/security/api_key.py"),
    ),
    (
        "turboapi.security.http",
        false,
        include_str!("../../python/turboapi/security/http.py"),
    ),
    (
        "turboapi.security.oauth2",
        false,
        include_str!("../../python/turboapi/security/oauth2.py"),
    ),
    (
        "turboapi.security.open_id_connect_url",
        false,
        include_str!("../../python/turboapi/security/open_id_connect_url.py"),
    ),
    (
        "turboapi",
        true,
        include_str!("../../python/turboapi/__init__.py"),
    ),
    (
        "turboapi._dependencies",
        false,
        include_str!("../../python/turboapi/_dependencies.py"),
    ),
    (
        "turboapi._security_scopes",
        false,
        include_str!("../../python/turboapi/_security_scopes.py"),
    ),
    (
        "turboapi._body",
        false,
        include_str!("../../python/turboapi/_body.py"),
    ),
    (
        "turboapi._event_loop",
        false,
        include_str!("../../python/turboapi/_event_loop.py"),
    ),
    (
        "turboapi._lifespan",
        false,
        include_str!("../../python/turboapi/_lifespan.py"),
    ),
    (
        "turboapi.background",
        false,
        include_str!("../../python/turboapi/background.py"),
    ),
    (
        "turboapi.middleware",
        true,
        include_str!("../../python/turboapi/middleware/__init__.py"),
    ),
    (
        "turboapi.middleware.cors",
        false,
        include_str!("../../python/turboapi/middleware/cors.py"),
    ),
    (
        "turboapi.middleware.gzip",
        false,
        include_str!("../../python/turboapi/middleware/gzip.py"),
    ),
    (
        "turboapi.middleware.trustedhost",
        false,
        include_str!("../../python/turboapi/middleware/trustedhost.py"),
    ),
    (
        "turboapi.middleware.httpsredirect",
        false,
        include_str!("../../python/turboapi/middleware/httpsredirect.py"),
    ),
    (
        "turboapi._middleware",
        false,
        include_str!("../../python/turboapi/_middleware.py"),
    ),
    (
        "turboapi._forms",
        false,
        include_str!("../../python/turboapi/_forms.py"),
    ),
    (
        "turboapi._plans",
        false,
        include_str!("../../python/turboapi/_plans.py"),
    ),
    (
        "turboapi._starlette_exceptions",
        false,
        include_str!("../../python/turboapi/_starlette_exceptions.py"),
    ),
    (
        "turboapi.datastructures",
        false,
        include_str!("../../python/turboapi/datastructures.py"),
    ),
    (
        "turboapi.routing",
        false,
        include_str!("../../python/turboapi/routing.py"),
    ),
    (
        "turboapi.requests",
        false,
        include_str!("../../python/turboapi/requests.py"),
    ),
    (
        "turboapi.responses",
        false,
        include_str!("../../python/turboapi/responses.py"),
    ),
    (
        "turboapi.staticfiles",
        false,
        include_str!("../../python/turboapi/staticfiles.py"),
    ),
    (
        "turboapi._asgi",
        false,
        include_str!("../../python/turboapi/_asgi.py"),
    ),
    (
        "turboapi.middleware.base",
        false,
        include_str!("../../python/turboapi/middleware/base.py"),
    ),
    (
        "turboapi._starlette_types",
        false,
        include_str!("../../python/turboapi/_starlette_types.py"),
    ),
    (
        "turboapi.websockets",
        false,
        include_str!("../../python/turboapi/websockets.py"),
    ),
    (
        "turboapi._websockets",
        false,
        include_str!("../../python/turboapi/_websockets.py"),
    ),
    (
        "turboapi.sse",
        false,
        include_str!("../../python/turboapi/sse.py"),
    ),
    (
        "turboapi.openapi",
        true,
        include_str!("../../python/turboapi/openapi/__init__.py"),
    ),
    (
        "turboapi.openapi.constants",
        false,
        include_str!("../../python/turboapi/openapi/constants.py"),
    ),
    (
        "turboapi.openapi.models",
        false,
        include_str!("../../python/turboapi/openapi/models.py"),
    ),
    (
        "turboapi.openapi.docs",
        false,
        include_str!("../../python/turboapi/openapi/docs.py"),
    ),
    (
        "turboapi.openapi._assets",
        false,
        include_str!("../../python/turboapi/openapi/_assets.py"),
    ),
    (
        "turboapi.openapi._params",
        false,
        include_str!("../../python/turboapi/openapi/_params.py"),
    ),
    (
        "turboapi.openapi._fields",
        false,
        include_str!("../../python/turboapi/openapi/_fields.py"),
    ),
    (
        "turboapi.openapi._dependant",
        false,
        include_str!("../../python/turboapi/openapi/_dependant.py"),
    ),
    (
        "turboapi.openapi._routes",
        false,
        include_str!("../../python/turboapi/openapi/_routes.py"),
    ),
    (
        "turboapi.openapi.utils",
        false,
        include_str!("../../python/turboapi/openapi/utils.py"),
    ),
    (
        "turboapi._streams",
        false,
        include_str!("../../python/turboapi/_streams.py"),
    ),
    (
        "turboapi.applications",
        false,
        include_str!("../../python/turboapi/applications.py"),
    ),
    (
        "turboapi.encoders",
        false,
        include_str!("../../python/turboapi/encoders.py"),
    ),
    (
        "turboapi.params",
        false,
        include_str!("../../python/turboapi/params.py"),
    ),
    (
        "turboapi.status",
        false,
        include_str!("../../python/turboapi/status.py"),
    ),
    (
        "turboapi.exceptions",
        false,
        include_str!("../../python/turboapi/exceptions.py"),
    ),
];

/// FNV-1a, 64 bit: a stable hash of each module's source, embedded by the
/// compiler and recomputed by the server at start-up to warn about stale
/// binaries.
pub const fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf29ce484222325;
    let mut i = 0;
    while i < bytes.len() {
        hash ^= bytes[i] as u64;
        hash = hash.wrapping_mul(0x100000001b3);
        i += 1;
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_matches_the_published_vectors() {
        assert_eq!(fnv1a(b""), 0xcbf29ce484222325);
        assert_eq!(fnv1a(b"a"), 0xaf63dc4c8601ec8c);
        assert_eq!(fnv1a(b"foobar"), 0x85944171f73967e8);
    }
}
