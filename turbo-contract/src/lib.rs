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
pub const API_VERSION: u32 = 15;

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

/// The Starlette modules a turbo server provides: `starlette.<name>` is
/// the `turboapi` module beside it (the compiler accepts imports from
/// them; the runtime installs them under those names). Only
/// `starlette.exceptions` differs from FastAPI's module: its
/// `HTTPException` is the base class of FastAPI's.
pub const STARLETTE_MODULES: &[(&str, &str)] = &[
    ("datastructures", "turboapi.datastructures"),
    ("exceptions", "turboapi._starlette_exceptions"),
    ("requests", "turboapi.requests"),
    ("responses", "turboapi.responses"),
    ("status", "turboapi.status"),
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
