//! Project functions the app runs while it is imported: app factories
//! (`app = create_app()`), helpers that receive the app or a router and
//! register routes on it (`register_routes(app)`), each called at module
//! level. turbo follows such a call by lowering the function's body where
//! the call stands, with the function's parameters bound to the arguments'
//! objects and the object a factory returns bound to the variable the
//! result is assigned to. A function no executed call reaches keeps the
//! "route inside a function" refusal.

use std::collections::BTreeSet;

use super::Lowerer;
use crate::diagnostics::{Code, Diagnostic};
use crate::parse::py;
use crate::project::names::Names;
use crate::project::{Module, Project};

/// How deep calls are followed (a recursive helper stops here).
const MAX_DEPTH: usize = 8;

/// The module and definition of the top-level project function `qualified`.
pub(super) fn project_function<'p>(
    project: &'p Project,
    names: &Names,
    qualified: &str,
) -> Option<(&'p Module, &'p py::StmtFunctionDef)> {
    let (module, name) = names.split_module(qualified)?;
    let module = project.module(module)?;
    let def = module
        .stmts
        .iter()
        .filter_map(py::Stmt::as_function_def_stmt)
        .rfind(|def| def.name.as_str() == name)?;
    Some((module, def))
}

/// For a factory: the local variable it returns and the call that made it
/// (`app = FastAPI(...)` ... `return app`).
pub(super) fn factory_result(body: &[py::Stmt]) -> Option<(&str, &py::ExprCall)> {
    let returned = body.iter().rev().find_map(|stmt| match stmt {
        py::Stmt::Return(ret) => match ret.value.as_deref() {
            Some(py::Expr::Name(name)) => Some(name.id.as_str()),
            _ => None,
        },
        _ => None,
    })?;
    let call = body.iter().rev().find_map(|stmt| match stmt {
        py::Stmt::Assign(assign)
            if assign
                .targets
                .iter()
                .any(|t| matches!(t, py::Expr::Name(n) if n.id.as_str() == returned)) =>
        {
            match &*assign.value {
                py::Expr::Call(call) => Some(call),
                _ => None,
            }
        }
        py::Stmt::AnnAssign(assign) if matches!(&*assign.target, py::Expr::Name(n) if n.id.as_str() == returned) => {
            match assign.value.as_deref() {
                Some(py::Expr::Call(call)) => Some(call),
                _ => None,
            }
        }
        _ => None,
    })?;
    Some((returned, call))
}

/// Project functions called while the app is imported: at module level
/// (also under `if`), and from the bodies of functions so called.
pub(super) fn executed_functions(project: &Project, names: &Names) -> BTreeSet<String> {
    let mut executed = BTreeSet::new();
    let mut pending: Vec<(String, &[py::Stmt])> = project
        .modules
        .iter()
        .map(|module| (module.name.clone(), module.stmts.as_slice()))
        .collect();
    while let Some((module, stmts)) = pending.pop() {
        for call in calls_in(stmts) {
            let Some(qualified) = names.resolve(&module, &call.func) else {
                continue;
            };
            let Some((defined_in, def)) = project_function(project, names, &qualified) else {
                continue;
            };
            if executed.insert(qualified) {
                pending.push((defined_in.name.clone(), &def.body));
            }
        }
    }
    executed
}

/// Calls that run with a block: statement calls and assigned calls, also
/// under `if`, `with` and `try`, not inside nested functions or classes.
fn calls_in(stmts: &[py::Stmt]) -> Vec<&py::ExprCall> {
    let mut found = Vec::new();
    for stmt in stmts {
        match stmt {
            py::Stmt::Expr(expr) => {
                if let py::Expr::Call(call) = &*expr.value {
                    found.push(call);
                }
            }
            py::Stmt::Assign(assign) => {
                if let py::Expr::Call(call) = &*assign.value {
                    found.push(call);
                }
            }
            py::Stmt::If(_) | py::Stmt::With(_) | py::Stmt::Try(_) => {
                crate::parse::for_each_child_block(stmt, &mut |block| found.extend(calls_in(block)))
            }
            _ => {}
        }
    }
    found
}

impl Lowerer<'_> {
    /// Follows a call of a project function standing at module level (or
    /// in a followed function); `result` is the module-level variable its
    /// result is assigned to. `false` if `call` is not such a call.
    pub(super) fn call_function(&mut self, call: &py::ExprCall, result: Option<&str>) -> bool {
        let Some(qualified) = self.imports.resolve(&call.func) else {
            return false;
        };
        let project = self.shared.project;
        let names = self.imports.names;
        let Some((module, def)) = project_function(project, names, &qualified) else {
            return false;
        };
        if self.depth >= MAX_DEPTH {
            self.diags.push(
                Diagnostic::new(
                    Code::DynamicRoute,
                    self.span(call),
                    "calls nested too deeply to follow",
                )
                .label(format!("turbo follows calls {MAX_DEPTH} deep"))
                .help("register routes with fewer levels of helper functions"),
            );
            return true;
        }
        // Parameters bound to what the arguments name (apps, routers, ...).
        let mut frame = Vec::new();
        let positional = def.parameters.posonlyargs.iter().chain(&def.parameters.args);
        for (param, arg) in positional.zip(&call.arguments.args) {
            if let Some(target) = self.imports.resolve(arg) {
                frame.push((param.parameter.name.to_string(), target));
            }
        }
        for keyword in &call.arguments.keywords {
            if let (Some(name), Some(target)) = (&keyword.arg, self.imports.resolve(&keyword.value)) {
                frame.push((name.to_string(), target));
            }
        }
        if let (Some(variable), Some((local, _))) = (result, factory_result(&def.body)) {
            frame.push((local.to_owned(), format!("{}.{variable}", self.module)));
        }
        self.follow(module, def, frame);
        true
    }

    /// Lowers the body of `def` (defined in `module`) where the call
    /// stands, its local names bound as `frame` says.
    pub(super) fn follow(
        &mut self,
        module: &Module,
        def: &py::StmtFunctionDef,
        frame: Vec<(String, String)>,
    ) {
        let entries = {
            let mut callee = Lowerer::new(self.shared, module, &mut *self.diags);
            callee.imports.frame = frame;
            callee.at = self.at;
            callee.conditional = self.conditional;
            callee.depth = self.depth + 1;
            callee.qualname = format!("{}.<locals>.", def.name);
            for stmt in &def.body {
                callee.statement(stmt);
            }
            self.at = callee.at;
            callee.entries
        };
        self.entries.extend(entries);
    }

    /// In a followed function: binds an import to the function's frame.
    pub(super) fn bind_local_import(&mut self, stmt: &py::Stmt) {
        let Some(module) = self.shared.project.module(self.module) else {
            return;
        };
        let bindings: Vec<(String, String)> = crate::project::names::import_bindings(module, stmt);
        self.imports.frame.extend(bindings);
    }

    /// Whether the function defined as `name` in this module is run by a
    /// followed call (its body is lowered there, not refused here).
    pub(super) fn is_executed(&self, name: &str) -> bool {
        self.depth == 0 && self.shared.executed.contains(&format!("{}.{name}", self.module))
    }
}
