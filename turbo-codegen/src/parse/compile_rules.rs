//! Syntax errors CPython reports when compiling, after parsing succeeded:
//! `return`, `yield` and `await` outside a function, `break` and `continue`
//! outside a loop, `nonlocal` at module level, and assignments or `del`s of
//! things that cannot be targets. An app with any of them fails to import,
//! so `turbo check` reports them like parse errors.

use rustpython_parser::ast::{self as py, Ranged, Visitor};

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
pub fn check(file: FileId, stmts: Vec<py::Stmt>) -> Vec<Diagnostic> {
    let mut rules = Rules {
        file,
        scopes: vec![Scope::Module],
        loops: vec![0],
        found: Vec::new(),
    };
    for stmt in stmts {
        rules.visit_stmt(stmt);
    }
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

    fn enter(&mut self, scope: Scope) {
        self.scopes.push(scope);
        self.loops.push(0);
    }

    fn leave(&mut self) {
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
                    py::Expr::Constant(_) => "literal",
                    py::Expr::Lambda(_) => "lambda",
                    _ => "expression",
                };
                self.error(self.span(other), format!("cannot {what} {kind}"));
            }
        }
    }
}

impl Visitor for Rules {
    fn visit_stmt_function_def(&mut self, node: py::StmtFunctionDef) {
        node.decorator_list.into_iter().for_each(|d| self.visit_expr(d));
        self.visit_arguments(*node.args);
        self.enter(Scope::Function);
        node.body.into_iter().for_each(|s| self.visit_stmt(s));
        self.leave();
    }

    fn visit_stmt_async_function_def(&mut self, node: py::StmtAsyncFunctionDef) {
        node.decorator_list.into_iter().for_each(|d| self.visit_expr(d));
        self.visit_arguments(*node.args);
        self.enter(Scope::AsyncFunction);
        node.body.into_iter().for_each(|s| self.visit_stmt(s));
        self.leave();
    }

    fn visit_stmt_class_def(&mut self, node: py::StmtClassDef) {
        node.decorator_list.into_iter().for_each(|d| self.visit_expr(d));
        node.bases.into_iter().for_each(|b| self.visit_expr(b));
        self.enter(Scope::Class);
        node.body.into_iter().for_each(|s| self.visit_stmt(s));
        self.leave();
    }

    fn visit_expr_lambda(&mut self, node: py::ExprLambda) {
        self.visit_arguments(*node.args);
        self.enter(Scope::Lambda);
        self.visit_expr(*node.body);
        self.leave();
    }

    fn visit_stmt_return(&mut self, node: py::StmtReturn) {
        if !self.in_function() {
            self.error(self.span(&node), "'return' outside function");
        }
        self.generic_visit_stmt_return(node);
    }

    fn visit_expr_yield(&mut self, node: py::ExprYield) {
        if !self.in_function() {
            self.error(self.span(&node), "'yield' outside function");
        }
        self.generic_visit_expr_yield(node);
    }

    fn visit_expr_yield_from(&mut self, node: py::ExprYieldFrom) {
        if !self.in_function() {
            self.error(self.span(&node), "'yield' outside function");
        }
        self.generic_visit_expr_yield_from(node);
    }

    fn visit_expr_await(&mut self, node: py::ExprAwait) {
        match self.scope() {
            Scope::AsyncFunction => {}
            Scope::Function | Scope::Lambda => self.error(self.span(&node), "'await' outside async function"),
            Scope::Module | Scope::Class => self.error(self.span(&node), "'await' outside function"),
        }
        self.generic_visit_expr_await(node);
    }

    fn visit_stmt_break(&mut self, node: py::StmtBreak) {
        if self.loop_depth() == 0 {
            self.error(self.span(&node), "'break' outside loop");
        }
    }

    fn visit_stmt_continue(&mut self, node: py::StmtContinue) {
        if self.loop_depth() == 0 {
            self.error(self.span(&node), "'continue' not properly in loop");
        }
    }

    fn visit_stmt_nonlocal(&mut self, node: py::StmtNonlocal) {
        if self.scope() == Scope::Module {
            self.error(
                self.span(&node),
                "nonlocal declaration not allowed at module level",
            );
        }
    }

    fn visit_stmt_for(&mut self, node: py::StmtFor) {
        self.target(&node.target, "assign to");
        self.visit_expr(*node.iter);
        self.in_loop(|rules| node.body.into_iter().for_each(|s| rules.visit_stmt(s)));
        node.orelse.into_iter().for_each(|s| self.visit_stmt(s));
    }

    fn visit_stmt_async_for(&mut self, node: py::StmtAsyncFor) {
        self.target(&node.target, "assign to");
        self.visit_expr(*node.iter);
        self.in_loop(|rules| node.body.into_iter().for_each(|s| rules.visit_stmt(s)));
        node.orelse.into_iter().for_each(|s| self.visit_stmt(s));
    }

    fn visit_stmt_while(&mut self, node: py::StmtWhile) {
        self.visit_expr(*node.test);
        self.in_loop(|rules| node.body.into_iter().for_each(|s| rules.visit_stmt(s)));
        node.orelse.into_iter().for_each(|s| self.visit_stmt(s));
    }

    fn visit_stmt_assign(&mut self, node: py::StmtAssign) {
        node.targets.iter().for_each(|t| self.target(t, "assign to"));
        self.generic_visit_stmt_assign(node);
    }

    fn visit_stmt_aug_assign(&mut self, node: py::StmtAugAssign) {
        if !matches!(
            &*node.target,
            py::Expr::Name(_) | py::Expr::Attribute(_) | py::Expr::Subscript(_)
        ) {
            self.error(
                self.span(&*node.target),
                "illegal expression for augmented assignment",
            );
        }
        self.generic_visit_stmt_aug_assign(node);
    }

    fn visit_stmt_delete(&mut self, node: py::StmtDelete) {
        node.targets.iter().for_each(|t| self.target(t, "delete"));
        self.generic_visit_stmt_delete(node);
    }
}
