//! Routers: `include_router` calls, and the assembly of every route that
//! reaches the app into the one ordered table FastAPI matches against.
//!
//! FastAPI 0.165 keeps an included router as a lazy group and matches it
//! depth-first in place, which is the same as one flat list in include
//! order, built from the routers as they are when the app has been
//! imported (routes added after an `include_router` are served too). The
//! full path is the inclusion prefixes joined outside in, then the path the
//! route was declared with (its own router's `prefix=` already joined).

use super::Lowerer;
use crate::diagnostics::{Code, Diagnostic, Diagnostics};
use crate::ir::{Literal, PathPiece, Route};
use crate::parse::py;
use crate::source::Span;

use super::app::Objects;
use super::entries::{Entry, Item};
use super::options::{prefix_problem, DOC_ONLY_ROUTER_OPTIONS};

/// `include_router()` options that change how the included routes are
/// served, which turbo does not implement yet.
const UNSUPPORTED_INCLUDE_OPTIONS: &[&str] = &["default_response_class", "max_body_size", "form_limits"];

impl Lowerer<'_> {
    /// `parent.include_router(child, prefix=..., ...)`.
    pub(super) fn include_router(&mut self, parent: usize, call: &py::ExprCall, span: Span) {
        let Some(child_expr) = call.arguments.args.first() else {
            self.diags.push(
                Diagnostic::new(Code::DynamicRoute, span, "`include_router` without a router")
                    .label("FastAPI needs the router to include")
                    .help("pass the router: `app.include_router(router)`"),
            );
            return;
        };
        let child = self
            .imports
            .resolve(child_expr)
            .and_then(|qualified| self.shared.objects.index(&qualified))
            .filter(|index| {
                !matches!(
                    self.shared.objects.list[*index].kind,
                    super::app::ObjectKind::App(_)
                )
            });
        let Some(child) = child else {
            self.diags.push(
                Diagnostic::new(
                    Code::DynamicRoute,
                    self.span(child_expr),
                    "included router turbo cannot follow",
                )
                .label("not an `APIRouter()` assigned at module level in the project")
                .help("create the router at module level (`router = APIRouter()`) and include it by name"),
            );
            return;
        };
        let mut prefix = String::new();
        let mut prefix_span = self.span(child_expr);
        let mut response_class = false;
        let mut dependencies = self.object_dependencies(parent);
        let mut ok = true;
        for extra in call.arguments.args.iter().skip(1) {
            self.diags.push(
                Diagnostic::new(
                    Code::UnknownRouteOption,
                    self.span(extra),
                    "unexpected positional argument",
                )
                .label("`include_router` takes the router, then keyword arguments")
                .help("pass options by keyword"),
            );
            ok = false;
        }
        for keyword in &call.arguments.keywords {
            let Some(name) = self.option_name(keyword, "`include_router`") else {
                ok = false;
                continue;
            };
            match name {
                "prefix" => match self.shared.constants.eval(self.module, &keyword.value) {
                    Some(Literal::Str(value)) => {
                        prefix_span = self.span(&keyword.value);
                        if let Some(problem) = prefix_problem(&value) {
                            self.diags.push(
                                Diagnostic::new(Code::InvalidPath, prefix_span, problem)
                                    .label("FastAPI raises AssertionError when the app is imported")
                                    .help("write the prefix as `/name`: a leading `/` and no trailing `/`"),
                            );
                            ok = false;
                        }
                        prefix = value;
                    }
                    _ => {
                        self.diags.push(
                            Diagnostic::new(
                                Code::DynamicRoute,
                                self.span(&keyword.value),
                                "include prefix turbo cannot evaluate",
                            )
                            .label("not a constant turbo can read without running Python")
                            .help("use a string, a module-level constant or a settings field with a default"),
                        );
                        ok = false;
                    }
                },
                _ if DOC_ONLY_ROUTER_OPTIONS.contains(&name) => {}
                "dependencies" => match self.route_dependencies(&keyword.value) {
                    Some(mut found) => dependencies.append(&mut found),
                    None => ok = false,
                },
                // Responses are then built in Python, which reads the
                // effective class from the routers at start-up.
                "default_response_class"
                    if super::options::response_class(self.imports.names, self.module, &keyword.value)
                        .is_some() =>
                {
                    response_class = true;
                }
                _ if UNSUPPORTED_INCLUDE_OPTIONS.contains(&name) => {
                    self.diags.push(
                        Diagnostic::new(
                            Code::UnsupportedRouteOption,
                            self.span(keyword),
                            format!("include_router(`{name}=...`) is not supported by turbo yet"),
                        )
                        .label("this option changes how the included routes are served")
                        .help(format!("remove `{name}=`, or keep serving this app with uvicorn")),
                    );
                    ok = false;
                }
                _ => {
                    self.diags.push(
                        Diagnostic::new(
                            Code::UnknownRouteOption,
                            self.span(keyword),
                            format!("`include_router()` has no keyword argument `{name}`"),
                        )
                        .label("unknown option: FastAPI raises TypeError when the app is imported")
                        .help("check the spelling against FastAPI's `include_router` parameters"),
                    );
                    ok = false;
                }
            }
        }
        if !ok {
            return;
        }
        let at = self.next_position();
        self.entries.push(Entry {
            object: parent,
            at,
            conditional: self.conditional,
            item: Item::Include {
                router: child,
                prefix,
                prefix_span,
                response_class,
                dependencies,
                span,
            },
        });
    }
}

/// The app's routes in FastAPI's matching order, with full paths.
pub(super) fn assemble(
    app: usize,
    objects: &Objects,
    mut entries: Vec<Entry>,
    diags: &mut Diagnostics,
) -> Vec<Route> {
    entries.sort_by_key(|entry| entry.at);
    let mut by_object: Vec<Vec<&Entry>> = vec![Vec::new(); objects.list.len()];
    for entry in &entries {
        by_object[entry.object].push(entry);
    }
    let mut routes = Vec::new();
    let mut stack = vec![app];
    flatten(
        app,
        &Context::default(),
        &by_object,
        objects,
        &mut stack,
        &mut routes,
        diags,
    );
    routes
}

/// What the inclusions above a router add to its routes.
#[derive(Default, Clone)]
struct Context {
    /// Prefix pieces, outermost first: (text, where it is written).
    prefix: Vec<(String, Span)>,
    conditional: bool,
    /// The routers included on the way, outermost first.
    via: Vec<String>,
    /// A router or inclusion above sets `default_response_class`.
    response_class: bool,
    /// The inclusions' dependencies, outermost first: solved before the
    /// route's own.
    dependencies: Vec<crate::ir::Dependency>,
}

fn flatten(
    object: usize,
    context: &Context,
    by_object: &[Vec<&Entry>],
    objects: &Objects,
    stack: &mut Vec<usize>,
    routes: &mut Vec<Route>,
    diags: &mut Diagnostics,
) {
    for entry in &by_object[object] {
        match &entry.item {
            Item::Route(route) => {
                let mut route = route.clone();
                route.conditional = context.conditional || entry.conditional;
                // A router's `default_response_class` makes FastAPI build the
                // response through that class: in Python, as for the app's.
                route.python_response |=
                    context.response_class || objects.list[object].default_response_class.is_some();
                route.via = context.via.clone();
                if !context.dependencies.is_empty() {
                    let own = std::mem::take(&mut route.handler.dependencies);
                    route.handler.dependencies = context.dependencies.iter().cloned().chain(own).collect();
                    route.python_response |= super::routes::injects_response(&route.handler);
                }
                prefix_path(&mut route, &context.prefix);
                if super::routes::bind_path_params(&mut route, diags) {
                    routes.push(*route);
                }
            }
            Item::Include {
                router,
                prefix,
                prefix_span,
                response_class,
                dependencies,
                span,
            } => {
                if stack.contains(router) {
                    diags.push(
                        Diagnostic::new(Code::DynamicRoute, *span, "a router included into itself")
                            .label("FastAPI refuses this when the app is imported")
                            .help("include each router once, from its parent"),
                    );
                    continue;
                }
                let mut inner = context.clone();
                inner.conditional |= entry.conditional;
                inner.response_class |=
                    *response_class || objects.list[object].default_response_class.is_some();
                let parent_prefix = &objects.list[object].prefix;
                if !parent_prefix.is_empty() {
                    inner
                        .prefix
                        .push((parent_prefix.clone(), objects.list[object].span));
                }
                if !prefix.is_empty() {
                    inner.prefix.push((prefix.clone(), *prefix_span));
                }
                inner.via.push(objects.list[*router].qualified.clone());
                inner.dependencies.extend(dependencies.iter().cloned());
                if prefix.is_empty() {
                    empty_path_check(*router, *span, by_object, objects, diags);
                }
                stack.push(*router);
                flatten(*router, &inner, by_object, objects, stack, routes, diags);
                stack.pop();
            }
            Item::Mount { app, path, boundary } => {
                if stack.contains(app) {
                    diags.push(
                        Diagnostic::new(
                            Code::DynamicRoute,
                            boundary.span,
                            "an application mounted into itself",
                        )
                        .label("every request under this path would recurse")
                        .help("mount another application"),
                    );
                    continue;
                }
                // Starlette's `Mount`: the application's own routes, with
                // nothing of the outer app's (dependencies, response class).
                let inner = Context {
                    prefix: context
                        .prefix
                        .iter()
                        .cloned()
                        .chain((!path.is_empty()).then(|| (path.clone(), boundary.path.span)))
                        .collect(),
                    conditional: context.conditional || entry.conditional,
                    ..Context::default()
                };
                stack.push(*app);
                flatten(*app, &inner, by_object, objects, stack, routes, diags);
                stack.pop();
                let mut boundary = boundary.clone();
                boundary.conditional = inner.conditional;
                prefix_path(&mut boundary, &context.prefix);
                if super::routes::bind_path_params(&mut boundary, diags) {
                    routes.push(*boundary);
                }
            }
        }
    }
}

/// FastAPI refuses `include_router(r)` without a prefix when `r` has a
/// route whose path is empty: "Prefix and path cannot be both empty".
fn empty_path_check(
    router: usize,
    span: Span,
    by_object: &[Vec<&Entry>],
    objects: &Objects,
    diags: &mut Diagnostics,
) {
    let empty = by_object[router].iter().find_map(|entry| match &entry.item {
        Item::Route(route) if route.path.raw.is_empty() => Some(route),
        _ => None,
    });
    if let Some(route) = empty {
        diags.push(
            Diagnostic::new(
                Code::InvalidPath,
                span,
                format!(
                    "Prefix and path cannot be both empty (path operation: {})",
                    route.handler.name
                ),
            )
            .label(format!(
                "`{}` has a route with the path \"\"",
                objects.list[router].variable
            ))
            .secondary(route.path.span, "declared here")
            .help("give the route a path such as \"/\", or include the router with a prefix"),
        );
    }
}

/// Joins the inclusion prefixes in front of a route's own path.
fn prefix_path(route: &mut Route, prefix: &[(String, Span)]) {
    if prefix.is_empty() {
        return;
    }
    let mut pieces = Vec::new();
    let mut raw = String::new();
    for (text, span) in prefix {
        raw.push_str(text);
        // Prefixes were checked when read; their parameters keep the span
        // of the prefix as a whole.
        let mut ignored = Diagnostics::default();
        if let Some(parsed) = crate::path_template::parse(text, |_, _| *span, &mut ignored) {
            pieces.extend(parsed);
        }
    }
    raw.push_str(&route.path.raw);
    pieces.append(&mut route.path.pieces);
    // Adjacent literals from two parts become one, as in a written path.
    let mut merged: Vec<PathPiece> = Vec::with_capacity(pieces.len());
    for piece in pieces {
        match (merged.last_mut(), piece) {
            (Some(PathPiece::Literal(last)), PathPiece::Literal(next)) => last.push_str(&next),
            (_, piece) => merged.push(piece),
        }
    }
    route.path.raw = raw;
    route.path.pieces = merged;
}
