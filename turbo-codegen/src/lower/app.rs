//! The application object: `app = FastAPI(...)` and its options.

use super::is_none;
use crate::diagnostics::{Code, Diagnostic, Diagnostics};
use crate::imports::{self, Imports};
use crate::ir::App;
use crate::parse::{py, span_of};
use crate::source::{SourceFile, Span};

/// `FastAPI(...)` keyword arguments that only describe the API.
const DOC_ONLY_APP_OPTIONS: &[&str] = &[
    "title",
    "summary",
    "description",
    "version",
    "terms_of_service",
    "contact",
    "license_info",
    "openapi_tags",
    "servers",
    "swagger_ui_parameters",
    "swagger_ui_oauth2_redirect_url",
    "swagger_ui_init_oauth",
    "separate_input_output_schemas",
    "openapi_prefix",
    "webhooks",
];

/// Where FastAPI serves its generated documentation, unless set to `None`.
const DOCS_OPTIONS: &[&str] = &["openapi_url", "docs_url", "redoc_url"];

/// Finds `app = FastAPI(...)` (or `TurboAPI`) among the top-level statements.
pub(super) fn find_app(
    file: &SourceFile,
    module: &str,
    stmts: &[py::Stmt],
    imports: &Imports,
    diags: &mut Diagnostics,
) -> Option<App> {
    let mut found: Option<App> = None;
    for stmt in stmts {
        let (target, value) = match stmt {
            py::Stmt::Assign(assign) if assign.targets.len() == 1 => (&assign.targets[0], &*assign.value),
            py::Stmt::AnnAssign(assign) => match &assign.value {
                Some(value) => (&*assign.target, &**value),
                None => continue,
            },
            _ => continue,
        };
        let (py::Expr::Name(name), py::Expr::Call(call)) = (target, value) else {
            continue;
        };
        let Some(class) = imports.resolve(&call.func) else {
            continue;
        };
        let Some(framework) = imports::application_framework(&class) else {
            continue;
        };
        if let Some(first) = &found {
            diags.push(
                Diagnostic::new(Code::SeveralApps, span_of(stmt), "a second application object")
                    .label("turbo compiles one application per module")
                    .secondary(first.span, "the application turbo compiles")
                    .help("keep one FastAPI() object per module"),
            );
            continue;
        }
        let default_response_class = check_app_options(call, imports, diags);
        found = Some(App {
            default_response_class,
            module: module.to_owned(),
            variable: name.id.to_string(),
            framework: framework.to_owned(),
            span: span_of(stmt),
            routes: Vec::new(),
        });
    }
    if found.is_none() {
        diags.push(
            Diagnostic::new(
                Code::NoApp,
                Span::new(0, 0),
                format!("no application object in {}", file.name),
            )
            .label("expected `app = FastAPI()` at module level")
            .help("create the app at module level: `from fastapi import FastAPI` then `app = FastAPI()`"),
        );
    }
    found
}

/// Reports options turbo cannot serve; returns `default_response_class=` if set.
fn check_app_options(call: &py::ExprCall, imports: &Imports, diags: &mut Diagnostics) -> Option<String> {
    let mut default_response_class = None;
    for arg in &call.args {
        diags.push(
            Diagnostic::new(
                Code::UnsupportedAppOption,
                span_of(arg),
                "positional argument to FastAPI()",
            )
            .label("turbo reads FastAPI() options by keyword only")
            .help("pass options by keyword, e.g. `FastAPI(title=\"...\")`"),
        );
    }
    let mut docs_disabled = 0;
    for keyword in &call.keywords {
        let Some(name) = &keyword.arg else {
            diags.push(
                Diagnostic::new(
                    Code::UnsupportedAppOption,
                    span_of(keyword),
                    "`**options` in FastAPI()",
                )
                .label("turbo cannot see these options")
                .help("pass each option by name"),
            );
            continue;
        };
        let name = name.as_str();
        if DOC_ONLY_APP_OPTIONS.contains(&name) {
            continue;
        }
        if DOCS_OPTIONS.contains(&name) {
            if is_none(&keyword.value) {
                docs_disabled += 1;
            }
            continue;
        }
        if name == "default_response_class" {
            match imports.resolve(&keyword.value) {
                Some(class) if super::routes::is_response_class(&class) => {
                    default_response_class = Some(class);
                    continue;
                }
                _ => {}
            }
        }
        if name == "debug"
            && matches!(&keyword.value, py::Expr::Constant(c) if matches!(c.value, py::Constant::Bool(false)))
        {
            continue;
        }
        diags.push(
            Diagnostic::new(
                Code::UnsupportedAppOption,
                span_of(keyword),
                format!("FastAPI(`{name}=...`) is not supported by turbo yet"),
            )
            .label("this option changes how requests are served")
            .help(format!("remove `{name}=` or keep serving this app with uvicorn")),
        );
    }
    if docs_disabled < DOCS_OPTIONS.len() {
        diags.push(
            Diagnostic::new(
                Code::DocsNotServed,
                span_of(&*call.func),
                "FastAPI serves /openapi.json, /docs and /redoc; a turbo server does not yet",
            )
            .label("requests for those paths will get 404")
            .help("pass `openapi_url=None, docs_url=None, redoc_url=None` to say you do not need them"),
        );
    }
    default_response_class
}
