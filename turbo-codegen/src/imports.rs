//! The module's imports, and the names turbo's Python package provides.

use std::collections::BTreeMap;

use crate::diagnostics::{Code, Diagnostic, Diagnostics};
use crate::parse::{py, span_of};

/// Every `fastapi`/`turboapi` module and name the `turboapi` package
/// provides. A test keeps this equal to the package's `__all__`.
pub const PROVIDED: &[(&str, &[&str])] = &[
    (
        "fastapi",
        &[
            "Body",
            "Cookie",
            "FastAPI",
            "File",
            "Form",
            "HTTPException",
            "Header",
            "Path",
            "Query",
            "Request",
            "Response",
            "UploadFile",
        ],
    ),
    ("fastapi.applications", &["FastAPI"]),
    ("fastapi.datastructures", DATASTRUCTURES),
    ("fastapi.encoders", &["jsonable_encoder"]),
    ("fastapi.exceptions", EXCEPTIONS),
    ("fastapi.params", &[]),
    ("fastapi.requests", &["Request"]),
    ("fastapi.responses", RESPONSES),
    ("fastapi.status", &[]),
    (
        "turboapi",
        &[
            "Body",
            "Cookie",
            "FastAPI",
            "File",
            "Form",
            "HTTPException",
            "Header",
            "Path",
            "Query",
            "Request",
            "Response",
            "TurboAPI",
            "UploadFile",
            "jsonable_encoder",
        ],
    ),
    ("turboapi.applications", &["FastAPI", "TurboAPI"]),
    ("turboapi.datastructures", DATASTRUCTURES),
    ("turboapi.encoders", &["jsonable_encoder"]),
    ("turboapi.exceptions", EXCEPTIONS),
    ("turboapi.params", &[]),
    ("turboapi.requests", &["Request"]),
    ("turboapi.responses", RESPONSES),
    ("turboapi.status", &[]),
];

const EXCEPTIONS: &[&str] = &[
    "HTTPException",
    "RequestValidationError",
    "ResponseValidationError",
    "ValidationException",
];

const DATASTRUCTURES: &[&str] = &["FormData", "Headers", "QueryParams", "UploadFile", "URL"];

const RESPONSES: &[&str] = &[
    "HTMLResponse",
    "JSONResponse",
    "ORJSONResponse",
    "PlainTextResponse",
    "RedirectResponse",
    "Response",
];

const BUILTIN_TYPES: &[&str] = &[
    "str", "int", "float", "bool", "bytes", "list", "dict", "set", "tuple",
];

/// `fastapi` or `turboapi` if `qualified` names an application class.
pub fn application_framework(qualified: &str) -> Option<&'static str> {
    match qualified {
        "fastapi.FastAPI" | "fastapi.applications.FastAPI" => Some("fastapi"),
        "turboapi.FastAPI"
        | "turboapi.TurboAPI"
        | "turboapi.applications.FastAPI"
        | "turboapi.applications.TurboAPI" => Some("turboapi"),
        _ => None,
    }
}

fn is_framework_module(module: &str) -> bool {
    ["fastapi", "turboapi"]
        .iter()
        .any(|root| module == *root || module.starts_with(&format!("{root}.")))
}

/// Local names bound by imports, mapped to what they refer to.
#[derive(Default)]
pub struct Imports {
    /// `Optional` → `typing.Optional`, `fa` → `fastapi`, ...
    bindings: BTreeMap<String, String>,
}

impl Imports {
    /// Reads the module's top-level imports, reporting those turbo cannot serve.
    pub fn collect(stmts: &[py::Stmt], diags: &mut Diagnostics) -> Imports {
        let mut imports = Imports::default();
        for stmt in stmts {
            match stmt {
                py::Stmt::Import(import) => {
                    for alias in &import.names {
                        let module = alias.name.as_str();
                        check_module(module, span_of(alias), diags);
                        match &alias.asname {
                            Some(asname) => {
                                imports.bindings.insert(asname.to_string(), module.to_owned());
                            }
                            None => {
                                // `import a.b` binds `a`.
                                let root = module.split('.').next().unwrap_or(module);
                                imports.bindings.insert(root.to_owned(), root.to_owned());
                            }
                        }
                    }
                }
                py::Stmt::ImportFrom(import) => {
                    if import.level.is_some_and(|level| level.to_u32() > 0) {
                        continue;
                    }
                    let Some(module) = &import.module else { continue };
                    let module = module.as_str();
                    if !check_module(module, span_of(stmt), diags) {
                        continue;
                    }
                    for alias in &import.names {
                        let name = alias.name.as_str();
                        if name == "*" {
                            if is_framework_module(module) {
                                diags.push(
                                    Diagnostic::new(
                                        Code::UnknownFastapiName,
                                        span_of(alias),
                                        format!("`from {module} import *`"),
                                    )
                                    .label("turbo needs to see which names are used")
                                    .help(format!("import names explicitly: `from {module} import FastAPI`")),
                                );
                            }
                            continue;
                        }
                        if is_framework_module(module) && !provided(module, name) {
                            diags.push(
                                Diagnostic::new(
                                    Code::UnknownFastapiName,
                                    span_of(alias),
                                    format!("turbo does not provide `{module}.{name}` yet"),
                                )
                                .label("not available in turbo's FastAPI-compatible package")
                                .help(format!("available from {module}: {}", provided_names(module))),
                            );
                        }
                        let local = alias.asname.as_ref().map_or(name, |a| a.as_str());
                        imports
                            .bindings
                            .insert(local.to_owned(), format!("{module}.{name}"));
                    }
                }
                _ => {}
            }
        }
        imports
    }

    /// The qualified name an expression refers to, if it is a (dotted)
    /// name turbo can follow.
    pub fn resolve(&self, expr: &py::Expr) -> Option<String> {
        match expr {
            py::Expr::Name(name) => {
                let id = name.id.as_str();
                match self.bindings.get(id) {
                    Some(qualified) => Some(qualified.clone()),
                    None if BUILTIN_TYPES.contains(&id) => Some(format!("builtins.{id}")),
                    None => None,
                }
            }
            py::Expr::Attribute(attribute) => {
                let base = self.resolve(&attribute.value)?;
                Some(format!("{base}.{}", attribute.attr))
            }
            _ => None,
        }
    }
}

fn provided(module: &str, name: &str) -> bool {
    PROVIDED
        .iter()
        .any(|(m, names)| *m == module && names.contains(&name))
        // `from fastapi import exceptions` imports a provided submodule.
        || PROVIDED.iter().any(|(m, _)| *m == format!("{module}.{name}"))
}

fn provided_names(module: &str) -> String {
    PROVIDED
        .iter()
        .find(|(m, _)| *m == module)
        .map(|(_, names)| names.join(", "))
        .unwrap_or_else(|| "nothing yet".to_owned())
}

/// Reports imports of modules a turbo server cannot provide; `false` if so.
fn check_module(module: &str, span: crate::source::Span, diags: &mut Diagnostics) -> bool {
    if module == "starlette" || module.starts_with("starlette.") {
        diags.push(
            Diagnostic::new(
                Code::UnsupportedModule,
                span,
                format!("turbo does not provide `{module}`"),
            )
            .label("Starlette's request handling does not run inside a turbo server")
            .help("import the FastAPI equivalent instead, e.g. `from fastapi import HTTPException`"),
        );
        return false;
    }
    if is_framework_module(module) && !PROVIDED.iter().any(|(m, _)| *m == module) {
        diags.push(
            Diagnostic::new(
                Code::UnknownFastapiName,
                span,
                format!("turbo does not provide the module `{module}` yet"),
            )
            .label("not available in turbo's FastAPI-compatible package")
            .help(format!(
                "available modules: {}",
                PROVIDED.iter().map(|(m, _)| *m).collect::<Vec<_>>().join(", ")
            )),
        );
        return false;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `turboapi` entries must match the package's `__all__`, or
    /// `turbo check` would accept imports the server cannot satisfy.
    #[test]
    fn provided_names_match_the_python_package() {
        let init = include_str!("../../python/turboapi/__init__.py");
        let start = init.find("__all__ = [").expect("__all__ in turboapi/__init__.py");
        let all = &init[start + "__all__ = ".len()..];
        let all = &all[..=all.find(']').expect("__all__ is a list")];
        let mut exported: Vec<&str> = all
            .trim_matches(|c| c == '[' || c == ']')
            .split(',')
            .map(|s| s.trim().trim_matches(|c: char| c == '"' || c.is_whitespace()))
            .filter(|s| !s.is_empty())
            .collect();
        exported.sort();
        let (_, declared) = PROVIDED.iter().find(|(m, _)| *m == "turboapi").unwrap();
        let mut declared = declared.to_vec();
        declared.sort();
        assert_eq!(exported, declared);
    }
}
