//! Names across the project's modules: what a name or dotted expression in
//! a module refers to, as one canonical qualified name.
//!
//! A name imported from another project module is followed to where it is
//! defined (through re-exports in `__init__.py`, relative imports and
//! cycles), so `Item` in `app/api/routes/items.py` and `models.Item` in
//! `app/main.py` are both `app.models.Item`. Names from outside the
//! project stay as imported (`typing.Optional`, `fastapi.Query`).

use std::collections::{BTreeMap, BTreeSet};

use super::{from_module, Module, Project};
use crate::parse::py;

/// Builtin names annotations use without importing them.
const BUILTIN_TYPES: &[&str] = &[
    "str", "int", "float", "bool", "bytes", "list", "dict", "set", "tuple",
];

/// How deep re-exports are followed before giving up (a cycle of re-exports).
const MAX_HOPS: usize = 32;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Binding {
    /// Bound by an import to this qualified name (a module or a name in one).
    Import(String),
    /// Defined in the module itself: a class, function or assignment.
    Local,
}

/// Every module-level binding of every project module.
#[derive(Default)]
pub struct Names {
    scopes: BTreeMap<String, BTreeMap<String, Binding>>,
    modules: BTreeSet<String>,
}

impl Names {
    pub fn collect(project: &Project) -> Names {
        let mut names = Names::default();
        for module in &project.modules {
            // Parent packages exist even when they are namespace packages.
            let mut parent = module.name.as_str();
            while let Some((up, _)) = parent.rsplit_once('.') {
                names.modules.insert(up.to_owned());
                parent = up;
            }
        }
        // Provided modules without their parents: `turboapi` itself stays
        // outside (its names are known by `imports`, not read).
        for module in project.modules.iter().chain(&project.provided) {
            names.modules.insert(module.name.clone());
            let mut scope = BTreeMap::new();
            bind_block(module, &module.stmts, &mut scope);
            names.scopes.insert(module.name.clone(), scope);
        }
        names
    }

    /// The canonical qualified name `expr` refers to in `module`, if it is
    /// a (dotted) name turbo can follow.
    pub fn resolve(&self, module: &str, expr: &py::Expr) -> Option<String> {
        match expr {
            py::Expr::Name(name) => self.resolve_name(module, name.id.as_str()),
            py::Expr::Attribute(attribute) => {
                let base = self.resolve(module, &attribute.value)?;
                Some(self.canonical(&format!("{base}.{}", attribute.attr)))
            }
            _ => None,
        }
    }

    /// What a bare name refers to in `module`.
    pub fn resolve_name(&self, module: &str, name: &str) -> Option<String> {
        match self.scopes.get(module).and_then(|scope| scope.get(name)) {
            Some(Binding::Import(target)) => Some(self.canonical(target)),
            Some(Binding::Local) => Some(format!("{module}.{name}")),
            None if BUILTIN_TYPES.contains(&name) => Some(format!("builtins.{name}")),
            None => None,
        }
    }

    /// Follows `qualified` through the project's re-exports to where it is
    /// defined. Names outside the project are returned as turbo knows
    /// them ([`crate::imports::canonical_external`]).
    ///
    /// As Python's `from package import name` does, an attribute the
    /// package binds wins over a submodule of the same name:
    /// `from .router import router` in `app/v1/__init__.py` makes
    /// `app.v1.router` the router object, not the module.
    pub fn canonical(&self, qualified: &str) -> String {
        let mut current = qualified.to_owned();
        for _ in 0..MAX_HOPS {
            let Some((module, rest)) = self.split_module(&current) else {
                if self.modules.contains(&current) {
                    return current;
                }
                // Outside the project: the name turbo knows it by, followed
                // further if that is in a module turbo provides and reads
                // (`fastapi.security.HTTPBasic` is `turboapi.security.http.HTTPBasic`).
                match crate::imports::canonical_external(&current) {
                    Some(known) if self.split_module(&known).is_some() || self.modules.contains(&known) => {
                        current = known;
                        continue;
                    }
                    known => return known.unwrap_or(current),
                }
            };
            let (first, remaining) = match rest.split_once('.') {
                Some((first, remaining)) => (first, Some(remaining)),
                None => (rest, None),
            };
            let Some(Binding::Import(target)) = self.scopes.get(module).and_then(|s| s.get(first)) else {
                return current;
            };
            let next = match remaining {
                Some(remaining) => format!("{target}.{remaining}"),
                None => target.clone(),
            };
            if next == current {
                return current;
            }
            current = next;
        }
        current
    }

    /// `("app.models", "Item")` for `app.models.Item`: the longest prefix
    /// that is a project module, and a non-empty rest.
    pub fn split_module<'q>(&self, qualified: &'q str) -> Option<(&'q str, &'q str)> {
        let mut end = qualified.len();
        while let Some(dot) = qualified[..end].rfind('.') {
            let module = &qualified[..dot];
            if self.modules.contains(module) {
                return Some((module, &qualified[dot + 1..]));
            }
            end = dot;
        }
        None
    }
}

/// The names an import statement in `module` binds, with what each refers
/// to: `import a.b` binds `a`; `from ..models import Item as I` binds `I`
/// to `app.models.Item`.
pub fn import_bindings(module: &Module, stmt: &py::Stmt) -> Vec<(String, String)> {
    match stmt {
        py::Stmt::Import(import) => import
            .names
            .iter()
            .map(|alias| {
                let target = alias.name.to_string();
                match &alias.asname {
                    Some(asname) => (asname.to_string(), target),
                    None => {
                        let root = target.split('.').next().unwrap_or(&target).to_owned();
                        (root.clone(), root)
                    }
                }
            })
            .collect(),
        py::Stmt::ImportFrom(import) => {
            let Some(base) = from_module(module, import) else {
                return Vec::new();
            };
            import
                .names
                .iter()
                .filter(|alias| alias.name.as_str() != "*")
                .map(|alias| {
                    let local = alias.asname.as_ref().unwrap_or(&alias.name).to_string();
                    (local, format!("{base}.{}", alias.name))
                })
                .collect()
        }
        _ => Vec::new(),
    }
}

/// Records the bindings of a block executed at import: the module body and
/// the `if`/`try`/`with` blocks in it (not function or class bodies).
fn bind_block(module: &Module, stmts: &[py::Stmt], scope: &mut BTreeMap<String, Binding>) {
    for stmt in stmts {
        match stmt {
            py::Stmt::Import(_) | py::Stmt::ImportFrom(_) => {
                for (local, target) in import_bindings(module, stmt) {
                    scope.insert(local, Binding::Import(target));
                }
            }
            py::Stmt::FunctionDef(def) => {
                scope.insert(def.name.to_string(), Binding::Local);
            }
            py::Stmt::ClassDef(class) => {
                scope.insert(class.name.to_string(), Binding::Local);
            }
            py::Stmt::Assign(assign) => {
                for target in &assign.targets {
                    bind_target(target, scope);
                }
            }
            py::Stmt::AnnAssign(assign) if assign.value.is_some() => bind_target(&assign.target, scope),
            py::Stmt::If(_) | py::Stmt::Try(_) | py::Stmt::With(_) => {
                crate::parse::for_each_child_block(stmt, &mut |block| bind_block(module, block, scope));
            }
            _ => {}
        }
    }
}

fn bind_target(target: &py::Expr, scope: &mut BTreeMap<String, Binding>) {
    match target {
        py::Expr::Name(name) => {
            scope.insert(name.id.to_string(), Binding::Local);
        }
        py::Expr::Tuple(tuple) => tuple.elts.iter().for_each(|t| bind_target(t, scope)),
        py::Expr::List(list) => list.elts.iter().for_each(|t| bind_target(t, scope)),
        _ => {}
    }
}
