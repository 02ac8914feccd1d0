//! Classes of the project that parameters can name: pydantic models
//! (request bodies), enums with literal members and dataclasses, by their
//! canonical qualified names (`app.models.Item`), wherever they are defined.

use super::literal;
use crate::ir::Literal;
use crate::parse::py;
use crate::project::names::Names;
use crate::project::Project;

/// The project's classes that parameter annotations can name.
#[derive(Default)]
pub struct Classes {
    /// Subclasses (directly or through each other) of `pydantic.BaseModel`.
    pub models: Vec<String>,
    /// `Enum` classes whose members are all `NAME = literal` (str or int):
    /// class → (member, value).
    pub enums: Vec<(String, Vec<(String, Literal)>)>,
    /// Classes decorated with `@dataclass` (stdlib or pydantic's).
    pub dataclasses: Vec<String>,
    /// Subclasses of pydantic-settings' `BaseSettings`, whose field
    /// defaults are constants turbo can read.
    pub settings: Vec<String>,
}

impl Classes {
    pub fn collect(project: &Project, names: &Names) -> Classes {
        let mut classes = Classes::default();
        let all: Vec<(&str, &py::StmtClassDef)> = project
            .modules
            .iter()
            .flat_map(|module| {
                module.stmts.iter().filter_map(move |stmt| match stmt {
                    py::Stmt::ClassDef(class) => Some((module.name.as_str(), class)),
                    _ => None,
                })
            })
            .collect();
        let qualified = |module: &str, class: &py::StmtClassDef| format!("{module}.{}", class.name);
        // Subclasses may come before their bases in load order: repeat
        // until no new subclass is found.
        for (roots, found) in [
            (
                &["pydantic.BaseModel", "pydantic.main.BaseModel"][..],
                &mut classes.models,
            ),
            (
                &[
                    "pydantic_settings.BaseSettings",
                    "pydantic_settings.main.BaseSettings",
                ][..],
                &mut classes.settings,
            ),
        ] {
            loop {
                let before = found.len();
                for (module, class) in &all {
                    let name = qualified(module, class);
                    if found.contains(&name) {
                        continue;
                    }
                    let derives = class.bases().iter().any(|base| {
                        names
                            .resolve(module, base)
                            .is_some_and(|base| roots.contains(&base.as_str()) || found.contains(&base))
                    });
                    if derives {
                        found.push(name);
                    }
                }
                if found.len() == before {
                    break;
                }
            }
        }
        for (module, class) in &all {
            let resolved = |expr: &py::Expr| names.resolve(module, expr);
            let is_enum = class.bases().iter().any(|base| {
                matches!(
                    resolved(base).as_deref(),
                    Some("enum.Enum" | "enum.IntEnum" | "enum.StrEnum")
                )
            });
            if is_enum {
                if let Some(members) = literal_members(class) {
                    classes.enums.push((qualified(module, class), members));
                }
            }
            let is_dataclass = class.decorator_list.iter().any(|decorator| {
                let target = match &decorator.expression {
                    py::Expr::Call(call) => &*call.func,
                    other => other,
                };
                matches!(
                    resolved(target).as_deref(),
                    Some("dataclasses.dataclass" | "pydantic.dataclasses.dataclass")
                )
            });
            if is_dataclass {
                classes.dataclasses.push(qualified(module, class));
            }
        }
        classes
    }

    pub fn is_model(&self, qualified: &str) -> bool {
        self.models.iter().any(|m| m == qualified)
    }

    pub fn is_dataclass(&self, qualified: &str) -> bool {
        self.dataclasses.iter().any(|m| m == qualified)
    }

    pub fn enum_members(&self, qualified: &str) -> Option<&[(String, Literal)]> {
        self.enums
            .iter()
            .find(|(class, _)| class == qualified)
            .map(|(_, members)| members.as_slice())
    }
}

/// The members of an enum class when all are `NAME = "text"` or `NAME = 1`.
fn literal_members(class: &py::StmtClassDef) -> Option<Vec<(String, Literal)>> {
    let mut values = Vec::new();
    for member in &class.body {
        match member {
            py::Stmt::Assign(assign) if assign.targets.len() == 1 => {
                match (&assign.targets[0], literal(&assign.value)) {
                    (py::Expr::Name(member), Some(value @ (Literal::Str(_) | Literal::Int(_)))) => {
                        values.push((member.id.to_string(), value))
                    }
                    _ => return None,
                }
            }
            py::Stmt::Pass(_) | py::Stmt::Expr(_) => {}
            _ => return None,
        }
    }
    (!values.is_empty()).then_some(values)
}
