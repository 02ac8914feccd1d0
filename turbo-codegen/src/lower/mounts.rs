//! `app.mount(path, app, name=...)`: Starlette's `Mount`, a route that
//! matches `path` and everything below it (`{path}/{rest:path}`) for every
//! method, tried in declaration order with the other routes.
//!
//! The route's endpoint is turbo's: for `StaticFiles`, the mounted
//! instance's `_turbo_serve(request, path)` (turbo's port of Starlette's
//! `StaticFiles`, `python/turboapi/staticfiles.py`), whose `FileResponse`
//! the server sends from Rust and whose `HTTPException`s reach the app's
//! exception handlers as they do under Starlette; for any other ASGI app,
//! `turboapi._asgi.Mounted._turbo_serve`, which calls it with Starlette's
//! child scope and sends what it answers. A FastAPI application of the
//! project mounted on the app is compiled in place (`routers.rs`): its
//! routes under the mount path, then its boundary, a route that answers
//! what they do not match with the application's own 404 or 405.

use super::entries::{Entry, Item};
use super::Lowerer;
use crate::diagnostics::{Code, Diagnostic};
use crate::ir::{Handler, Literal, Param, ParamType, PathTemplate, Route, Source};
use crate::parse::py;

/// The endpoints the server calls for a mount, as the server registers
/// them (methods of the mounted `StaticFiles`, or of the `Mounted` that
/// wraps another ASGI app): module, qualified name, `async def`.
const STATIC_FILES_ENDPOINT: (&str, &str, bool) = ("turboapi.staticfiles", "StaticFiles._turbo_serve", false);
const ASGI_ENDPOINT: (&str, &str, bool) = ("turboapi._asgi", "Mounted._turbo_serve", true);
/// The endpoint of a mounted FastAPI application's boundary (never called).
const BOUNDARY_ENDPOINT: (&str, &str, bool) = ("turboapi.routing", "_mount_boundary", false);

/// What a mount mounts.
enum Mounted {
    /// Served by this endpoint: (module, qualified name, `async def`).
    Endpoint(&'static str, &'static str, bool),
    /// A FastAPI application of the project (its object index): its routes
    /// in place, then its boundary.
    Application(usize),
}

/// The captured rest of the path: Starlette's `Mount` compiles
/// `path + "/{path:path}"`.
const REST: &str = "path";

/// Every method a mount answers, for the analyses (shadowing, the lock);
/// the server matches any method.
const METHODS: &[&str] = &[
    "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH",
];

/// `StaticFiles(...)`'s keyword-only options, all read at start-up.
const STATIC_FILES_OPTIONS: &[&str] = &["directory", "packages", "html", "check_dir", "follow_symlink"];

impl Lowerer<'_> {
    pub(super) fn mount(&mut self, object: usize, call: &py::ExprCall, expr: &py::Expr) {
        let span = self.span(expr);
        let router = &self.shared.objects.list[object];
        if router.kind == super::app::ObjectKind::Router {
            self.diags.push(
                Diagnostic::new(
                    Code::UnsupportedAppFeature,
                    span,
                    "a mount on an `APIRouter` is not supported by turbo yet",
                )
                .label("FastAPI 0.165 serves it under the inclusion's prefix (not the router's own); turbo does not follow that yet")
                .help("mount it on the app: `app.mount(...)`"),
            );
            return;
        }
        let argument = |position: usize, name: &str| {
            call.arguments.args.get(position).or_else(|| {
                call.arguments
                    .keywords
                    .iter()
                    .find(|k| k.arg.as_ref().is_some_and(|a| a.as_str() == name))
                    .map(|k| &k.value)
            })
        };
        let (Some(path_expr), Some(app_expr)) = (argument(0, "path"), argument(1, "app")) else {
            self.diags.push(
                Diagnostic::new(Code::DynamicRoute, span, "`mount` without a path and an app")
                    .label("Starlette's `mount(path, app, name=None)`")
                    .help(
                        "write `app.mount(\"/static\", StaticFiles(directory=\"static\"), name=\"static\")`",
                    ),
            );
            return;
        };
        let mounted = self.mounted(app_expr);
        let path = self.mount_path(path_expr);
        let (Some(mounted), Some(path)) = (mounted, path) else {
            return;
        };
        let (module, name, is_async) = match mounted {
            Mounted::Endpoint(module, name, is_async) => (module, name, is_async),
            Mounted::Application(_) => BOUNDARY_ENDPOINT,
        };
        let rest_span = self.span(path_expr);
        let handler = Handler {
            module: module.to_owned(),
            name: name.to_owned(),
            is_async,
            generator: false,
            span: rest_span,
            line: self.file.line_column(rest_span.start as usize).line,
            params: vec![
                // Not written in the app: they point at the mount's path.
                Param::bare("request", rest_span, Source::Request, ParamType::Any),
                Param::bare(REST, rest_span, Source::Path, ParamType::Str),
            ],
            returns: None,
            dependencies: Vec::new(),
            security_scheme: false,
        };
        let route = Route {
            methods: METHODS.iter().map(|m| (*m).to_owned()).collect(),
            path,
            status_code: 200,
            python_response: false,
            handler,
            span,
            conditional: false,
            via: Vec::new(),
            mount: true,
            boundary: matches!(mounted, Mounted::Application(_)),
        };
        let item = match mounted {
            Mounted::Application(app) => Item::Mount {
                app,
                path: route
                    .path
                    .raw
                    .trim_end_matches(&format!("/{{{REST}:path}}"))
                    .to_owned(),
                boundary: Box::new(route),
            },
            Mounted::Endpoint(..) => Item::Route(Box::new(route)),
        };
        let at = self.next_position();
        self.entries.push(Entry {
            object,
            at,
            conditional: self.conditional,
            item,
        });
    }

    /// The mount's path as Starlette compiles it: `path.rstrip("/")`, then
    /// `/{path:path}` for the rest.
    fn mount_path(&mut self, expr: &py::Expr) -> Option<PathTemplate> {
        let literal_span = self.span(expr);
        let Some(Literal::Str(written)) = self.shared.constants.eval(self.module, expr) else {
            self.diags.push(
                Diagnostic::new(
                    Code::DynamicRoute,
                    literal_span,
                    "mount path turbo cannot evaluate",
                )
                .label("turbo cannot evaluate this path without running Python")
                .help("write the path as a string or a module-level constant, e.g. \"/static\""),
            );
            return None;
        };
        if !written.is_empty() && !written.starts_with('/') {
            self.diags.push(
                Diagnostic::new(
                    Code::InvalidPath,
                    literal_span,
                    "a mount path must start with '/'",
                )
                .label("Starlette raises AssertionError (\"Routed paths must start with '/'\") at import")
                .help(format!("write \"/{written}\"")),
            );
            return None;
        }
        if written.contains('{') {
            self.diags.push(
                Diagnostic::new(
                    Code::UnsupportedAppFeature,
                    literal_span,
                    "a mount path with parameters is not supported by turbo yet",
                )
                .label("turbo serves mounts at a fixed path")
                .help("mount at a path without `{...}`, or keep serving this app with uvicorn"),
            );
            return None;
        }
        let raw = format!("{}/{{{REST}:path}}", written.trim_end_matches('/'));
        crate::path_template::parse(&raw, |_, _| literal_span, self.diags).map(|pieces| PathTemplate {
            raw,
            pieces,
            span: literal_span,
        })
    }

    /// What is mounted: `StaticFiles(...)` (from `fastapi.staticfiles` or
    /// `starlette.staticfiles`, with keyword options it takes), a FastAPI
    /// application of the project, or any other ASGI app; a router is
    /// reported.
    fn mounted(&mut self, expr: &py::Expr) -> Option<Mounted> {
        if let Some(index) = self
            .imports
            .resolve(expr)
            .and_then(|q| self.shared.objects.index(&q))
        {
            if matches!(
                self.shared.objects.list[index].kind,
                super::app::ObjectKind::App(_)
            ) {
                return Some(Mounted::Application(index));
            }
            let written = self.file.snippet(self.span(expr)).to_owned();
            self.diags.push(
                Diagnostic::new(
                    Code::UnsupportedAppFeature,
                    self.span(expr),
                    format!("mounting the router `{written}`"),
                )
                .label("Starlette calls a mounted router as an ASGI app, without FastAPI's request handling")
                .help("include it with `app.include_router(...)`"),
            );
            return None;
        }
        let class = match expr {
            py::Expr::Call(call) => self.imports.resolve(&call.func),
            _ => None,
        };
        let is_static_files = class.as_deref().is_some_and(|class| {
            matches!(
                class,
                "fastapi.staticfiles.StaticFiles"
                    | "starlette.staticfiles.StaticFiles"
                    | "turboapi.staticfiles.StaticFiles"
            )
        });
        let (true, py::Expr::Call(call)) = (is_static_files, expr) else {
            // Another ASGI app: called through the ASGI bridge.
            let (module, name, is_async) = ASGI_ENDPOINT;
            return Some(Mounted::Endpoint(module, name, is_async));
        };
        let mut ok = true;
        for arg in &call.arguments.args {
            ok = false;
            self.diags.push(
                Diagnostic::new(
                    Code::UnsupportedAppFeature,
                    self.span(arg),
                    "positional argument to StaticFiles()",
                )
                .label("StaticFiles takes keyword arguments only: Python raises TypeError at import")
                .help("write `StaticFiles(directory=\"static\")`"),
            );
        }
        for keyword in &call.arguments.keywords {
            let name = keyword.arg.as_ref().map(|a| a.as_str());
            if name.is_some_and(|name| STATIC_FILES_OPTIONS.contains(&name)) {
                continue;
            }
            ok = false;
            let written = name.map_or_else(|| "**".to_owned(), |name| format!("{name}="));
            self.diags.push(
                Diagnostic::new(
                    Code::UnsupportedAppFeature,
                    self.span(keyword),
                    format!("StaticFiles() has no option `{written}`"),
                )
                .label("Python raises TypeError at import")
                .help(format!("StaticFiles takes {}", STATIC_FILES_OPTIONS.join(", "))),
            );
        }
        let (module, name, is_async) = STATIC_FILES_ENDPOINT;
        ok.then_some(Mounted::Endpoint(module, name, is_async))
    }
}
