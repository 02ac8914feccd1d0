//! The order Python runs the project's module-level statements in when the
//! server imports the app: a module body runs top to bottom, and an import
//! of a project module not yet started runs that module first (its parent
//! packages before it). A module already started (an import cycle) is not
//! run again, exactly as `sys.modules` makes Python skip it.
//!
//! Routes are appended to routers in this order, so it decides the order
//! of routes that reach one router from several modules.

use std::collections::{BTreeMap, BTreeSet};

use super::{import_targets, Project};
use crate::parse::{self, py};

/// Position of every top-level statement in execution order, by module
/// name and statement index.
pub struct Order {
    positions: BTreeMap<(String, usize), u64>,
}

impl Order {
    pub fn compute(project: &Project, entry: &str) -> Order {
        let mut run = Run {
            project,
            started: BTreeSet::new(),
            positions: BTreeMap::new(),
            next: 0,
        };
        run.module(entry);
        // Modules no import reaches at module level (imported only inside
        // functions) run after, in load order.
        for module in &project.modules {
            run.module(&module.name);
        }
        Order {
            positions: run.positions,
        }
    }

    pub fn position(&self, module: &str, index: usize) -> u64 {
        self.positions
            .get(&(module.to_owned(), index))
            .copied()
            .unwrap_or(u64::MAX)
    }
}

struct Run<'p> {
    project: &'p Project,
    started: BTreeSet<String>,
    positions: BTreeMap<(String, usize), u64>,
    next: u64,
}

impl Run<'_> {
    fn module(&mut self, name: &str) {
        if !self.started.insert(name.to_owned()) {
            return;
        }
        if let Some((parent, _)) = name.rsplit_once('.') {
            self.module(parent);
        }
        let Some(module) = self.project.module(name) else {
            return;
        };
        for (index, stmt) in module.stmts.iter().enumerate() {
            let mut imports = Vec::new();
            module_level_imports(std::slice::from_ref(stmt), &mut imports);
            for import in imports {
                for target in import_targets(module, import) {
                    if self.project.module(&target).is_some() {
                        self.module(&target);
                    }
                }
            }
            self.positions.insert((name.to_owned(), index), self.next);
            self.next += 1;
        }
    }
}

/// Import statements that run with the module body: not those inside
/// functions or classes.
fn module_level_imports<'a>(stmts: &'a [py::Stmt], found: &mut Vec<&'a py::Stmt>) {
    for stmt in stmts {
        match stmt {
            py::Stmt::Import(_) | py::Stmt::ImportFrom(_) => found.push(stmt),
            py::Stmt::FunctionDef(_) | py::Stmt::ClassDef(_) => {}
            _ => parse::for_each_child_block(stmt, &mut |block| module_level_imports(block, found)),
        }
    }
}
