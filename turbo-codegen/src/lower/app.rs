//! Application and router objects: `app = FastAPI(...)`,
//! `router = APIRouter(...)` and their options.

use super::constants::Constants;
use super::options::{response_class, DOC_ONLY_ROUTER_OPTIONS};
use crate::diagnostics::{Code, Diagnostic, Diagnostics};
use crate::imports;
use crate::ir::Literal;
use crate::parse::{py, span_of};
use crate::project::names::Names;
use crate::project::Project;
use crate::source::{FileId, Span};

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
    "swagger_ui_init_oauth",
    "separate_input_output_schemas",
    "root_path_in_servers",
    "openapi_external_docs",
    "responses",
    "callbacks",
    "deprecated",
    "include_in_schema",
    "generate_unique_id_function",
    "webhooks",
];

/// Options of `FastAPI()` and `APIRouter()` that the server runs at
/// start-up and shutdown (the app's lifespan), read from the app object.
const LIFESPAN_OPTIONS: &[&str] = &["lifespan", "on_startup", "on_shutdown"];

/// An application or router object created at module level.
pub struct Object<'p> {
    /// Canonical name, e.g. `app.api.routes.items.router`.
    pub qualified: String,
    /// The variable in its module.
    pub variable: String,
    pub kind: ObjectKind,
    /// `APIRouter(prefix=...)`: joined to every route declared on it.
    pub prefix: String,
    /// The assignment.
    pub span: Span,
    /// `FastAPI(default_response_class=...)`, qualified.
    pub default_response_class: Option<String>,
    /// `dependencies=[...]` of the constructor, with the module it is
    /// written in: prepended to every route added to the object.
    pub dependencies: Option<(&'p crate::project::Module, &'p py::Expr)>,
    /// An application's documentation pages (`docs.rs`).
    pub docs_pages: Vec<super::docs::DocsPage>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum ObjectKind {
    /// `FastAPI()`/`TurboAPI()`, from `fastapi` or `turboapi`.
    App(&'static str),
    Router,
}

/// Every application and router object of the project.
#[derive(Default)]
pub struct Objects<'p> {
    pub list: Vec<Object<'p>>,
}

impl Objects<'_> {
    pub fn index(&self, qualified: &str) -> Option<usize> {
        self.list.iter().position(|o| o.qualified == qualified)
    }
}

/// Finds `x = FastAPI(...)` and `x = APIRouter(...)` among the top-level
/// statements of every module, reporting options turbo cannot serve.
pub(super) fn find_objects<'p>(
    project: &'p Project,
    names: &Names,
    constants: &Constants<'_>,
    diags: &mut Diagnostics,
) -> Objects<'p> {
    let mut objects = Objects::default();
    for module in &project.modules {
        let file = project.files.get(module.file);
        for stmt in &module.stmts {
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
            let Some((class, on_instance)) =
                super::calls::call_target(&call.func, |e| names.resolve(&module.name, e))
            else {
                continue;
            };
            // `app = create_app()`: the object the factory builds and returns.
            let (made_in, call, class) = match factory_object(project, names, &class, on_instance) {
                Some((made_in, inner, inner_class)) => (made_in, inner, inner_class),
                None => (module, call, class),
            };
            let made_file = project.files.get(made_in.file).id;
            let mut object = Object {
                qualified: format!("{}.{}", module.name, name.id),
                variable: name.id.to_string(),
                kind: ObjectKind::Router,
                prefix: String::new(),
                span: span_of(file.id, stmt),
                default_response_class: None,
                dependencies: dependencies_option(made_in, call),
                docs_pages: Vec::new(),
            };
            if let Some(framework) = imports::application_framework(&class) {
                object.kind = ObjectKind::App(framework);
                (object.default_response_class, object.docs_pages) =
                    check_app_options(made_file, call, &made_in.name, names, constants, diags);
            } else if imports::is_router_class(&class) {
                (object.prefix, object.default_response_class) =
                    check_router_options(made_file, call, &made_in.name, names, constants, diags);
            } else {
                continue;
            }
            objects.list.push(object);
        }
    }
    objects
}

/// For `--factory` (`app.main:create_app`): the application the factory
/// `variable` of the entry module builds, as an object of that name.
pub(super) fn factory_app<'p>(
    project: &'p Project,
    names: &Names,
    constants: &Constants<'_>,
    variable: &str,
    objects: &mut Objects<'p>,
    diags: &mut Diagnostics,
) {
    let Some(entry) = project.entry() else { return };
    let qualified = format!("{}.{variable}", entry.name);
    let file = project.files.get(entry.file);
    let Some((made_in, call, class)) = factory_object(project, names, &qualified, false) else {
        diags.push(
            Diagnostic::new(
                Code::NoApp,
                file.span(0, 0),
                format!("`{variable}` in {} is not a factory turbo can follow", file.name),
            )
            .label("expected `def {variable}(): app = FastAPI(...); ...; return app` at module level")
            .help("define the factory at module level, returning the app it creates"),
        );
        return;
    };
    let Some(framework) = imports::application_framework(&class) else {
        diags.push(
            Diagnostic::new(
                Code::NoApp,
                file.span(0, 0),
                format!("`{variable}()` does not return a FastAPI app"),
            )
            .label("the factory returns something turbo cannot serve")
            .help("return the `FastAPI()` object the factory creates"),
        );
        return;
    };
    let definition =
        super::calls::project_function(project, names, &qualified, false).map(|callee| callee.def);
    let made_file = project.files.get(made_in.file).id;
    let (default_response_class, docs_pages) =
        check_app_options(made_file, call, &made_in.name, names, constants, diags);
    objects.list.push(Object {
        qualified,
        variable: variable.to_owned(),
        kind: ObjectKind::App(framework),
        prefix: String::new(),
        span: definition.map_or(file.span(0, 0), |def| span_of(file.id, &def.name)),
        default_response_class,
        dependencies: dependencies_option(made_in, call),
        docs_pages,
    });
}

/// The `dependencies=` of a `FastAPI(...)` or `APIRouter(...)` call.
fn dependencies_option<'p>(
    module: &'p crate::project::Module,
    call: &'p py::ExprCall,
) -> Option<(&'p crate::project::Module, &'p py::Expr)> {
    call.arguments
        .keywords
        .iter()
        .find(|keyword| {
            keyword
                .arg
                .as_ref()
                .is_some_and(|name| name.as_str() == "dependencies")
        })
        .map(|keyword| (module, &keyword.value))
}

/// For a call of a project factory function or method: the module defining it, the
/// `FastAPI(...)`/`APIRouter(...)` call whose object it returns, and that
/// class's qualified name.
fn factory_object<'p>(
    project: &'p Project,
    names: &Names,
    function: &str,
    on_instance: bool,
) -> Option<(&'p crate::project::Module, &'p py::ExprCall, String)> {
    let callee = super::calls::project_function(project, names, function, on_instance)?;
    let (_, call) = super::calls::factory_result(&callee.def.body)?;
    let class = names.resolve(&callee.module.name, &call.func)?;
    Some((callee.module, call, class))
}

/// The application object of the entry module: `variable` if given
/// (`app.main:app`), else the one `FastAPI()` assigned at its top level.
pub(super) fn entry_app(
    project: &Project,
    objects: &Objects,
    variable: Option<&str>,
    diags: &mut Diagnostics,
) -> Option<usize> {
    let entry = project.entry()?;
    let file = project.files.get(entry.file);
    let prefix = format!("{}.", entry.name);
    let mounted = mounted_variables(&entry.stmts);
    let mut found: Option<usize> = None;
    for (index, object) in objects.list.iter().enumerate() {
        let in_entry = object
            .qualified
            .strip_prefix(&prefix)
            .is_some_and(|v| !v.contains('.'));
        if !in_entry || !matches!(object.kind, ObjectKind::App(_)) {
            continue;
        }
        // An application mounted on another (`app.mount("/v2", v2)`) is
        // served by it, not on its own.
        if variable.is_none() && mounted.iter().any(|m| *m == object.variable) {
            continue;
        }
        if variable.is_some_and(|v| v != object.variable) {
            continue;
        }
        if let Some(first) = found {
            diags.push(
                Diagnostic::new(Code::SeveralApps, object.span, "a second application object")
                    .label("turbo compiles one application per module")
                    .secondary(objects.list[first].span, "the application turbo compiles")
                    .help("keep one FastAPI() object per module, or name the one to serve: `module:app`"),
            );
            continue;
        }
        found = Some(index);
    }
    if found.is_none() {
        let (message, help) = match variable {
            Some(variable) => (
                format!("no application object `{variable}` in {}", file.name),
                format!("assign `{variable} = FastAPI()` at module level in {}", file.name),
            ),
            None => (
                format!("no application object in {}", file.name),
                "create the app at module level: `from fastapi import FastAPI` then `app = FastAPI()`"
                    .to_owned(),
            ),
        };
        diags.push(
            Diagnostic::new(Code::NoApp, file.span(0, 0), message)
                .label("expected `app = FastAPI()` at module level")
                .help(help),
        );
    }
    found
}

/// Reads `APIRouter(...)` options; returns the `prefix=` and the
/// `default_response_class=` (qualified).
fn check_router_options(
    file: FileId,
    call: &py::ExprCall,
    module: &str,
    names: &Names,
    constants: &Constants<'_>,
    diags: &mut Diagnostics,
) -> (String, Option<String>) {
    let mut prefix = String::new();
    let mut default_response_class = None;
    for (name, keyword) in named_options(file, call, "APIRouter", "prefix=\"/items\"", diags) {
        // `redirect_slashes` is ignored by FastAPI once the router is
        // included; `dependencies` are lowered with the routes.
        if DOC_ONLY_ROUTER_OPTIONS.contains(&name)
            || name == "redirect_slashes"
            || name == "dependencies"
            || LIFESPAN_OPTIONS.contains(&name)
        {
            continue;
        }
        if name == "prefix" {
            match constants.eval(module, &keyword.value) {
                Some(Literal::Str(value)) => {
                    if let Some(problem) = super::options::prefix_problem(&value) {
                        diags.push(
                            Diagnostic::new(Code::InvalidPath, span_of(file, &keyword.value), problem)
                                .label("FastAPI raises AssertionError when the module is imported")
                                .help("write the prefix as `/name`: a leading `/` and no trailing `/`"),
                        );
                    }
                    prefix = value;
                }
                _ => diags.push(
                    Diagnostic::new(
                        Code::DynamicRoute,
                        span_of(file, &keyword.value),
                        "router prefix turbo cannot evaluate",
                    )
                    .label("not a constant turbo can read without running Python")
                    .help("use a string, a module-level constant or a settings field with a default"),
                ),
            }
            continue;
        }
        if name == "default_response_class" {
            if let Some(class) = response_class(names, module, &keyword.value) {
                default_response_class = Some(class);
                continue;
            }
        }
        diags.push(
            Diagnostic::new(
                Code::UnsupportedAppOption,
                span_of(file, keyword),
                format!("APIRouter(`{name}=...`) is not supported by turbo yet"),
            )
            .label("this option changes how requests are served")
            .help(format!("remove `{name}=` or keep serving this app with uvicorn")),
        );
    }
    (prefix, default_response_class)
}

/// Reports options turbo cannot serve; returns `default_response_class=` if
/// set, and the documentation pages the app serves.
fn check_app_options(
    file: FileId,
    call: &py::ExprCall,
    module: &str,
    names: &Names,
    constants: &Constants<'_>,
    diags: &mut Diagnostics,
) -> (Option<String>, Vec<super::docs::DocsPage>) {
    let mut default_response_class = None;
    for (name, keyword) in named_options(file, call, "FastAPI", "title=\"...\"", diags) {
        if DOC_ONLY_APP_OPTIONS.contains(&name) {
            continue;
        }
        if super::docs::OPTIONS.contains(&name) {
            continue;
        }
        if name == "default_response_class" {
            if let Some(class) = response_class(names, module, &keyword.value) {
                default_response_class = Some(class);
                continue;
            }
        }
        // Looked up by the server at start-up, as Starlette does;
        // `dependencies` are lowered with the routes.
        if name == "exception_handlers" || name == "dependencies" || LIFESPAN_OPTIONS.contains(&name) {
            continue;
        }
        if name == "middleware" {
            let site = super::middleware::Site { file, module, names };
            super::middleware::check_option(&site, &keyword.value, diags);
            continue;
        }
        if name == "debug" && matches!(&keyword.value, py::Expr::BooleanLiteral(b) if !b.value) {
            continue;
        }
        diags.push(
            Diagnostic::new(
                Code::UnsupportedAppOption,
                span_of(file, keyword),
                format!("FastAPI(`{name}=...`) is not supported by turbo yet"),
            )
            .label("this option changes how requests are served")
            .help(format!("remove `{name}=` or keep serving this app with uvicorn")),
        );
    }
    let docs_pages = super::docs::pages(file, call, module, constants, diags);
    (default_response_class, docs_pages)
}

/// The keyword options of a `FastAPI(...)` or `APIRouter(...)` call, by
/// name; positional arguments and `**options` are reported (turbo reads
/// options by name only).
fn named_options<'c>(
    file: FileId,
    call: &'c py::ExprCall,
    class: &str,
    example: &str,
    diags: &mut Diagnostics,
) -> Vec<(&'c str, &'c py::Keyword)> {
    for arg in &call.arguments.args {
        diags.push(
            Diagnostic::new(
                Code::UnsupportedAppOption,
                span_of(file, arg),
                format!("positional argument to {class}()"),
            )
            .label(format!("turbo reads {class}() options by keyword only"))
            .help(format!("pass options by keyword, e.g. `{class}({example})`")),
        );
    }
    let mut named = Vec::new();
    for keyword in &call.arguments.keywords {
        match &keyword.arg {
            Some(name) => named.push((name.as_str(), keyword)),
            None => diags.push(
                Diagnostic::new(
                    Code::UnsupportedAppOption,
                    span_of(file, keyword),
                    format!("`**options` in {class}()"),
                )
                .label("turbo cannot see these options")
                .help("pass each option by name"),
            ),
        }
    }
    named
}

/// The names given as the application of `x.mount(path, name)` at the top
/// level of a module.
fn mounted_variables(stmts: &[py::Stmt]) -> Vec<&str> {
    stmts
        .iter()
        .filter_map(|stmt| match stmt {
            py::Stmt::Expr(expr) => match &*expr.value {
                py::Expr::Call(call) => Some(call),
                _ => None,
            },
            _ => None,
        })
        .filter(|call| matches!(&*call.func, py::Expr::Attribute(a) if a.attr.as_str() == "mount"))
        .filter_map(|call| {
            let app = call.arguments.args.get(1).or_else(|| {
                call.arguments
                    .keywords
                    .iter()
                    .find(|k| k.arg.as_ref().is_some_and(|a| a.as_str() == "app"))
                    .map(|k| &k.value)
            })?;
            match app {
                py::Expr::Name(name) => Some(name.id.as_str()),
                _ => None,
            }
        })
        .collect()
}
