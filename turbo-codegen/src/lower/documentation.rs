//! Path operations FastAPI only documents, never serves: those declared on
//! `app.webhooks` or a router given as `FastAPI(webhooks=router)` (OpenAPI
//! webhooks), and on a router whose routes are only given as
//! `callbacks=router.routes` (OpenAPI callbacks). Their paths are
//! URL expressions (`{$callback_url}/invoices/{$request.body.id}`), not
//! routes, and their handlers are never called, so turbo neither compiles
//! nor checks them; the server documents them from the objects the app
//! registered (`turboapi.openapi`).

use std::collections::BTreeSet;

use super::app::{ObjectKind, Objects};
use crate::diagnostics::{Code, Diagnostic, Diagnostics};
use crate::parse::py::visitor::{self, Visitor};
use crate::parse::{py, span_of};
use crate::project::names::Names;
use crate::project::Project;

/// The routers (indices into `Objects::list`) whose routes are only given
/// as `callbacks=<router>.routes` or `webhooks=<router>`, and never
/// included or mounted.
pub(super) fn documented_routers(project: &Project, names: &Names, objects: &Objects) -> BTreeSet<usize> {
    let mut documented = BTreeSet::new();
    let mut included = BTreeSet::new();
    for module in &project.modules {
        let object = |expr: &py::Expr| {
            names
                .resolve(&module.name, expr)
                .and_then(|name| objects.index(&name))
        };
        let mut calls: Vec<&py::ExprCall> = Vec::new();
        for stmt in &module.stmts {
            match stmt {
                py::Stmt::FunctionDef(def) => {
                    calls.extend(def.decorator_list.iter().filter_map(|d| match &d.expression {
                        py::Expr::Call(call) => Some(call),
                        _ => None,
                    }))
                }
                py::Stmt::Expr(expr) => calls.extend(expr.value.as_call_expr()),
                py::Stmt::Assign(assign) => calls.extend(assign.value.as_call_expr()),
                _ => {}
            }
        }
        for call in calls {
            for keyword in &call.arguments.keywords {
                match (keyword.arg.as_ref().map(|a| a.as_str()), &keyword.value) {
                    (Some("callbacks"), py::Expr::Attribute(routes)) if routes.attr.as_str() == "routes" => {
                        documented.extend(object(&routes.value));
                    }
                    // `FastAPI(webhooks=router)`: the app's `webhooks`.
                    (Some("webhooks"), value) => documented.extend(object(value)),
                    _ => {}
                }
            }
            if let py::Expr::Attribute(method) = &*call.func {
                if matches!(method.attr.as_str(), "include_router" | "mount") {
                    included.extend(call.arguments.args.iter().filter_map(&object));
                }
            }
        }
    }
    documented
        .into_iter()
        .filter(|index| !included.contains(index) && objects.list[*index].kind == ObjectKind::Router)
        .collect()
}

/// `<app>.webhooks`, where `<app>` is an application object.
pub(super) fn is_webhooks(
    expr: &py::Expr,
    object: impl Fn(&py::Expr) -> Option<usize>,
    objects: &Objects,
) -> bool {
    let py::Expr::Attribute(attribute) = expr else {
        return false;
    };
    attribute.attr.as_str() == "webhooks"
        && object(&attribute.value)
            .is_some_and(|index| matches!(objects.list[index].kind, ObjectKind::App(_)))
}

/// Reports `<app or router>.routes` read anywhere but as the value of
/// `routes=` (`get_openapi(routes=app.routes)`) or `callbacks=`: turbo's
/// route objects only describe the routes for the document, so code that
/// inspects or changes them (FastAPI's `route.operation_id = route.name`
/// recipe) would not change what the server documents.
pub(super) fn check_route_list_reads(
    project: &Project,
    names: &Names,
    objects: &Objects,
    diags: &mut Diagnostics,
) {
    for module in &project.modules {
        let file = project.files.get(module.file).id;
        let mut reads = RouteListReads {
            object: &|expr: &py::Expr| {
                names
                    .resolve(&module.name, expr)
                    .and_then(|name| objects.index(&name))
            },
            found: Vec::new(),
        };
        for stmt in &module.stmts {
            reads.visit_stmt(stmt);
        }
        for attribute in reads.found {
            let span = span_of(file, attribute);
            let object = project
                .files
                .get(module.file)
                .snippet(span_of(file, &*attribute.value))
                .to_owned();
            diags.push(
                Diagnostic::new(
                    Code::UnsupportedAppFeature,
                    span,
                    format!("`{object}.routes` is supported by turbo only as `routes=` or `callbacks=`"),
                )
                .label("turbo's route objects describe the routes for the OpenAPI document; changing them here would not change what the server documents")
                .help("set `operation_id=` on the route decorators, or `generate_unique_id_function=` on the app or router"),
            );
        }
    }
}

struct RouteListReads<'a, 'e> {
    object: &'a dyn Fn(&py::Expr) -> Option<usize>,
    found: Vec<&'e py::ExprAttribute>,
}

impl<'e> Visitor<'e> for RouteListReads<'_, 'e> {
    fn visit_expr(&mut self, expr: &'e py::Expr) {
        match expr {
            py::Expr::Attribute(attribute)
                if attribute.attr.as_str() == "routes" && (self.object)(&attribute.value).is_some() =>
            {
                self.found.push(attribute);
            }
            py::Expr::Call(call) => {
                self.visit_expr(&call.func);
                for arg in &call.arguments.args {
                    self.visit_expr(arg);
                }
                for keyword in &call.arguments.keywords {
                    let passed = keyword
                        .arg
                        .as_ref()
                        .is_some_and(|a| matches!(a.as_str(), "routes" | "callbacks"));
                    let is_list =
                        matches!(&keyword.value, py::Expr::Attribute(a) if a.attr.as_str() == "routes");
                    if !(passed && is_list) {
                        self.visit_expr(&keyword.value);
                    }
                }
            }
            _ => visitor::walk_expr(self, expr),
        }
    }
}
