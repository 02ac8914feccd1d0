//! What the options of `FastAPI()`, `APIRouter()`, `include_router()` and
//! the route decorators mean to turbo, shared by the modules that read
//! them (`app.rs`, `routers.rs`, `routes.rs`).

use crate::parse::py;
use crate::project::names::Names;

/// Options of `APIRouter()` and `include_router()` that only shape the
/// OpenAPI schema.
pub(super) const DOC_ONLY_ROUTER_OPTIONS: &[&str] = &[
    "tags",
    "responses",
    "callbacks",
    "deprecated",
    "include_in_schema",
    "generate_unique_id_function",
];

/// FastAPI's assertions on a prefix, run when the module is imported.
pub(super) fn prefix_problem(prefix: &str) -> Option<&'static str> {
    if prefix.is_empty() {
        None
    } else if !prefix.starts_with('/') {
        Some("A path prefix must start with '/'")
    } else if prefix.ends_with('/') {
        Some("A path prefix must not end with '/', as the routes will start with '/'")
    } else {
        None
    }
}

/// Starlette's response classes, which turbo's package provides.
const STARLETTE_RESPONSES: &[&str] = &[
    "Response",
    "JSONResponse",
    "HTMLResponse",
    "PlainTextResponse",
    "RedirectResponse",
    "StreamingResponse",
    "FileResponse",
];

/// The response classes turbo's package provides, by qualified name:
/// Starlette's, and FastAPI's own additions.
pub(super) fn is_response_class(qualified: &str) -> bool {
    let Some((module, name)) = qualified.rsplit_once('.') else {
        return false;
    };
    match module {
        "fastapi" | "turboapi" => name == "Response",
        "fastapi.responses" | "turboapi.responses" => {
            STARLETTE_RESPONSES.contains(&name) || matches!(name, "ORJSONResponse" | "EventSourceResponse")
        }
        "fastapi.sse" | "turboapi.sse" => name == "EventSourceResponse",
        "starlette.responses" => STARLETTE_RESPONSES.contains(&name),
        _ => false,
    }
}

/// A `default_response_class=` value naming one of the response classes
/// turbo's package provides, qualified.
pub(super) fn response_class(names: &Names, module: &str, value: &py::Expr) -> Option<String> {
    names
        .resolve(module, value)
        .filter(|class| is_response_class(class))
}
