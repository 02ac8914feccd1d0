//! Constants turbo can know without running Python: literals, module-level
//! names bound to constants (in any project module), f-strings and `+` of
//! constants, and fields of a pydantic-settings object read through their
//! defaults (`settings.API_V1_STR`). The server checks at start-up that the
//! app registered what these gave (an environment variable can change a
//! settings field), so a default is a safe compile-time value.

use super::classes::Classes;
use super::literal;
use crate::ir::Literal;
use crate::parse::py;
use crate::project::names::Names;
use crate::project::Project;

/// How many names are followed before giving up (`A = B`, `B = A`).
const MAX_DEPTH: usize = 16;

pub struct Constants<'a> {
    pub project: &'a Project,
    pub names: &'a Names,
    pub classes: &'a Classes,
}

impl Constants<'_> {
    /// The value of `expr` in `module`, if it is a constant.
    pub fn eval(&self, module: &str, expr: &py::Expr) -> Option<Literal> {
        self.eval_at(module, expr, 0)
    }

    fn eval_at(&self, module: &str, expr: &py::Expr, depth: usize) -> Option<Literal> {
        if depth > MAX_DEPTH {
            return None;
        }
        if let Some(value) = literal(expr) {
            return Some(value);
        }
        match expr {
            py::Expr::Name(_) | py::Expr::Attribute(_) => {
                let qualified = self.names.resolve(module, expr)?;
                self.named(&qualified, depth + 1)
            }
            py::Expr::FString(fstring) => {
                let mut text = String::new();
                for part in &fstring.value {
                    match part {
                        py::FStringPart::Literal(literal) => text.push_str(literal),
                        py::FStringPart::FString(fstring) => {
                            for element in &fstring.elements {
                                text.push_str(&self.f_string_element(module, element, depth)?);
                            }
                        }
                    }
                }
                Some(Literal::Str(text))
            }
            py::Expr::BinOp(op) if matches!(op.op, py::Operator::Add) => {
                match (
                    self.eval_at(module, &op.left, depth + 1)?,
                    self.eval_at(module, &op.right, depth + 1)?,
                ) {
                    (Literal::Str(a), Literal::Str(b)) => Some(Literal::Str(a + &b)),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// The text of one part of an f-string: literal text, or a constant
    /// formatted as `str()` formats it (no conversion, spec or `=`).
    fn f_string_element(
        &self,
        module: &str,
        element: &py::InterpolatedStringElement,
        depth: usize,
    ) -> Option<String> {
        match element {
            py::InterpolatedStringElement::Literal(literal) => Some(literal.value.to_string()),
            py::InterpolatedStringElement::Interpolation(value)
                if value.format_spec.is_none()
                    && value.debug_text.is_none()
                    && value.conversion == py::ConversionFlag::None =>
            {
                match self.eval_at(module, &value.expression, depth + 1)? {
                    Literal::Str(s) => Some(s),
                    Literal::Int(digits) => Some(digits),
                    _ => None,
                }
            }
            py::InterpolatedStringElement::Interpolation(_) => None,
        }
    }

    /// The constant a qualified name is bound to: `app.core.config.PREFIX`
    /// or the field `app.core.config.settings.API_V1_STR`.
    fn named(&self, qualified: &str, depth: usize) -> Option<Literal> {
        let (module, rest) = self.names.split_module(qualified)?;
        match rest.split_once('.') {
            None => {
                let value = module_assignment(self.project, module, rest)?;
                self.eval_at(module, value, depth)
            }
            Some((object, field)) if !field.contains('.') => {
                // `settings = Settings()`: a settings field's default.
                let py::Expr::Call(call) = module_assignment(self.project, module, object)? else {
                    return None;
                };
                if !call.arguments.args.is_empty() || !call.arguments.keywords.is_empty() {
                    return None;
                }
                let class = self.names.resolve(module, &call.func)?;
                if !self.classes.settings.contains(&class) {
                    return None;
                }
                self.settings_default(&class, field, depth)
            }
            Some(_) => None,
        }
    }

    /// The default of `field` in a settings class or its project bases.
    fn settings_default(&self, class: &str, field: &str, depth: usize) -> Option<Literal> {
        if depth > MAX_DEPTH {
            return None;
        }
        let (module, name) = self.names.split_module(class)?;
        let definition = self
            .project
            .module(module)?
            .stmts
            .iter()
            .find_map(|stmt| match stmt {
                py::Stmt::ClassDef(def) if def.name.as_str() == name => Some(def),
                _ => None,
            })?;
        for stmt in definition.body.iter().rev() {
            let (target, value) = match stmt {
                py::Stmt::AnnAssign(assign) => (&*assign.target, assign.value.as_deref()),
                py::Stmt::Assign(assign) if assign.targets.len() == 1 => {
                    (&assign.targets[0], Some(&*assign.value))
                }
                _ => continue,
            };
            if matches!(target, py::Expr::Name(n) if n.id.as_str() == field) {
                return self.eval_at(module, value?, depth + 1);
            }
        }
        definition.bases().iter().find_map(|base| {
            let base = self.names.resolve(module, base)?;
            self.settings_default(&base, field, depth + 1)
        })
    }
}

/// The value of the last module-level `name = value` in `module`.
pub fn module_assignment<'p>(project: &'p Project, module: &str, name: &str) -> Option<&'p py::Expr> {
    project.module(module)?.stmts.iter().rev().find_map(|stmt| match stmt {
        py::Stmt::Assign(assign)
            if assign
                .targets
                .iter()
                .any(|t| matches!(t, py::Expr::Name(n) if n.id.as_str() == name)) =>
        {
            Some(&*assign.value)
        }
        py::Stmt::AnnAssign(assign) if matches!(&*assign.target, py::Expr::Name(n) if n.id.as_str() == name) => {
            assign.value.as_deref()
        }
        _ => None,
    })
}
