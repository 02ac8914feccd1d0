//! Constructs turbo cannot follow without running Python: decorator
//! aliases, routes added by calls, routes inside functions, loops and if
//! blocks, and app features turbo does not compile yet. Each is reported.

use super::{is_route_attribute, DecoratorKind, Lowerer};
use crate::diagnostics::{Code, Diagnostic};
use crate::parse::{self, py};
use crate::source::Span;

impl Lowerer<'_> {
    /// `get = app.get`: later `@get(...)` routes cannot be followed.
    pub(super) fn alias(&mut self, assign: &py::StmtAssign) {
        let Some((_, attribute)) = self.app_attribute(&assign.value) else {
            return;
        };
        if !is_route_attribute(attribute) {
            return;
        }
        for target in &assign.targets {
            if let py::Expr::Name(name) = target {
                self.aliases.push(name.id.to_string());
            }
        }
        self.diags.push(
            Diagnostic::new(
                Code::DynamicRoute,
                self.span(&*assign.value),
                format!("`{}.{attribute}` bound to another name", self.shared.app_variable),
            )
            .label("routes declared through this alias cannot be followed")
            .help(format!(
                "decorate handlers with `@{}.{attribute}(...)` directly",
                self.shared.app_variable
            )),
        );
    }

    pub(super) fn top_level_call(&mut self, expr: &py::Expr) {
        let py::Expr::Call(call) = expr else { return };
        if self.call_function(call, None) {
            return;
        }
        // `app.get("/x")(handler)`: a route registered without decorator syntax.
        if let py::Expr::Call(inner) = &*call.func {
            if let DecoratorKind::Route { .. } = self.call_kind(inner) {
                self.diags.push(
                    Diagnostic::new(
                        Code::DynamicRoute,
                        self.span(expr),
                        "route registered by calling the decorator",
                    )
                    .label("turbo reads routes from `@app.<method>(...)` decorators")
                    .help("decorate the handler's `def` instead"),
                );
                return;
            }
        }
        match self.app_attribute(&call.func) {
            Some((object, "include_router")) => self.include_router(object, call, self.span(expr)),
            Some((object, attribute @ ("add_api_route" | "add_api_websocket_route"))) => {
                self.add_api_route(object, call, expr, attribute)
            }
            Some((_, "add_middleware")) => self.add_middleware(call, self.span(expr)),
            Some((object, "mount")) => self.mount(object, call, expr),
            Some((_, attribute)) => self.unsupported_app_feature(attribute, self.span(expr)),
            None => {}
        }
    }

    pub(super) fn unsupported_app_feature(&mut self, attribute: &str, span: Span) {
        // The server looks exception handlers up at start-up, as Starlette
        // does, and runs the app's lifespan (event handlers included).
        if matches!(
            attribute,
            "exception_handler" | "add_exception_handler" | "on_event" | "add_event_handler"
        ) {
            return;
        }
        let (code, message, help) = match attribute {
            "add_route" | "api_route" | "route" => (
                Code::DynamicRoute,
                format!("route added with `{}.{attribute}(...)`", self.shared.app_variable),
                "declare the route with a decorator: @app.get(\"/path\")".to_owned(),
            ),
            _ => (
                Code::UnsupportedAppFeature,
                format!(
                    "`{}.{attribute}` is not supported by turbo yet",
                    self.shared.app_variable
                ),
                "remove it, or keep serving this app with uvicorn until turbo supports it".to_owned(),
            ),
        };
        self.diags.push(
            Diagnostic::new(code, span, message)
                .label("turbo cannot compile this")
                .help(help),
        );
    }

    /// Statements below the top level: any route registered there depends on
    /// control flow turbo does not evaluate.
    pub(super) fn nested(&mut self, stmts: &[py::Stmt], place: &str) {
        for stmt in stmts {
            let decorators: &[py::Decorator] = match stmt {
                py::Stmt::FunctionDef(def) => &def.decorator_list,
                py::Stmt::ClassDef(class) => &class.decorator_list,
                _ => &[],
            };
            for decorator in decorators.iter().map(|d| &d.expression) {
                match self.decorator_kind(decorator) {
                    DecoratorKind::Route { .. } => self.diags.push(
                        Diagnostic::new(
                            Code::DynamicRoute,
                            self.span(decorator),
                            format!("route registered inside {place}"),
                        )
                        .label("whether and how often this runs depends on code turbo does not run")
                        .help("declare routes at module level"),
                    ),
                    // `@app.get(...)` on a parameter of a function no
                    // followed call runs: if the app runs it at import,
                    // the server would refuse to start; say so now.
                    DecoratorKind::ForeignRoute { object, attribute } => self.diags.push(
                        Diagnostic::new(
                            Code::DynamicRoute,
                            self.span(decorator),
                            format!("`@{object}.{attribute}(...)` inside {place} turbo does not follow"),
                        )
                        .label(format!("turbo cannot tell which app or router `{object}` is here"))
                        .help(
                            "call the function at module level (or from a factory called there) with the app \
                             or router, e.g. `register_routes(app)`, or declare the routes at module level",
                        ),
                    ),
                    _ => {}
                }
            }
            if let py::Stmt::Expr(expr) = stmt {
                if let py::Expr::Call(call) = &*expr.value {
                    if self.app_attribute(&call.func).is_some() || matches!(&*call.func, py::Expr::Call(_)) {
                        if let Some((_, attribute)) = self.app_attribute(&call.func) {
                            self.diags.push(
                                Diagnostic::new(
                                    Code::DynamicRoute,
                                    self.span(stmt),
                                    format!("`{}.{attribute}(...)` inside {place}", self.shared.app_variable),
                                )
                                .label("turbo cannot follow this")
                                .help("configure the app at module level"),
                            );
                        }
                    }
                }
            }
            self.nested_stmt(stmt);
        }
    }

    pub(super) fn nested_stmt(&mut self, stmt: &py::Stmt) {
        match stmt {
            py::Stmt::FunctionDef(def) => self.nested(&def.body, "a function"),
            py::Stmt::ClassDef(class) => self.nested(&class.body, "a class body"),
            py::Stmt::For(s) => {
                self.nested(&s.body, "a loop");
                self.nested(&s.orelse, "a loop");
            }
            py::Stmt::While(s) => {
                self.nested(&s.body, "a loop");
                self.nested(&s.orelse, "a loop");
            }
            py::Stmt::If(s) => {
                for (_, body) in parse::if_branches(s) {
                    self.nested(body, "an if block");
                }
            }
            py::Stmt::With(s) => self.nested(&s.body, "a with block"),
            py::Stmt::Try(s) => {
                self.nested(&s.body, "a try block");
                for handler in &s.handlers {
                    let py::ExceptHandler::ExceptHandler(h) = handler;
                    self.nested(&h.body, "a try block");
                }
                self.nested(&s.orelse, "a try block");
                self.nested(&s.finalbody, "a try block");
            }
            _ => {}
        }
    }
}
