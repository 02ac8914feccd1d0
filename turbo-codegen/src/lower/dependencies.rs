//! `Depends(...)` and `Security(...)`: each dependable is lowered as a
//! callable of its own (FastAPI's `Dependant`), with its parameters and
//! sub-dependencies, from the module that defines it ([`super::dependables`]
//! finds it). It is lowered once per project (routes share the result, so
//! its diagnostics are reported once).

use super::{literal, Lowerer, Scope};
use crate::diagnostics::{Code, Diagnostic};
use crate::ir::{Dependency, DependencyScope, Handler, Literal};
use crate::parse::py;
use crate::project::Module;

/// The qualified names FastAPI's `Depends` goes by.
const DEPENDS: &[&str] = &[
    "fastapi.Depends",
    "fastapi.params.Depends",
    "fastapi.param_functions.Depends",
    "turboapi.Depends",
    "turboapi.params.Depends",
];

/// The qualified names of `Security`: a `Depends` with OAuth2 `scopes=`.
const SECURITY: &[&str] = &[
    "fastapi.Security",
    "fastapi.params.Security",
    "fastapi.param_functions.Security",
    "turboapi.Security",
    "turboapi.params.Security",
];

/// A parameter's `Depends(...)`, where it was found.
pub(super) struct DependsSite<'e> {
    /// The module of the annotation alias it came through, if any (the
    /// call is read there, with that module's imports).
    pub module: Option<&'e Module>,
    pub call: &'e py::ExprCall,
    /// The declared type: `T` of `Annotated[T, Depends()]` or of
    /// `x: T = Depends()`, which `Depends()` without a dependable calls.
    pub declared: Option<&'e py::Expr>,
}

impl<'a> Lowerer<'a> {
    fn is_depends(&self, expr: &py::Expr) -> bool {
        is_depends(&self.imports, expr)
    }

    /// The `Depends(...)` call a parameter declares: as its default, in
    /// `Annotated[T, Depends(...)]`, or through a module-level alias of
    /// such an annotation (`SessionDep = Annotated[Session, Depends(get_db)]`,
    /// from any project module).
    pub(super) fn depends_call<'e>(&self, arg: &'e py::ParameterWithDefault) -> Option<DependsSite<'e>>
    where
        'a: 'e,
    {
        let annotation = arg.parameter.annotation.as_deref();
        if let Some(annotation) = annotation {
            if let Some((call, declared)) = annotated_depends(&self.imports, annotation) {
                return Some(DependsSite {
                    module: None,
                    call,
                    declared: Some(declared),
                });
            }
            if let Some(found) = self.aliased_depends(annotation) {
                return Some(found);
            }
        }
        match arg.default.as_deref().filter(|d| self.is_depends(d))? {
            py::Expr::Call(call) => Some(DependsSite {
                module: None,
                call,
                declared: annotation,
            }),
            _ => None,
        }
    }

    /// `Depends()` through an annotation alias defined at module level.
    fn aliased_depends(&self, annotation: &py::Expr) -> Option<DependsSite<'a>> {
        if !matches!(annotation, py::Expr::Name(_) | py::Expr::Attribute(_)) {
            return None;
        }
        let qualified = self.imports.resolve(annotation)?;
        let (module, name) = self.shared.names.split_module(&qualified)?;
        let value = super::constants::module_assignment(self.shared.project, module, name)?;
        let module = self.shared.project.module(module)?;
        let (call, declared) = annotated_depends(&Scope::new(self.shared.names, &module.name), value)?;
        Some(DependsSite {
            module: Some(module),
            call,
            declared: Some(declared),
        })
    }

    /// `Depends(f, use_cache=..., scope=...)`, filling parameter `param`
    /// (`None` in `dependencies=[...]`); `declared` is the type `Depends()`
    /// without a dependable calls.
    pub(super) fn dependency(
        &mut self,
        call: &py::ExprCall,
        param: Option<usize>,
        declared: Option<&py::Expr>,
    ) -> Option<Dependency> {
        let span = self.span(call);
        let mut target = call.arguments.args.first();
        let mut use_cache = true;
        let mut scope = None;
        let mut scopes = Vec::new();
        let security = is_security(&self.imports, &call.func);
        let mut ok = true;
        for keyword in &call.arguments.keywords {
            match keyword.arg.as_ref().map(|a| a.as_str()) {
                Some("dependency") if target.is_none() => target = Some(&keyword.value),
                Some("scopes") if security => match string_list(&keyword.value) {
                    Some(list) => scopes = list,
                    None => {
                        self.refuse(
                            self.span(&keyword.value),
                            "scopes must be a list of string literals",
                            "write the scopes in place: scopes=[\"items:read\"]",
                        );
                        ok = false;
                    }
                },
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
                Some("scope") => match literal(&keyword.value) {
                    Some(Literal::None) => scope = None,
                    Some(Literal::Str(value)) if DependencyScope::parse(&value).is_some() => {
                        scope = DependencyScope::parse(&value);
                    }
                    _ => {
                        self.refuse(
                            self.span(&keyword.value),
                            "scope must be \"function\" or \"request\"",
                            "write scope=\"function\" to run the exit code before the response is sent",
                        );
                        ok = false;
                    }
                },
                _ => {
                    self.refuse(
                        self.span(keyword),
                        "this option of `Depends()` is not supported by turbo yet",
                        "turbo reads the dependable, use_cache=, scope= and (of `Security()`) scopes=",
                    );
                    ok = false;
                }
            }
        }
        let Some(target) = target.or(declared) else {
            self.refuse(
                span,
                "`Depends()` without a dependable and without a type to call",
                "name the dependable: `Depends(get_thing)`",
            );
            return None;
        };
        let (callable, key) = self.dependable(target)?;
        if let Some(inner) = scope_conflict(&callable, scope) {
            self.diags.push(
                Diagnostic::new(
                    Code::DependencyScope,
                    inner,
                    format!(
                        "the dependency \"{}\" has a scope of \"request\", it cannot depend on dependencies with scope \"function\"",
                        callable.name.rsplit('.').next().unwrap_or(&callable.name)
                    ),
                )
                .secondary(span, "used here with scope \"request\"")
                .help("give both the same scope"),
            );
            ok = false;
        }
        ok.then_some(Dependency {
            param,
            use_cache,
            scope,
            scopes,
            key,
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
                py::Expr::Call(call) if self.is_depends(item) => match self.dependency(call, None, None) {
                    Some(dependency) => dependencies.push(dependency),
                    None => ok = false,
                },
                _ => {
                    self.refuse(
                        self.span(item),
                        "expected `Depends(...)`",
                        "list `Depends(function)` calls",
                    );
                    ok = false;
                }
            }
        }
        ok.then_some(dependencies)
    }

    /// The `dependencies=` of app or router `object` (lowered once, in the
    /// module that creates it): FastAPI prepends them to each route added
    /// to it, and to the routes of each router included into it.
    pub(super) fn object_dependencies(&mut self, object: usize) -> Vec<Dependency> {
        if let Some(lowered) = self.shared.object_dependencies.borrow().get(&object) {
            return lowered.clone();
        }
        let lowered = match self.shared.objects.list[object].dependencies {
            Some((module, value)) => {
                let mut there = Lowerer::new(self.shared, module, &mut *self.diags);
                there.route_dependencies(value).unwrap_or_default()
            }
            None => Vec::new(),
        };
        self.shared
            .object_dependencies
            .borrow_mut()
            .insert(object, lowered.clone());
        lowered
    }

    /// The callable a `Depends()` names, lowered with its own parameters
    /// and dependencies in the module that defines it, and its cache key.
    fn dependable(&mut self, target: &py::Expr) -> Option<(Handler, String)> {
        let span = self.span(target);
        let written = self.file.snippet(span).to_owned();
        let (found, identity, key) = match self.find_dependable(target) {
            Ok(found) => found,
            Err(message) => {
                self.refuse(
                    span,
                    message,
                    "depend on a function, class or instance defined at module level in the project",
                );
                return None;
            }
        };
        if self.dependency_stack.contains(&identity) {
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
        if let Some(lowered) = self.shared.dependables.borrow().get(&identity) {
            return lowered.clone().map(|handler| (handler, key));
        }
        let mut stack = self.dependency_stack.clone();
        stack.push(identity.clone());
        let lowered = self.lower_dependable(span, &found, stack);
        self.shared
            .dependables
            .borrow_mut()
            .insert(identity, lowered.clone());
        lowered.map(|handler| (handler, key))
    }

    fn refuse(&mut self, span: crate::source::Span, message: impl Into<String>, help: &str) {
        self.diags.push(
            Diagnostic::new(Code::UnsupportedDependency, span, message.into())
                .label("turbo cannot compile this dependency")
                .help(help.to_owned()),
        );
    }
}

/// FastAPI's `DependencyScopeError`: a generator used with scope
/// "request" (given or computed) with a sub-dependency of scope
/// "function". The sub-dependency's `Depends()` is returned.
fn scope_conflict(callable: &Handler, scope: Option<DependencyScope>) -> Option<crate::source::Span> {
    if !callable.generator || scope.unwrap_or(DependencyScope::Request) != DependencyScope::Request {
        return None;
    }
    callable
        .dependencies
        .iter()
        .find(|d| d.param.is_some() && d.scope == Some(DependencyScope::Function))
        .map(|d| d.span)
}

/// Whether `expr` is a `Depends(...)` or `Security(...)` call, with
/// `scope`'s imports.
fn is_depends(scope: &Scope<'_>, expr: &py::Expr) -> bool {
    let py::Expr::Call(call) = expr else { return false };
    is_security(scope, &call.func)
        || scope
            .resolve(&call.func)
            .is_some_and(|resolved| DEPENDS.contains(&resolved.as_str()))
}

/// Whether `func` names `Security`.
fn is_security(scope: &Scope<'_>, func: &py::Expr) -> bool {
    scope
        .resolve(func)
        .is_some_and(|resolved| SECURITY.contains(&resolved.as_str()))
}

/// `["a", "b"]` or `("a", "b")` of string literals.
fn string_list(expr: &py::Expr) -> Option<Vec<String>> {
    let items = match expr {
        py::Expr::List(list) => &list.elts,
        py::Expr::Tuple(tuple) => &tuple.elts,
        _ => return None,
    };
    items
        .iter()
        .map(|item| match literal(item) {
            Some(Literal::Str(text)) => Some(text),
            _ => None,
        })
        .collect()
}

/// The `Depends(...)` in `Annotated[T, ..., Depends(...)]` (the last one,
/// as FastAPI takes it), and `T`.
fn annotated_depends<'e>(
    scope: &Scope<'_>,
    annotation: &'e py::Expr,
) -> Option<(&'e py::ExprCall, &'e py::Expr)> {
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
        py::Expr::Call(call) => Some((call, tuple.elts.first()?)),
        _ => None,
    }
}
