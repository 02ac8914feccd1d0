//! Project functions the app runs while it is imported: app factories
//! (`app = create_app()`, also methods: `app = Application.create()`,
//! `app = AppFactory(settings).build()`), helpers that receive the app or a
//! router and register routes on it (`register_routes(app)`), each called
//! at module level. turbo follows such a call by lowering the function's body where
//! the call stands, with the function's parameters bound to the arguments'
//! objects and the object a factory returns bound to the variable the
//! result is assigned to. A function no executed call reaches keeps the
//! "route inside a function" refusal.

use std::collections::BTreeSet;

use super::{Lowerer, Scope};
use crate::diagnostics::{Code, Diagnostic};
use crate::parse::py;
use crate::project::names::Names;
use crate::project::{Module, Project};

/// How deep calls are followed (a recursive helper stops here).
const MAX_DEPTH: usize = 8;

/// A project function or method that a call runs.
pub(super) struct Callee<'p> {
    pub module: &'p Module,
    pub def: &'p py::StmtFunctionDef,
    /// The class of a method: its `__qualname__` starts with `Class.`.
    pub class: Option<&'p str>,
    /// The first parameter is bound by the call itself (`self`, `cls`).
    pub implicit_first: bool,
    /// A `@classmethod`: its first parameter names the class.
    pub classmethod: bool,
}

impl Callee<'_> {
    /// `__qualname__` prefix of functions defined in the callee's body.
    pub fn locals_qualname(&self) -> String {
        match self.class {
            Some(class) => format!("{class}.{}.<locals>.", self.def.name),
            None => format!("{}.<locals>.", self.def.name),
        }
    }

    /// A classmethod's `cls` bound to its class, so `cls.helper(app)` in
    /// its body is followed too.
    pub fn class_binding(&self) -> Option<(String, String)> {
        let class = self.class.filter(|_| self.classmethod)?;
        let parameters = &self.def.parameters;
        let first = parameters.posonlyargs.iter().chain(&parameters.args).next()?;
        Some((
            first.parameter.name.to_string(),
            format!("{}.{class}", self.module.name),
        ))
    }

    /// The parameters arguments are bound to, in order.
    pub fn parameters(&self) -> impl Iterator<Item = &py::ParameterWithDefault> {
        let parameters = &self.def.parameters;
        let skip = usize::from(self.implicit_first);
        parameters.posonlyargs.iter().chain(&parameters.args).skip(skip)
    }
}

/// What the callee of a call is called: `create_app` and
/// `Application.create` as `resolve` names them; `Factory(...).build` as
/// the qualified method with `true` (called on a new instance).
pub(super) fn call_target(
    func: &py::Expr,
    resolve: impl Fn(&py::Expr) -> Option<String>,
) -> Option<(String, bool)> {
    if let py::Expr::Attribute(attribute) = func {
        if let py::Expr::Call(instance) = &*attribute.value {
            let class = resolve(&instance.func)?;
            return Some((format!("{class}.{}", attribute.attr), true));
        }
    }
    Some((resolve(func)?, false))
}

/// The project function `qualified` (top-level, or a method
/// `module.Class.method`); `on_instance`: called on an instance.
pub(super) fn project_function<'p>(
    project: &'p Project,
    names: &Names,
    qualified: &str,
    on_instance: bool,
) -> Option<Callee<'p>> {
    let (module, name) = names.split_module(qualified)?;
    let module = project.module(module)?;
    let Some((class, method)) = name.split_once('.') else {
        let def = function_in(&module.stmts, name).filter(|_| !on_instance)?;
        return Some(Callee {
            module,
            def,
            class: None,
            implicit_first: false,
            classmethod: false,
        });
    };
    let class = class_in(&module.stmts, class)?;
    let def = function_in(&class.body, method)?;
    let decorated = |name: &str| {
        def.decorator_list
            .iter()
            .any(|d| matches!(&d.expression, py::Expr::Name(n) if n.id.as_str() == name))
    };
    // A function looked up on the class is plain (no `self`); `cls` and
    // an instance's `self` are bound by the call.
    let classmethod = decorated("classmethod");
    let implicit_first = !decorated("staticmethod") && (on_instance || classmethod);
    Some(Callee {
        module,
        def,
        class: Some(class.name.as_str()),
        implicit_first,
        classmethod,
    })
}

/// The class `qualified` names, defined at the top level of a project module.
pub(super) fn project_class<'p>(
    project: &'p Project,
    names: &Names,
    qualified: &str,
) -> Option<(&'p crate::project::Module, &'p py::StmtClassDef)> {
    let (module, name) = names.split_module(qualified)?;
    let module = project.module(module)?;
    Some((module, class_in(&module.stmts, name)?))
}

/// The last `def name` among `stmts` (a module's, or a class body's: a method).
pub(super) fn function_in<'s>(stmts: &'s [py::Stmt], name: &str) -> Option<&'s py::StmtFunctionDef> {
    stmts
        .iter()
        .filter_map(py::Stmt::as_function_def_stmt)
        .rfind(|def| def.name.as_str() == name)
}

/// The last `class name` among `stmts`.
fn class_in<'s>(stmts: &'s [py::Stmt], name: &str) -> Option<&'s py::StmtClassDef> {
    stmts
        .iter()
        .filter_map(py::Stmt::as_class_def_stmt)
        .rfind(|class| class.name.as_str() == name)
}

/// For a factory: the local variable it returns (if it returns one) and
/// the call that made the object (`app = FastAPI(...)` ... `return app`,
/// or `return FastAPI(...)`).
pub(super) fn factory_result(body: &[py::Stmt]) -> Option<(Option<&str>, &py::ExprCall)> {
    let returned = body.iter().rev().find_map(|stmt| match stmt {
        py::Stmt::Return(ret) => ret.value.as_deref(),
        _ => None,
    })?;
    let returned = match returned {
        py::Expr::Call(call) => return Some((None, call)),
        py::Expr::Name(name) => name.id.as_str(),
        _ => return None,
    };
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
    Some((Some(returned), call))
}

/// Project functions called while the app is imported: at module level
/// (also under `if`), from the bodies of functions so called, and from
/// the `--factory` function the server calls (`factory`, qualified).
pub(super) fn executed_functions(
    project: &Project,
    names: &Names,
    factory: Option<&str>,
) -> BTreeSet<String> {
    let mut executed = BTreeSet::new();
    let mut pending: Vec<(Scope<'_>, &[py::Stmt])> = project
        .modules
        .iter()
        .map(|module| (Scope::new(names, &module.name), module.stmts.as_slice()))
        .collect();
    if let Some(factory) = factory {
        if let Some(callee) = project_function(project, names, factory, false) {
            executed.insert(factory.to_owned());
            pending.push((Scope::new(names, &callee.module.name), &callee.def.body));
        }
    }
    while let Some((scope, stmts)) = pending.pop() {
        for call in calls_in(stmts) {
            let Some((qualified, on_instance)) = call_target(&call.func, |e| scope.resolve(e)) else {
                continue;
            };
            let Some(callee) = project_function(project, names, &qualified, on_instance) else {
                continue;
            };
            if executed.insert(qualified) {
                let mut body = Scope::new(names, &callee.module.name);
                body.frame.extend(callee.class_binding());
                pending.push((body, &callee.def.body));
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
        let Some((qualified, on_instance)) = call_target(&call.func, |e| self.imports.resolve(e)) else {
            return false;
        };
        let project = self.shared.project;
        let names = self.imports.names;
        let Some(callee) = project_function(project, names, &qualified, on_instance) else {
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
        for (param, arg) in callee.parameters().zip(&call.arguments.args) {
            if let Some(target) = self.imports.resolve(arg) {
                frame.push((param.parameter.name.to_string(), target));
            }
        }
        for keyword in &call.arguments.keywords {
            if let (Some(name), Some(target)) = (&keyword.arg, self.imports.resolve(&keyword.value)) {
                frame.push((name.to_string(), target));
            }
        }
        frame.extend(callee.class_binding());
        if let (Some(variable), Some((Some(local), _))) = (result, factory_result(&callee.def.body)) {
            frame.push((local.to_owned(), format!("{}.{variable}", self.module)));
        }
        self.follow(&callee, frame);
        true
    }

    /// Lowers the body of `callee` where the call stands, its local names
    /// bound as `frame` says.
    pub(super) fn follow(&mut self, callee: &Callee<'_>, frame: Vec<(String, String)>) {
        let entries = {
            let mut body = Lowerer::new(self.shared, callee.module, &mut *self.diags);
            body.imports.frame = frame;
            body.at = self.at;
            body.conditional = self.conditional;
            body.depth = self.depth + 1;
            body.qualname = callee.locals_qualname();
            for stmt in &callee.def.body {
                body.statement(stmt);
            }
            self.at = body.at;
            body.entries
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
