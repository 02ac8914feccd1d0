//! What a `Depends()` names, found and lowered: a project function (`def`,
//! `async def`, with or without `yield`), a class (called with its
//! `__init__`'s parameters), or an instance of a class with a `__call__`
//! method, the class defined in the project or provided by turbo
//! (`fastapi.security`'s schemes and forms, read from turbo's own source:
//! `project::provided`). Methods are looked up through the class's bases
//! as Python looks them up, as far as the bases are classes turbo reads.

use super::calls::{function_in, project_class};
use super::Lowerer;
use crate::diagnostics::{Code, Diagnostic};
use crate::ir::Handler;
use crate::parse::py;
use crate::project::Module;
use crate::source::Span;

/// `fastapi.security.base.SecurityBase`, as turbo reads it: instances of
/// its subclasses are security schemes.
const SECURITY_BASE: &str = "turboapi.security.base.SecurityBase";

/// How many bases deep a method is looked for.
const MAX_BASES: usize = 16;

/// What a `Depends()` names, found in the project.
pub(super) enum Dependable<'p> {
    Function(&'p Module, &'p py::StmtFunctionDef),
    Class(&'p Module, &'p py::StmtClassDef),
    /// An instance of a class, called through its `__call__`.
    Instance(&'p Module, &'p py::StmtClassDef),
}

/// A class and its bases, in Python's lookup order for single inheritance
/// (the first base of each), as far as turbo can read them.
struct Ancestry<'p> {
    classes: Vec<(&'p Module, &'p py::StmtClassDef)>,
    /// The qualified names of every class in it, and of the first base
    /// turbo cannot read, if any.
    qualified: Vec<String>,
    /// A base turbo cannot read (outside the project and turbo's package,
    /// or a second base): methods may come from there.
    incomplete: bool,
}

impl<'a> Lowerer<'a> {
    fn ancestry(&self, module: &'a Module, class: &'a py::StmtClassDef) -> Ancestry<'a> {
        let (project, names) = (self.shared.project, self.shared.names);
        let mut ancestry = Ancestry {
            classes: vec![(module, class)],
            qualified: vec![format!("{}.{}", module.name, class.name)],
            incomplete: false,
        };
        let (mut module, mut class) = (module, class);
        for _ in 0..MAX_BASES {
            let bases = class.bases();
            if bases.len() > 1 || !class.decorator_list.is_empty() {
                ancestry.incomplete = true;
            }
            let Some(base) = bases.first() else { break };
            let Some(qualified) = names.resolve(&module.name, base) else {
                ancestry.incomplete = true;
                break;
            };
            ancestry.qualified.push(qualified.clone());
            let Some(found) = project_class(project, names, &qualified) else {
                ancestry.incomplete |= qualified != "builtins.object";
                break;
            };
            (module, class) = found;
            ancestry.classes.push(found);
        }
        ancestry
    }

    /// What `target` names in the project, and the key FastAPI's cache
    /// knows it by.
    pub(super) fn find_dependable(
        &self,
        target: &py::Expr,
    ) -> Result<(Dependable<'a>, String, String), String> {
        let project = self.shared.project;
        let names = self.shared.names;
        let written = self.file.snippet(self.span(target)).to_owned();
        // `Depends(RoleChecker(["admin"]))`: a new instance where it is written.
        if let py::Expr::Call(call) = target {
            let class = self
                .imports
                .resolve(&call.func)
                .and_then(|qualified| project_class(project, names, &qualified).map(|c| (qualified, c)));
            return match class {
                Some((qualified, (module, class))) => {
                    let key = format!("{}@{}", self.module, self.span(target).start);
                    Ok((Dependable::Instance(module, class), format!("{qualified}()"), key))
                }
                None => Err(format!(
                    "`{written}` does not create an instance of a class of this project"
                )),
            };
        }
        let Some(qualified) = self.imports.resolve(target) else {
            return Err(format!("turbo cannot find `{written}`"));
        };
        if let Some(callee) = super::calls::project_function(project, names, &qualified, false) {
            if callee.class.is_none() {
                return Ok((
                    Dependable::Function(callee.module, callee.def),
                    qualified.clone(),
                    qualified,
                ));
            }
        }
        if let Some((module, class)) = project_class(project, names, &qualified) {
            return Ok((Dependable::Class(module, class), qualified.clone(), qualified));
        }
        // `checker = RoleChecker(["admin"])` at module level.
        let instance = names.split_module(&qualified).and_then(|(module, name)| {
            let py::Expr::Call(call) = super::constants::module_assignment(project, module, name)? else {
                return None;
            };
            let class = names.resolve(module, &call.func)?;
            project_class(project, names, &class).map(|found| (class, found))
        });
        if let Some((class, (module, found))) = instance {
            return Ok((
                Dependable::Instance(module, found),
                format!("{class}()"),
                qualified,
            ));
        }
        let in_project = names
            .split_module(&qualified)
            .is_some_and(|(module, _)| project.module(module).is_some());
        Err(if in_project {
            format!("`{written}` is not a function, a class or an instance turbo can find")
        } else {
            format!("`{written}` is not a function of this project")
        })
    }

    /// Lowers a found dependable in the module that defines it (a method
    /// in the module of the class that defines the method).
    pub(super) fn lower_dependable(
        &mut self,
        used_at: Span,
        found: &Dependable<'a>,
        stack: Vec<String>,
    ) -> Option<Handler> {
        let (module, class, method) = match *found {
            Dependable::Function(module, def) => {
                let mut body = Lowerer::new(self.shared, module, &mut *self.diags);
                body.dependency_stack = stack;
                return Some(body.callable(def, false));
            }
            Dependable::Class(module, class) => (module, class, "__init__"),
            Dependable::Instance(module, class) => (module, class, "__call__"),
        };
        let ancestry = self.ancestry(module, class);
        let defined = ancestry
            .classes
            .iter()
            .find_map(|(module, class)| function_in(&class.body, method).map(|def| (*module, def)));
        let mut handler = match defined {
            Some((module, def)) => {
                let mut body = Lowerer::new(self.shared, module, &mut *self.diags);
                body.dependency_stack = stack;
                body.callable(def, true)
            }
            // A class without `__init__` anywhere is called with no arguments.
            None if method == "__init__" && !ancestry.incomplete => self.class_without_init(module, class),
            None => {
                let at = crate::parse::span_of(module.file, &class.name);
                let (message, help) = match (method, ancestry.incomplete) {
                    ("__init__", _) => (
                        format!("turbo cannot read the `__init__` of class `{}`", class.name),
                        "turbo reads the parameters of an `__init__` defined in the class or a base class of \
                         the project; define one",
                    ),
                    (_, true) => (
                        format!("turbo cannot read the `__call__` of `{}` instances", class.name),
                        "define `__call__` in the class or a base class of the project",
                    ),
                    _ => (
                        format!("instances of `{}` are not callable", class.name),
                        "define `__call__` in the class",
                    ),
                };
                self.diags.push(
                    Diagnostic::new(Code::UnsupportedDependency, used_at, message)
                        .secondary(at, "the class is defined here")
                        .help(help),
                );
                return None;
            }
        };
        // Called as the class, or as the instance: named by the class.
        handler.module = module.name.clone();
        handler.name = class.name.to_string();
        if method == "__init__" {
            handler.is_async = false;
            handler.generator = false;
        } else {
            handler.security_scheme = ancestry.qualified.iter().any(|q| q == SECURITY_BASE);
        }
        Some(handler)
    }

    /// A class with no `__init__` (in it or its bases): called with no arguments.
    fn class_without_init(&mut self, module: &Module, class: &py::StmtClassDef) -> Handler {
        let file = self.shared.project.files.get(module.file);
        let span = crate::parse::span_of(file.id, &class.name);
        Handler {
            module: module.name.clone(),
            name: class.name.to_string(),
            is_async: false,
            generator: false,
            span,
            line: file.line_column(span.start as usize).line,
            params: Vec::new(),
            returns: None,
            dependencies: Vec::new(),
            security_scheme: false,
        }
    }
}
