//! Every Python object the runtime calls by name, declared once.
//!
//! Each entry is fetched (imported) once at start-up, after the embedded
//! `turboapi` package is installed, so a missing name stops the server
//! before it serves; the test below fetches them all from the package as
//! it is embedded, so a rename on the Python side fails `cargo test`.
//! Objects of the app itself (handlers, dependables, the plans built for
//! its routes) are in `calls.rs`.

use std::sync::OnceLock;

use pyo3::prelude::*;

macro_rules! entry_points {
    ($( $(#[doc = $doc:literal])* $field:ident = $module:literal . $attribute:literal, )*) => {
        /// The Python objects the runtime calls, fetched once at start-up.
        pub struct EntryPoints {
            $( $(#[doc = $doc])* pub $field: Py<PyAny>, )*
        }

        /// Every entry point as (module, attribute), in declaration order.
        #[cfg(test)]
        pub const DECLARED: &[(&str, &str)] = &[$( ($module, $attribute), )*];

        impl EntryPoints {
            fn fetch(py: Python<'_>) -> PyResult<Self> {
                Ok(EntryPoints {
                    $( $field: py.import($module)?.getattr($attribute)?.unbind(), )*
                })
            }
        }
    };
}

entry_points! {
    /// `read(body, content_type)`: the body decoded as FastAPI decodes it.
    read_body = "turboapi._body"."read",
    /// `build_form(charset, items)`: Starlette's `FormData` of a parsed form.
    build_form = "turboapi._forms"."build_form",
    /// The body plan of one route: its parts, one per callable.
    route_body = "turboapi._plans"."RouteBody",
    /// A scalar parameter pydantic validates from its text.
    param_field = "turboapi._plans"."ParamField",
    /// A parameter model read from the query string, headers or cookies.
    param_model = "turboapi._plans"."ParamModel",
    /// Response model, response class and injected `Response` of a handler.
    response_plan = "turboapi._plans"."ResponsePlan",
    /// The app's `@app.exception_handler` registrations, looked up as Starlette does.
    exception_handlers = "turboapi._plans"."ExceptionHandlers",
    /// `make_request(...)`: the Starlette `Request` object.
    make_request = "turboapi._plans"."make_request",
    /// The `Response` FastAPI injects into a handler that asks for one.
    sub_response = "turboapi._plans"."sub_response",
    /// Returned instances are sent as they are.
    /// The request scope a stream closes once it is sent.
    request_scope = "turboapi._dependencies"."RequestScope",
    /// What an SSE stream raises to end cleanly with an error to log.
    deferred_stream_error = "turboapi._streams"."DeferredStreamError",
    response_class = "turboapi.responses"."Response",
    security_scopes = "turboapi._security_scopes"."SecurityScopes",
    /// What routing and form errors raise, and the base of FastAPI's.
    http_exception = "turboapi._starlette_exceptions"."HTTPException",
    request_validation_error = "turboapi.exceptions"."RequestValidationError",
    fastapi_error = "turboapi.exceptions"."FastAPIError",
    /// The slow path of the JSON encoder.
    jsonable_encoder = "turboapi.encoders"."jsonable_encoder",
    /// The dependables a registered endpoint calls, in FastAPI's order.
    dependency_steps = "turboapi._dependencies"."steps",
    /// (module, name, kind) of a dependable, to check it against the build.
    describe_dependable = "turboapi._dependencies"."describe",
    /// What the server calls for a dependable (generators wrapped as FastAPI wraps them).
    callable_for = "turboapi._dependencies"."callable_for",
    /// The synchronous entry of a security scheme's `__call__`.
    direct_call = "turboapi._dependencies"."direct_call",
    override_parameters = "turboapi._dependencies"."override_parameters",
    describe_parameters = "turboapi._dependencies"."describe_parameters",
    dependable_kind = "turboapi._dependencies"."kind",
    /// Creates the I/O thread's event loop.
    install_event_loop = "turboapi._event_loop"."install",
    /// `use_thread_pool(submit)`: `def` background tasks go to the workers.
    use_thread_pool = "turboapi._event_loop"."use_thread_pool",
    /// Runs a coroutine as a task of the loop, from any thread.
    schedule_coroutine = "turboapi._event_loop"."schedule",
    /// `stream_chunks(response)`: a streaming response's chunks, as bytes.
    stream_chunks = "turboapi.responses"."stream_chunks",
    /// `BackgroundTasks()`, for a callable that declares one.
    background_tasks = "turboapi.background"."BackgroundTasks",
    /// `stack(app, dispatch)`: the app's middleware, as (kind,
    /// options), Python runs as ("python", ASGI app).
    middleware_stack = "turboapi._middleware"."stack",
    /// `Exchange(app, scope, body)`: a Python middleware's messages.
    asgi_exchange = "turboapi._asgi"."Exchange",
    /// `scope_of(...)`: uvicorn's scope of an HTTP request or a WebSocket handshake.
    asgi_scope = "turboapi._asgi"."scope_of",
    /// uvicorn's `ClientDisconnected`: a send after the client went away.
    client_disconnected = "turboapi._asgi"."ClientDisconnected",
    /// Starlette's `WebSocketException`: closes the WebSocket.
    websocket_exception = "turboapi._starlette_exceptions"."WebSocketException",
    /// `Session(scope, outgoing)`: one WebSocket connection's ASGI side.
    websocket_session = "turboapi._websockets"."Session",
    /// `Lifespan(app, loop)`: the app's lifespan, run in one task.
    lifespan = "turboapi._lifespan"."Lifespan",
    json_loads = "json"."loads",
    uuid = "uuid"."UUID",
    current_thread = "threading"."current_thread",
    /// Prints an exception without exiting on `SystemExit` (`PyErr_Print` would).
    print_exception = "traceback"."print_exception",
}

static ENTRY_POINTS: OnceLock<EntryPoints> = OnceLock::new();

/// Imports every entry point; the embedded package must be installed.
pub fn fetch(py: Python<'_>) -> PyResult<()> {
    let fetched = EntryPoints::fetch(py)?;
    let _ = ENTRY_POINTS.set(fetched);
    Ok(())
}

/// The entry points, if [`fetch`] has run.
pub fn try_entry_points() -> Option<&'static EntryPoints> {
    ENTRY_POINTS.get()
}

/// The entry points; only after [`fetch`] (the server starts serving after it).
pub fn entry_points() -> &'static EntryPoints {
    ENTRY_POINTS
        .get()
        .expect("the entry points are fetched before the server starts")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The names Rust calls exist in the package as it is embedded.
    #[test]
    fn every_entry_point_exists_in_the_embedded_package() {
        Python::initialize();
        Python::attach(|py| {
            crate::python::startup::install_package(py).unwrap();
            for (module, attribute) in DECLARED {
                let found = py.import(*module).and_then(|module| module.getattr(*attribute));
                assert!(found.is_ok(), "{module}.{attribute}: {:?}", found.err());
            }
            assert!(EntryPoints::fetch(py).is_ok());
        });
    }
}
