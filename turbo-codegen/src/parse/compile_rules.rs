//! Syntax errors CPython reports when compiling, after parsing succeeded:
//! `return`, `yield` and `await` outside a function, `break` and `continue`
//! outside a loop, `nonlocal` at module level, and assignments or `del`s of
//! things that cannot be targets. An app with any of them fails to import,
//! so `turbo check` reports them like parse errors.
//!
//! The parser reports invalid targets too, but [`super::parse_module`]
//! leaves them here: every target it checks (assignments, augmented
//! assignments, `for`, `with ... as`, comprehensions and `del`) is checked
//! below, in CPython's words.

use super::py::visitor::{self, Visitor};
use super::{py, Ranged};

use crate::diagnostics::{Code, Diagnostic};
use crate::source::{FileId, Span};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Scope {
    Module,
    Class,
    Function,
    AsyncFunction,
    Lambda,
}

struct Rules {
    file: FileId,
    scopes: Vec<Scope>,
    /// Loop depth within the current function (or module).
    loops: Vec<usize>,
    found: Vec<Diagnostic>,
}

/// Checks a parsed module; every problem found, in source order.
pub fn check(file: FileId, stmts: &[py::Stmt]) -> Vec<Diagnostic> {
    let mut rules = Rules {
        file,
        scopes: vec![Scope::Module],
        loops: vec![0],
        found: Vec::new(),
    };
    rules.visit_body(stmts);
    rules.found
}

impl Rules {
    fn span(&self, node: &impl Ranged) -> Span {
        super::span_of(self.file, node)
    }

    fn error(&mut self, at: Span, message: impl Into<String>) {
        self.found.push(
            Diagnostic::new(Code::SyntaxError, at, message)
                .label("Python refuses to compile this")
                .help("Python raises SyntaxError when importing the module; fix it before deploying"),
        );
    }

    fn scope(&self) -> Scope {
        *self.scopes.last().expect("the module scope is never popped")
    }

    fn in_function(&self) -> bool {
        matches!(
            self.scope(),
            Scope::Function | Scope::AsyncFunction | Scope::Lambda
        )
    }

    /// Visits what runs in a new scope.
    fn within<F: FnOnce(&mut Self)>(&mut self, scope: Scope, body: F) {
        self.scopes.push(scope);
        self.loops.push(0);
        body(self);
        self.scopes.pop();
        self.loops.pop();
    }

    fn in_loop<F: FnOnce(&mut Self)>(&mut self, body: F) {
        *self.loops.last_mut().expect("a loop counter per scope") += 1;
        body(self);
        *self.loops.last_mut().expect("a loop counter per scope") -= 1;
    }

    fn loop_depth(&self) -> usize {
        *self.loops.last().expect("a loop counter per scope")
    }

    /// `what` is "assign to" or "delete".
    fn target(&mut self, target: &py::Expr, what: &str) {
        match target {
            py::Expr::Name(_) | py::Expr::Attribute(_) | py::Expr::Subscript(_) => {}
            py::Expr::Starred(starred) if what == "assign to" => self.target(&starred.value, what),
            py::Expr::Tuple(tuple) => tuple.elts.iter().for_each(|e| self.target(e, what)),
            py::Expr::List(list) => list.elts.iter().for_each(|e| self.target(e, what)),
            other => {
                let kind = match other {
                    py::Expr::Call(_) => "function call",
                    py::Expr::Lambda(_) => "lambda",
                    _ if other.is_literal_expr() => "literal",
                    _ => "expression",
                };
                self.error(self.span(other), format!("cannot {what} {kind}"));
            }
        }
    }
}

impl<'a> Visitor<'a> for Rules {
    fn visit_stmt(&mut self, stmt: &'a py::Stmt) {
        match stmt {
            py::Stmt::FunctionDef(def) => {
                // Decorators, defaults and annotations run where the
                // function is defined.
                for decorator in &def.decorator_list {
                    self.visit_decorator(decorator);
                }
                if let Some(type_params) = &def.type_params {
                    self.visit_type_params(type_params);
                }
                self.visit_parameters(&def.parameters);
                if let Some(returns) = &def.returns {
                    self.visit_annotation(returns);
                }
                let scope = if def.is_async {
                    Scope::AsyncFunction
                } else {
                    Scope::Function
                };
                self.within(scope, |rules| rules.visit_body(&def.body));
            }
            py::Stmt::ClassDef(class) => {
                for decorator in &class.decorator_list {
                    self.visit_decorator(decorator);
                }
                if let Some(type_params) = &class.type_params {
                    self.visit_type_params(type_params);
                }
                if let Some(arguments) = &class.arguments {
                    self.visit_arguments(arguments);
                }
                self.within(Scope::Class, |rules| rules.visit_body(&class.body));
            }
            py::Stmt::Return(_) => {
                if !self.in_function() {
                    self.error(self.span(stmt), "'return' outside function");
                }
                visitor::walk_stmt(self, stmt);
            }
            py::Stmt::Break(_) => {
                if self.loop_depth() == 0 {
                    self.error(self.span(stmt), "'break' outside loop");
                }
            }
            py::Stmt::Continue(_) => {
                if self.loop_depth() == 0 {
                    self.error(self.span(stmt), "'continue' not properly in loop");
                }
            }
            py::Stmt::Nonlocal(_) => {
                if self.scope() == Scope::Module {
                    self.error(
                        self.span(stmt),
                        "nonlocal declaration not allowed at module level",
                    );
                }
            }
            py::Stmt::For(node) => {
                self.target(&node.target, "assign to");
                self.visit_expr(&node.iter);
                self.visit_expr(&node.target);
                self.in_loop(|rules| rules.visit_body(&node.body));
                self.visit_body(&node.orelse);
            }
            py::Stmt::While(node) => {
                self.visit_expr(&node.test);
                self.in_loop(|rules| rules.visit_body(&node.body));
                self.visit_body(&node.orelse);
            }
            py::Stmt::Assign(node) => {
                node.targets.iter().for_each(|t| self.target(t, "assign to"));
                visitor::walk_stmt(self, stmt);
            }
            py::Stmt::AugAssign(node) => {
                if !matches!(
                    &*node.target,
                    py::Expr::Name(_) | py::Expr::Attribute(_) | py::Expr::Subscript(_)
                ) {
                    self.error(
                        self.span(&*node.target),
                        "illegal expression for augmented assignment",
                    );
                }
                visitor::walk_stmt(self, stmt);
            }
            py::Stmt::Delete(node) => {
                node.targets.iter().for_each(|t| self.target(t, "delete"));
                visitor::walk_stmt(self, stmt);
            }
            _ => visitor::walk_stmt(self, stmt),
        }
    }

    fn visit_with_item(&mut self, item: &'a py::WithItem) {
        if let Some(target) = &item.optional_vars {
            self.target(target, "assign to");
        }
        visitor::walk_with_item(self, item);
    }

    fn visit_comprehension(&mut self, comprehension: &'a py::Comprehension) {
        self.target(&comprehension.target, "assign to");
        visitor::walk_comprehension(self, comprehension);
    }

    fn visit_expr(&mut self, expr: &'a py::Expr) {
        match expr {
            py::Expr::Lambda(lambda) => {
                if let Some(parameters) = &lambda.parameters {
                    self.visit_parameters(parameters);
                }
                self.within(Scope::Lambda, |rules| rules.visit_expr(&lambda.body));
                return;
            }
            py::Expr::Yield(_) | py::Expr::YieldFrom(_) if !self.in_function() => {
                self.error(self.span(expr), "'yield' outside function");
            }
            py::Expr::Await(_) => match self.scope() {
                Scope::AsyncFunction => {}
                Scope::Function | Scope::Lambda => {
                    self.error(self.span(expr), "'await' outside async function")
                }
                Scope::Module | Scope::Class => self.error(self.span(expr), "'await' outside function"),
            },
            _ => {}
        }
        visitor::walk_expr(self, expr);
    }
}
