//! `Depends(...)`: each dependable is lowered as a callable of its own
//! (FastAPI's `Dependant`), with its parameters and sub-dependencies, from
//! the module that defines it. A dependable is lowered once per project
//! (routes share the result, so its diagnostics are reported once).

use super::{literal, Lowerer, Scope};
use crate::diagnostics::{Code, Diagnostic};
use crate::ir::{Dependency, Handler, Literal, Source};
use crate::parse::{self, py};

/// The qualified names FastAPI's `Depends` goes by.
const DEPENDS: &[&str] = &[
    "fastapi.Depends",
    "fastapi.params.Depends",
    "fastapi.param_functions.Depends",
    "turboapi.Depends",
    "turboapi.params.Depends",
];

/// The qualified names of `Security`, refused for now.
const SECURITY: &[&str] = &[
    "fastapi.Security",
    "fastapi.param_functions.Security",
    "fastapi.params.Security",
];

impl<'a> Lowerer<'a> {
    fn is_depends(&self, expr: &py::Expr) -> bool {
        is_depends(&self.imports, expr)
    }

    /// The `Depends(...)` call a parameter declares: as its default, in
    /// `Annotated[T, Depends(...)]`, or through a module-level alias of
    /// such an annotation (`SessionDep = Annotated[Session, Depends(get_db)]`,
    /// from any project module; the call is then read in the alias's
    /// module, returned with it).
    pub(super) fn depends_call<'e>(
        &self,
        arg: &'e py::ParameterWithDefault,
    ) -> Option<(Option<&'a crate::project::Module>, &'e py::ExprCall)>
    where
        'a: 'e,
    {
        if let Some(annotation) = arg.parameter.annotation.as_deref() {
            if let Some(call) = annotated_depends(&self.imports, annotation) {
                return Some((None, call));
            }
            if let Some(found) = self.aliased_depends(annotation) {
                return Some(found);
            }
        }
        match arg.default.as_deref().filter(|d| self.is_depends(d))? {
            py::Expr::Call(call) => Some((None, call)),
            _ => None,
        }
    }

    /// `Depends()` through an annotation alias defined at module level.
    fn aliased_depends(
        &self,
        annotation: &py::Expr,
    ) -> Option<(Option<&'a crate::project::Module>, &'a py::ExprCall)> {
        if !matches!(annotation, py::Expr::Name(_) | py::Expr::Attribute(_)) {
            return None;
        }
        let qualified = self.imports.resolve(annotation)?;
        let (module, name) = self.shared.names.split_module(&qualified)?;
        let value = super::constants::module_assignment(self.shared.project, module, name)?;
        let module = self.shared.project.module(module)?;
        let call = annotated_depends(&Scope::new(self.shared.names, &module.name), value)?;
        Some((Some(module), call))
    }

    /// `Depends(f, use_cache=...)`, filling parameter `param` (`None` in
    /// `dependencies=[...]`).
    pub(super) fn dependency(&mut self, call: &py::ExprCall, param: Option<usize>) -> Option<Dependency> {
        let span = self.span(call);
        let mut target = call.arguments.args.first();
        let mut use_cache = true;
        let mut ok = true;
        for keyword in &call.arguments.keywords {
            match keyword.arg.as_ref().map(|a| a.as_str()) {
                Some("dependency") if target.is_none() => target = Some(&keyword.value),
                Some("use_cache") => match literal(&keyword.value) {
                    Some(Literal::Bool(value)) => use_cache = value,
                    _ => {
                        self.refuse(
                            self.span(&keyword.value),
                            "use_cache must be True or False",
                            "write use_cache=False",
                        );
                        ok = false;
                    }
                },
                _ => {
                    self.refuse(
                        self.span(keyword),
                        "this option of `Depends()` is not supported by turbo yet",
                        "turbo reads the dependable and use_cache=",
                    );
                    ok = false;
                }
            }
        }
        let Some(target) = target else {
            self.refuse(
                span,
                "`Depends()` without a dependable is not supported by turbo yet",
                "FastAPI then calls the annotated class; name a function instead: `Depends(get_thing)`",
            );
            return None;
        };
        let callable = self.dependable(target)?;
        ok.then_some(Dependency {
            param,
            use_cache,
            span,
            callable,
        })
    }

    /// `dependencies=[Depends(a), Depends(b)]` of a route decorator.
    pub(super) fn route_dependencies(&mut self, value: &py::Expr) -> Option<Vec<Dependency>> {
        let items = match value {
            py::Expr::List(list) => &list.elts,
            py::Expr::Tuple(tuple) => &tuple.elts,
            _ => {
                self.refuse(
                    self.span(value),
                    "`dependencies=` turbo cannot read",
                    "write the list in place: dependencies=[Depends(verify_token)]",
                );
                return None;
            }
        };
        let mut dependencies = Vec::new();
        let mut ok = true;
        for item in items {
            match item {
                py::Expr::Call(call) if self.is_depends(item) => match self.dependency(call, None) {
                    Some(dependency) => dependencies.push(dependency),
                    None => ok = false,
                },
                _ => {
                    let security = matches!(item, py::Expr::Call(call)
                        if self.imports.resolve(&call.func).is_some_and(|r| SECURITY.contains(&r.as_str())));
                    let message = if security {
                        "`Security()` is not supported by turbo yet"
                    } else {
                        "expected `Depends(...)`"
                    };
                    self.refuse(self.span(item), message, "list `Depends(function)` calls");
                    ok = false;
                }
            }
        }
        ok.then_some(dependencies)
    }

    /// The project function a `Depends()` names, lowered with its own
    /// parameters and dependencies in the module that defines it.
    fn dependable(&mut self, target: &py::Expr) -> Option<Handler> {
        let span = self.span(target);
        let written = self.file.snippet(span).to_owned();
        let Some(qualified) = self.imports.resolve(target) else {
            self.refuse(
                span,
                format!("turbo cannot find `{written}`"),
                "name a function of the project",
            );
            return None;
        };
        if self.dependency_stack.contains(&qualified) {
            self.diags.push(
                Diagnostic::new(
                    Code::DependencyCycle,
                    span,
                    format!("`{written}` depends on itself"),
                )
                .label(format!("through {}", self.dependency_stack.join(" → ")))
                .help("break the cycle: one of them must take the value it needs as a parameter"),
            );
            return None;
        }
        if let Some(lowered) = self.shared.dependables.borrow().get(&qualified) {
            return lowered.clone();
        }
        let project = self.shared.project;
        let callee = super::calls::project_function(project, self.shared.names, &qualified, false)
            .filter(|callee| callee.class.is_none());
        let Some(callee) = callee else {
            let is_class = project_class(project, self.shared.names, &qualified);
            let message = if is_class {
                format!("`{written}` is a class: class dependencies are not supported by turbo yet")
            } else if project
                .module(qualified.rsplit_once('.').map_or("", |(m, _)| m))
                .is_some()
            {
                format!("`{written}` is not a function: turbo compiles dependencies that are `def` functions")
            } else {
                format!("`{written}` is not a function of this project")
            };
            self.refuse(
                span,
                message,
                "depend on a `def` function defined at module level in the project",
            );
            return None;
        };
        let def = callee.def;
        let unsupported = if def.is_async {
            Some("`async def` dependencies are not supported by turbo yet")
        } else if parse::is_generator(def) {
            Some("`yield` dependencies are not supported by turbo yet")
        } else {
            None
        };
        if let Some(message) = unsupported {
            let at = crate::parse::span_of(project.files.get(callee.module.file).id, &def.name);
            self.diags.push(
                Diagnostic::new(Code::UnsupportedDependency, span, message)
                    .secondary(at, "defined here")
                    .help("keep this route on uvicorn for now"),
            );
            self.shared.dependables.borrow_mut().insert(qualified, None);
            return None;
        }
        let mut stack = self.dependency_stack.clone();
        stack.push(qualified.clone());
        let lowered = {
            let mut body = Lowerer::new(self.shared, callee.module, &mut *self.diags);
            body.dependency_stack = stack;
            let handler = body.handler(def);
            let refused = handler.params.iter().find(|p| matches!(p.source, Source::Body));
            match refused {
                Some(param) => {
                    let at = param.span;
                    body.refuse(
                        at,
                        "a body parameter in a dependency is not supported by turbo yet",
                        "read the body in the handler and pass it on",
                    );
                    None
                }
                None => Some(handler),
            }
        };
        self.shared
            .dependables
            .borrow_mut()
            .insert(qualified, lowered.clone());
        lowered
    }

    fn refuse(&mut self, span: crate::source::Span, message: impl Into<String>, help: &str) {
        self.diags.push(
            Diagnostic::new(Code::UnsupportedDependency, span, message.into())
                .label("turbo cannot compile this dependency")
                .help(help.to_owned()),
        );
    }
}

/// Whether `qualified` names a class defined at the top level of a project module.
fn project_class(
    project: &crate::project::Project,
    names: &crate::project::names::Names,
    qualified: &str,
) -> bool {
    let Some((module, name)) = names.split_module(qualified) else {
        return false;
    };
    project.module(module).is_some_and(|module| {
        module
            .stmts
            .iter()
            .filter_map(py::Stmt::as_class_def_stmt)
            .any(|class| class.name.as_str() == name)
    })
}

/// Whether `expr` is a `Depends(...)` call, with `scope`'s imports.
fn is_depends(scope: &Scope<'_>, expr: &py::Expr) -> bool {
    let py::Expr::Call(call) = expr else { return false };
    scope
        .resolve(&call.func)
        .is_some_and(|resolved| DEPENDS.contains(&resolved.as_str()))
}

/// The `Depends(...)` in `Annotated[T, ..., Depends(...)]` (the last one,
/// as FastAPI takes it).
fn annotated_depends<'e>(scope: &Scope<'_>, annotation: &'e py::Expr) -> Option<&'e py::ExprCall> {
    let py::Expr::Subscript(subscript) = annotation else {
        return None;
    };
    if !matches!(
        scope.resolve(&subscript.value).as_deref(),
        Some("typing.Annotated" | "typing_extensions.Annotated")
    ) {
        return None;
    }
    let py::Expr::Tuple(tuple) = &*subscript.slice else {
        return None;
    };
    match tuple.elts.iter().skip(1).rfind(|item| is_depends(scope, item))? {
        py::Expr::Call(call) => Some(call),
        _ => None,
    }
}
