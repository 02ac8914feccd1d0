//! Classes of the app module that parameters can name: pydantic models
//! (request bodies) and enums with literal members.

use super::literal;
use crate::imports::Imports;
use crate::ir::Literal;
use crate::parse::py;

/// Module-level classes deriving (directly or through each other) from
/// `pydantic.BaseModel`, in definition order.
pub(super) fn model_classes(stmts: &[py::Stmt], imports: &Imports) -> Vec<String> {
    let mut models: Vec<String> = Vec::new();
    for stmt in stmts {
        let py::Stmt::ClassDef(class) = stmt else { continue };
        let is_model = class.bases.iter().any(|base| {
            matches!(
                imports.resolve(base).as_deref(),
                Some("pydantic.BaseModel" | "pydantic.main.BaseModel")
            ) || matches!(base, py::Expr::Name(name) if models.iter().any(|m| m == name.id.as_str()))
        });
        if is_model {
            models.push(class.name.to_string());
        }
    }
    models
}

/// Module-level `Enum` classes (`str`/`int` mixins, `IntEnum`, `StrEnum`)
/// whose members are all `NAME = literal` with str or int values.
pub(super) fn enum_classes(stmts: &[py::Stmt], imports: &Imports) -> Vec<(String, Vec<(String, Literal)>)> {
    let mut enums = Vec::new();
    for stmt in stmts {
        let py::Stmt::ClassDef(class) = stmt else { continue };
        let is_enum = class.bases.iter().any(|base| {
            matches!(
                imports.resolve(base).as_deref(),
                Some("enum.Enum" | "enum.IntEnum" | "enum.StrEnum")
            )
        });
        if !is_enum {
            continue;
        }
        let mut values = Vec::new();
        let mut plain = true;
        for member in &class.body {
            match member {
                py::Stmt::Assign(assign) if assign.targets.len() == 1 => {
                    match (&assign.targets[0], literal(&assign.value)) {
                        (py::Expr::Name(member), Some(value @ (Literal::Str(_) | Literal::Int(_)))) => {
                            values.push((member.id.to_string(), value))
                        }
                        _ => plain = false,
                    }
                }
                py::Stmt::Pass(_) | py::Stmt::Expr(_) => {}
                _ => plain = false,
            }
        }
        if plain && !values.is_empty() {
            enums.push((class.name.to_string(), values));
        }
    }
    enums
}

/// Module-level classes decorated with `@dataclass` (stdlib or pydantic's),
/// with or without arguments.
pub(super) fn dataclasses(stmts: &[py::Stmt], imports: &Imports) -> Vec<String> {
    let mut found = Vec::new();
    for stmt in stmts {
        let py::Stmt::ClassDef(class) = stmt else { continue };
        let is_dataclass = class.decorator_list.iter().any(|decorator| {
            let target = match decorator {
                py::Expr::Call(call) => &*call.func,
                other => other,
            };
            matches!(
                imports.resolve(target).as_deref(),
                Some("dataclasses.dataclass" | "pydantic.dataclasses.dataclass")
            )
        });
        if is_dataclass {
            found.push(class.name.to_string());
        }
    }
    found
}
