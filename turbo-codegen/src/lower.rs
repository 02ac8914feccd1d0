//! Lowering: the Python syntax tree of an app module to the route IR.
//!
//! Reads only what can be known without running Python: imports, the
//! application object, route decorators and handler signatures. Whatever it
//! cannot represent (a computed path, an annotation it cannot extract, a
//! route registered in a loop) becomes a located diagnostic and is left out
//! of the IR; lowering never guesses and never stops at the first problem.

use crate::diagnostics::{Code, Diagnostic, Diagnostics};
use crate::imports::{self, Imports};
use crate::ir::{App, Constraints, Handler, Literal, Param, ParamType, PathTemplate, Route, Source};
use crate::parse::{py, span, span_of};
use crate::source::{SourceFile, Span};

/// turbo's `status` module: `NAME = code` lines, read to resolve constants.
const STATUS_MODULE: &str = include_str!("../../python/turboapi/status.py");

/// Route decorators of the application object and the methods they imply.
const ROUTE_DECORATORS: &[(&str, &str)] = &[
    ("get", "GET"),
    ("post", "POST"),
    ("put", "PUT"),
    ("patch", "PATCH"),
    ("delete", "DELETE"),
    ("head", "HEAD"),
    ("options", "OPTIONS"),
    ("trace", "TRACE"),
];

/// Route keyword arguments that only shape the OpenAPI schema, which turbo
/// does not serve: accepted and ignored, as they change no response.
const DOC_ONLY_ROUTE_OPTIONS: &[&str] = &[
    "tags",
    "summary",
    "description",
    "response_description",
    "responses",
    "deprecated",
    "operation_id",
    "include_in_schema",
    "name",
    "openapi_extra",
    "callbacks",
];

/// Route keyword arguments FastAPI has that change behaviour turbo does not
/// implement yet.
const UNSUPPORTED_ROUTE_OPTIONS: &[&str] = &[
    "response_model",
    "dependencies",
    "response_class",
    "response_model_include",
    "response_model_exclude",
    "response_model_by_alias",
    "response_model_exclude_unset",
    "response_model_exclude_defaults",
    "response_model_exclude_none",
    "generate_unique_id_function",
];

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

pub fn lower(file: &SourceFile, module: &str, stmts: &[py::Stmt], diags: &mut Diagnostics) -> Option<App> {
    let imports = Imports::collect(stmts, diags);
    let mut app = find_app(file, module, stmts, &imports, diags)?;
    let mut lowerer = Lowerer {
        file,
        imports: &imports,
        app_variable: &app.variable,
        diags,
        routes: Vec::new(),
        aliases: Vec::new(),
        models: model_classes(stmts, &imports),
        enums: enum_classes(stmts, &imports),
        choices: None,
    };
    lowerer.module(stmts);
    app.routes = lowerer.routes;
    Some(app)
}

/// Finds `app = FastAPI(...)` (or `TurboAPI`) among the top-level statements.
fn find_app(
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
        check_app_options(call, diags);
        found = Some(App {
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

fn check_app_options(call: &py::ExprCall, diags: &mut Diagnostics) {
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
}

fn is_none(expr: &py::Expr) -> bool {
    matches!(expr, py::Expr::Constant(c) if matches!(c.value, py::Constant::None))
}

/// `def` and `async def`, which the syntax tree keeps as two node types.
struct FunctionDef<'a> {
    name: &'a str,
    args: &'a py::Arguments,
    decorators: &'a [py::Expr],
    returns: Option<&'a py::Expr>,
    body: &'a [py::Stmt],
    is_async: bool,
}

impl<'a> FunctionDef<'a> {
    fn of(stmt: &'a py::Stmt) -> Option<Self> {
        Some(match stmt {
            py::Stmt::FunctionDef(def) => FunctionDef {
                name: def.name.as_str(),
                args: &def.args,
                decorators: &def.decorator_list,
                returns: def.returns.as_deref(),
                body: &def.body,
                is_async: false,
            },
            py::Stmt::AsyncFunctionDef(def) => FunctionDef {
                name: def.name.as_str(),
                args: &def.args,
                decorators: &def.decorator_list,
                returns: def.returns.as_deref(),
                body: &def.body,
                is_async: true,
            },
            _ => return None,
        })
    }
}

/// A parameter function call: where it reads from, and the call.
type Marker<'e> = (Source, &'e py::ExprCall);

/// What a parameter function declared.
struct MarkerInfo<'e> {
    source: Source,
    /// The default expression, `None` when required.
    default: Option<&'e py::Expr>,
    alias: Option<String>,
    /// Header only: `user_agent` is read from `user-agent`.
    convert_underscores: bool,
    constraints: Constraints,
}

/// What a decorator is, as far as routing is concerned.
enum DecoratorKind<'a> {
    /// `@app.get(...)` and friends, with the methods it implies (empty for
    /// `api_route`, which names them in `methods=`).
    Route {
        call: &'a py::ExprCall,
        methods: Vec<String>,
        attribute: &'a str,
    },
    /// `@app.something_else(...)`.
    OtherAppMethod(&'a str),
    /// `@app.get` without a call.
    UncalledRoute(&'a str),
    /// `@router.get(...)` on something that is not the app.
    ForeignRoute {
        object: String,
        attribute: &'a str,
    },
    /// `@get(...)` where `get = app.get`.
    Alias(&'a str),
    Foreign,
}

fn is_route_attribute(attribute: &str) -> bool {
    attribute == "api_route" || ROUTE_DECORATORS.iter().any(|(name, _)| *name == attribute)
}

struct Lowerer<'a> {
    file: &'a SourceFile,
    imports: &'a Imports,
    app_variable: &'a str,
    diags: &'a mut Diagnostics,
    routes: Vec<Route>,
    /// Names bound to a route decorator of the app (`get = app.get`).
    aliases: Vec<String>,
    /// Module-level classes that subclass pydantic's `BaseModel`.
    models: Vec<String>,
    /// Module-level `Enum` classes whose members are literals: name → (member, value).
    enums: Vec<(String, Vec<(String, Literal)>)>,
    /// For the parameter being lowered: what its `Choice` type allows.
    choices: Option<(Vec<Literal>, Option<String>)>,
}

impl Lowerer<'_> {
    fn module(&mut self, stmts: &[py::Stmt]) {
        for stmt in stmts {
            match stmt {
                py::Stmt::FunctionDef(_) | py::Stmt::AsyncFunctionDef(_) => {
                    let def = FunctionDef::of(stmt).expect("a function statement");
                    self.function(&def, span_of(stmt));
                    self.nested(def.body, "a function");
                }
                py::Stmt::ClassDef(class) => {
                    for decorator in &class.decorator_list {
                        if let DecoratorKind::Route { .. } = self.decorator_kind(decorator) {
                            self.diags.push(
                                Diagnostic::new(
                                    Code::RouteOnNonFunction,
                                    span_of(decorator),
                                    "route decorator on a class",
                                )
                                .label("FastAPI routes are functions")
                                .help("decorate a `def` or `async def` function"),
                            );
                        }
                    }
                    self.nested(&class.body, "a class body");
                }
                py::Stmt::Expr(expr) => self.top_level_call(&expr.value),
                py::Stmt::Assign(assign) => self.alias(assign),
                py::Stmt::If(branch) if is_main_guard(&branch.test) => {}
                other => self.nested_stmt(other),
            }
        }
    }

    fn decorator_kind<'d>(&self, decorator: &'d py::Expr) -> DecoratorKind<'d> {
        let py::Expr::Call(call) = decorator else {
            return match self.app_attribute(decorator) {
                Some(attribute) if is_route_attribute(attribute) => DecoratorKind::UncalledRoute(attribute),
                Some(attribute) => DecoratorKind::OtherAppMethod(attribute),
                None => DecoratorKind::Foreign,
            };
        };
        self.call_kind(call)
    }

    /// What a call used as a decorator is: `app.get(...)` is a route.
    fn call_kind<'d>(&self, call: &'d py::ExprCall) -> DecoratorKind<'d> {
        let Some(attribute) = self.app_attribute(&call.func) else {
            return match &*call.func {
                py::Expr::Name(name) if self.aliases.iter().any(|a| a == name.id.as_str()) => {
                    DecoratorKind::Alias(name.id.as_str())
                }
                py::Expr::Attribute(attribute) if is_route_attribute(attribute.attr.as_str()) => {
                    DecoratorKind::ForeignRoute {
                        object: self.file.snippet(span_of(&*attribute.value)).to_owned(),
                        attribute: attribute.attr.as_str(),
                    }
                }
                _ => DecoratorKind::Foreign,
            };
        };
        if attribute == "api_route" {
            return DecoratorKind::Route {
                call,
                methods: Vec::new(),
                attribute,
            };
        }
        match ROUTE_DECORATORS.iter().find(|(name, _)| *name == attribute) {
            Some((_, method)) => DecoratorKind::Route {
                call,
                methods: vec![(*method).to_owned()],
                attribute,
            },
            None => DecoratorKind::OtherAppMethod(attribute),
        }
    }

    /// `attr` when `expr` is `<app variable>.attr`.
    fn app_attribute<'e>(&self, expr: &'e py::Expr) -> Option<&'e str> {
        match expr {
            py::Expr::Attribute(attribute) => match &*attribute.value {
                py::Expr::Name(name) if name.id.as_str() == self.app_variable => {
                    Some(attribute.attr.as_str())
                }
                _ => None,
            },
            _ => None,
        }
    }

    fn function(&mut self, def: &FunctionDef<'_>, def_span: Span) {
        let kinds: Vec<_> = def
            .decorators
            .iter()
            .map(|d| (d, self.decorator_kind(d)))
            .collect();
        let is_route = kinds
            .iter()
            .any(|(_, kind)| matches!(kind, DecoratorKind::Route { .. }));
        for (decorator, kind) in &kinds {
            match kind {
                DecoratorKind::OtherAppMethod(attribute) => {
                    self.unsupported_app_feature(attribute, span_of(*decorator))
                }
                DecoratorKind::UncalledRoute(attribute) => self.diags.push(
                    Diagnostic::new(
                        Code::DynamicRoute,
                        span_of(*decorator),
                        "route decorator without a path",
                    )
                    .label("FastAPI registers nothing here: the decorator must be called")
                    .help(format!("write `@{}.{attribute}(\"/path\")`", self.app_variable)),
                ),
                DecoratorKind::ForeignRoute { object, attribute } => self.diags.push(
                    Diagnostic::new(
                        Code::UnknownAppObject,
                        span_of(*decorator),
                        format!("`@{object}.{attribute}(...)` on something that is not the app"),
                    )
                    .label(format!(
                        "turbo compiles the routes of `{}` only",
                        self.app_variable
                    ))
                    .help(format!(
                        "routers and other objects are not supported by turbo yet; \
                         declare the route with `@{}.{attribute}(...)`",
                        self.app_variable
                    )),
                ),
                DecoratorKind::Alias(name) => self.diags.push(
                    Diagnostic::new(
                        Code::DynamicRoute,
                        span_of(*decorator),
                        format!("route declared through the alias `{name}`"),
                    )
                    .label("turbo cannot follow aliases of route decorators")
                    .help(format!("use `@{}.<method>(...)` directly", self.app_variable)),
                ),
                DecoratorKind::Foreign if is_route => self.diags.push(
                    Diagnostic::new(
                        Code::ExtraDecorator,
                        span_of(*decorator),
                        "another decorator on a route handler",
                    )
                    .label("turbo cannot see what this decorator does to the handler")
                    .help("remove it, or move its logic into the handler body"),
                ),
                _ => {}
            }
        }
        if !is_route {
            return;
        }
        let name_span = self.name_span(def_span, def.name, def.is_async);
        let handler = self.handler(def.name, name_span, def.args, def.returns, def.is_async);
        // Python applies decorators bottom-up, so the lowest registers first.
        for (decorator, kind) in kinds.iter().rev() {
            if let DecoratorKind::Route {
                call,
                methods,
                attribute,
            } = kind
            {
                if let Some(route) = self.route(decorator, call, methods.clone(), attribute, &handler) {
                    self.routes.push(route);
                }
            }
        }
    }

    /// The span of the function's name in `def name(`.
    fn name_span(&self, def_span: Span, name: &str, is_async: bool) -> Span {
        let text = self.file.snippet(def_span);
        let keyword = if is_async { "def" } else { "def " };
        text.find(keyword)
            .and_then(|at| {
                let after = at + keyword.len();
                text[after..].find(name).map(|rel| after + rel)
            })
            .map(|offset| def_span.sub(offset, name.len()))
            .unwrap_or(def_span)
    }

    fn handler(
        &mut self,
        name: &str,
        span: Span,
        args: &py::Arguments,
        returns: Option<&py::Expr>,
        is_async: bool,
    ) -> Handler {
        for arg in &args.posonlyargs {
            self.diags.push(
                Diagnostic::new(
                    Code::UnsupportedParamKind,
                    span_of(&arg.def),
                    "positional-only parameter in a route handler",
                )
                .label("FastAPI passes parameters by keyword")
                .help("remove the `/` from the signature"),
            );
        }
        for (arg, what) in [(&args.vararg, "*args"), (&args.kwarg, "**kwargs")] {
            if let Some(arg) = arg {
                self.diags.push(
                    Diagnostic::new(
                        Code::UnsupportedParamKind,
                        span_of(&**arg),
                        format!("`{what}` in a route handler"),
                    )
                    .label("FastAPI cannot fill this parameter")
                    .help("declare each parameter by name"),
                );
            }
        }
        if let Some(returns) = returns {
            if !is_none(returns) {
                self.diags.push(
                    Diagnostic::new(
                        Code::UnsupportedReturnAnnotation,
                        span_of(returns),
                        "return annotation on a route handler",
                    )
                    .label("FastAPI validates and filters the response with this type (a response model)")
                    .help("response models are not supported by turbo yet; remove the annotation or use `-> None`"),
                );
            }
        }
        let mut params = Vec::new();
        let positional = args.args.iter().map(|a| (a, false));
        let keyword_only = args.kwonlyargs.iter().map(|a| (a, true));
        for (arg, keyword_only) in positional.chain(keyword_only) {
            if let Some(param) = self.param(arg, keyword_only) {
                params.push(param);
            }
        }
        let line = self.file.line_column(span.start as usize).line;
        Handler {
            name: name.to_owned(),
            is_async,
            span,
            line,
            params,
        }
    }

    /// A handler parameter. Its source is settled per route (a name in the
    /// path template is a path parameter), so it starts as a query parameter.
    fn param(&mut self, arg: &py::ArgWithDefault, keyword_only: bool) -> Option<Param> {
        self.choices = None;
        let name = arg.def.arg.to_string();
        let span = span(arg.def.range);
        let name_span = span.sub(0, name.len());
        // `x: Annotated[int, Query(...)] = 1` or `x: int = Query(1)`.
        let (annotation, annotated_marker) = match arg.def.annotation.as_deref() {
            Some(annotation) => self.split_annotated(annotation)?,
            None => (None, None),
        };
        let default_marker = arg.default.as_deref().and_then(|d| self.marker(d));
        if let (Some(_), Some((_, call))) = (annotated_marker, default_marker) {
            self.diags.push(
                Diagnostic::new(
                    Code::UnsupportedParamOption,
                    span_of(call),
                    "two parameter declarations",
                )
                .label("FastAPI refuses a parameter function both in `Annotated` and as the default")
                .help("keep one of them"),
            );
            return None;
        }
        let marker = annotated_marker.or(default_marker);
        let (ty, optional, list, annotation_span) = match annotation {
            None => (ParamType::Any, false, false, None),
            Some(annotation) => match self.list_element(annotation) {
                // `list[int]`, `List[str] | None`: the element type.
                Some((element, optional)) => {
                    let (ty, _) = self.annotation(element)?;
                    (ty, optional, true, Some(span_of(annotation)))
                }
                None => {
                    let (ty, optional) = self.annotation(annotation)?;
                    (ty, optional, false, Some(span_of(annotation)))
                }
            },
        };
        let marker_info = match marker {
            Some((source, call)) => Some(self.marker_options(source, call, annotated_marker.is_some())?),
            None => None,
        };
        let default_expr = match (&marker_info, default_marker) {
            // The default is the marker's own `default` (or first argument).
            (Some(info), Some(_)) => info.default,
            _ => arg.default.as_deref(),
        };
        let (default, default_span) = match default_expr {
            None => (None, None),
            Some(default) => (Some(self.default(default)?), Some(span_of(default))),
        };
        let model = annotation.and_then(|a| self.model_name(a)).map(str::to_owned);
        let (choices, enum_class) = self.choices.take().unwrap_or_default();
        let constraints = marker_info
            .as_ref()
            .map(|info| info.constraints.clone())
            .unwrap_or_default();
        let source = match (&marker_info, ty) {
            (Some(info), _) => info.source,
            // FastAPI reads a model-typed (or list-typed) parameter from the body.
            (None, ParamType::Model) => Source::Body,
            (None, _) if list => Source::Body,
            (None, _) => Source::Query,
        };
        let key = match &marker_info {
            Some(MarkerInfo {
                alias: Some(alias), ..
            }) => alias.clone(),
            Some(MarkerInfo {
                source: Source::Header,
                convert_underscores: true,
                ..
            }) => name.replace('_', "-"),
            _ => name.clone(),
        };
        Some(Param {
            choices,
            enum_class,
            list,
            constraints,
            model,
            key,
            name,
            span: name_span,
            source,
            keyword_only,
            ty,
            optional,
            default,
            default_span,
            annotation_span,
        })
    }

    /// `Annotated[T, Query(...)]` → (T, the marker); anything else as is.
    fn split_annotated<'e>(
        &mut self,
        annotation: &'e py::Expr,
    ) -> Option<(Option<&'e py::Expr>, Option<Marker<'e>>)> {
        let py::Expr::Subscript(subscript) = annotation else {
            return Some((Some(annotation), None));
        };
        if !matches!(
            self.imports.resolve(&subscript.value).as_deref(),
            Some("typing.Annotated" | "typing_extensions.Annotated")
        ) {
            return Some((Some(annotation), None));
        }
        let py::Expr::Tuple(tuple) = &*subscript.slice else {
            return Some((Some(annotation), None));
        };
        let (inner, metadata) = tuple.elts.split_first()?;
        let mut marker = None;
        for item in metadata {
            match self.marker(item) {
                Some(found) if marker.is_none() => marker = Some(found),
                _ => {
                    self.diags.push(
                        Diagnostic::new(
                            Code::UnsupportedAnnotation,
                            span_of(item),
                            "unsupported `Annotated` metadata",
                        )
                        .label("turbo reads one Query(), Path(), Header() or Cookie() here")
                        .help("remove the other metadata, or keep this route on uvicorn for now"),
                    );
                    return None;
                }
            }
        }
        Some((Some(inner), marker))
    }

    /// `Query(...)`, `Path(...)`, `Header(...)` or `Cookie(...)` from fastapi/turboapi.
    fn marker<'e>(&self, expr: &'e py::Expr) -> Option<Marker<'e>> {
        let py::Expr::Call(call) = expr else { return None };
        let resolved = self.imports.resolve(&call.func)?;
        let (module, function) = resolved.rsplit_once('.')?;
        if !matches!(
            module,
            "fastapi" | "turboapi" | "fastapi.params" | "turboapi.params"
        ) {
            return None;
        }
        let source = match function {
            "Query" => Source::Query,
            "Path" => Source::Path,
            "Header" => Source::Header,
            "Cookie" => Source::Cookie,
            _ => return None,
        };
        Some((source, call))
    }

    /// The options of a parameter function that turbo serves exactly.
    fn marker_options<'e>(
        &mut self,
        source: Source,
        call: &'e py::ExprCall,
        in_annotated: bool,
    ) -> Option<MarkerInfo<'e>> {
        const DOCUMENTATION: &[&str] = &[
            "title",
            "description",
            "deprecated",
            "include_in_schema",
            "example",
            "examples",
            "openapi_examples",
            "json_schema_extra",
        ];
        let mut info = MarkerInfo {
            source,
            default: call.args.first(),
            alias: None,
            convert_underscores: true,
            constraints: Constraints::default(),
        };
        let mut ok = true;
        for extra in call.args.iter().skip(1) {
            self.diags.push(
                Diagnostic::new(
                    Code::UnsupportedParamOption,
                    span_of(extra),
                    "unexpected positional argument",
                )
                .label("parameter functions take the default, then keyword arguments")
                .help("pass options by keyword"),
            );
            ok = false;
        }
        for keyword in &call.keywords {
            let name = keyword.arg.as_ref().map_or("**", |n| n.as_str());
            match name {
                "default" => info.default = Some(&keyword.value),
                "alias" => match literal(&keyword.value) {
                    Some(Literal::Str(alias)) => info.alias = Some(alias),
                    _ => {
                        self.diags.push(
                            Diagnostic::new(
                                Code::UnsupportedParamOption,
                                span_of(&keyword.value),
                                "alias must be a string literal",
                            )
                            .label("turbo cannot evaluate this")
                            .help("write the alias as a string, e.g. alias=\"item-query\""),
                        );
                        ok = false;
                    }
                },
                "convert_underscores" if source == Source::Header => match literal(&keyword.value) {
                    Some(Literal::Bool(convert)) => info.convert_underscores = convert,
                    _ => {
                        self.diags.push(
                            Diagnostic::new(
                                Code::UnsupportedParamOption,
                                span_of(&keyword.value),
                                "convert_underscores must be True or False",
                            )
                            .label("turbo cannot evaluate this")
                            .help("write convert_underscores=False"),
                        );
                        ok = false;
                    }
                },
                "multiple_of" | "le" | "lt" | "ge" | "gt" => {
                    let value =
                        literal(&keyword.value).filter(|v| matches!(v, Literal::Int(_) | Literal::Float(_)));
                    let Some(value) = value else {
                        self.diags.push(
                            Diagnostic::new(
                                Code::UnsupportedParamOption,
                                span_of(&keyword.value),
                                format!("`{name}=` must be a number literal"),
                            )
                            .label("turbo cannot evaluate this")
                            .help(format!("write the bound, e.g. {name}=1")),
                        );
                        ok = false;
                        continue;
                    };
                    info.constraints.span.get_or_insert(span_of(keyword));
                    let slot = match name {
                        "multiple_of" => &mut info.constraints.multiple_of,
                        "le" => &mut info.constraints.le,
                        "lt" => &mut info.constraints.lt,
                        "ge" => &mut info.constraints.ge,
                        _ => &mut info.constraints.gt,
                    };
                    *slot = Some(value);
                }
                "min_length" | "max_length" => {
                    let value = match literal(&keyword.value) {
                        Some(Literal::Int(digits)) => digits.parse::<usize>().ok(),
                        _ => None,
                    };
                    let Some(value) = value else {
                        self.diags.push(
                            Diagnostic::new(
                                Code::UnsupportedParamOption,
                                span_of(&keyword.value),
                                format!("`{name}=` must be a non-negative integer literal"),
                            )
                            .label("turbo cannot evaluate this")
                            .help(format!("write the length, e.g. {name}=3")),
                        );
                        ok = false;
                        continue;
                    };
                    info.constraints.span.get_or_insert(span_of(keyword));
                    if name == "min_length" {
                        info.constraints.min_length = Some(value);
                    } else {
                        info.constraints.max_length = Some(value);
                    }
                }
                "pattern" | "regex" => match literal(&keyword.value) {
                    Some(Literal::Str(pattern)) => match regex::Regex::new(&pattern) {
                        Ok(_) => {
                            info.constraints.span.get_or_insert(span_of(keyword));
                            info.constraints.pattern = Some(pattern);
                        }
                        Err(error) => {
                            let reason = error.to_string().lines().last().unwrap_or("").trim().to_owned();
                            self.diags.push(
                                Diagnostic::new(
                                    Code::UnsupportedParamOption,
                                    span_of(&keyword.value),
                                    "pattern that pydantic's regex engine rejects",
                                )
                                .label(reason)
                                .help(
                                    "pydantic compiles patterns with Rust's regex crate (no look-around, no \
                                     backreferences); FastAPI fails at start-up with this one",
                                ),
                            );
                            ok = false;
                        }
                    },
                    _ => {
                        self.diags.push(
                            Diagnostic::new(
                                Code::UnsupportedParamOption,
                                span_of(&keyword.value),
                                "pattern must be a string literal",
                            )
                            .label("turbo cannot evaluate this")
                            .help("write the pattern as a string, e.g. pattern=\"^[a-z]+$\""),
                        );
                        ok = false;
                    }
                },
                _ if DOCUMENTATION.contains(&name) => {}
                _ => {
                    self.diags.push(
                        Diagnostic::new(
                            Code::UnsupportedParamOption,
                            span_of(keyword),
                            format!("`{name}=` in a parameter declaration is not supported by turbo yet"),
                        )
                        .label("turbo does not apply this option yet")
                        .help("supported: default, alias, convert_underscores (Header), gt, ge, lt, le, multiple_of, \
                             min_length, max_length, pattern and documentation options"),
                    );
                    ok = false;
                }
            }
        }
        if in_annotated && info.default.is_some() {
            self.diags.push(
                Diagnostic::new(
                    Code::UnsupportedParamOption,
                    span_of(call),
                    "a default inside `Annotated`",
                )
                .label("FastAPI refuses this at start-up")
                .help("give the default after `=`: `x: Annotated[int, Query()] = 1`"),
            );
            ok = false;
        }
        // `Query(...)` (Ellipsis) means required.
        if info
            .default
            .is_some_and(|d| matches!(d, py::Expr::Constant(c) if matches!(c.value, py::Constant::Ellipsis)))
        {
            info.default = None;
        }
        ok.then_some(info)
    }

    /// `int`, `str | None`, `Optional[float]`, `Union[bool, None]`, `UUID`,
    /// a pydantic model of the module, ...
    fn annotation(&mut self, annotation: &py::Expr) -> Option<(ParamType, bool)> {
        if let Some((inner, optional)) = self.optional_inner(annotation) {
            if optional {
                let (ty, _) = self.annotation(inner)?;
                return Some((ty, true));
            }
        }
        if self.model_name(annotation).is_some() {
            return Some((ParamType::Model, false));
        }
        if let py::Expr::Name(name) = annotation {
            if let Some((class, members)) = self.enums.iter().find(|(class, _)| class == name.id.as_str()) {
                let values = members.iter().map(|(_, value)| value.clone()).collect();
                self.choices = Some((values, Some(class.clone())));
                return Some((ParamType::Choice, false));
            }
        }
        if let py::Expr::Subscript(subscript) = annotation {
            if matches!(
                self.imports.resolve(&subscript.value).as_deref(),
                Some("typing.Literal" | "typing_extensions.Literal")
            ) {
                let items: Vec<&py::Expr> = match &*subscript.slice {
                    py::Expr::Tuple(tuple) => tuple.elts.iter().collect(),
                    single => vec![single],
                };
                let values: Option<Vec<Literal>> = items
                    .iter()
                    .map(|item| literal(item).filter(|v| matches!(v, Literal::Str(_) | Literal::Int(_))))
                    .collect();
                if let Some(values) = values {
                    self.choices = Some((values, None));
                    return Some((ParamType::Choice, false));
                }
            }
        }
        let resolved = self.imports.resolve(annotation);
        let ty = match resolved.as_deref() {
            Some("builtins.str") => Some(ParamType::Str),
            Some("builtins.int") => Some(ParamType::Int),
            Some("builtins.float") => Some(ParamType::Float),
            Some("builtins.bool") => Some(ParamType::Bool),
            Some("uuid.UUID") => Some(ParamType::Uuid),
            Some("typing.Any") => Some(ParamType::Any),
            _ => None,
        };
        if ty.is_none() {
            let written = self.file.snippet(span_of(annotation)).to_owned();
            self.diags.push(
                Diagnostic::new(
                    Code::UnsupportedAnnotation,
                    span_of(annotation),
                    format!("turbo cannot extract a parameter annotated `{written}` yet"),
                )
                .label("not a type turbo extracts")
                .help(
                    "path and query parameters may be `str`, `int`, `float`, `bool`, or one of them `| None`",
                ),
            );
        }
        ty.map(|ty| (ty, false))
    }

    /// For `list[X]`, `List[X]` (optionally `| None`): `(X, optional)`.
    fn list_element<'e>(&self, annotation: &'e py::Expr) -> Option<(&'e py::Expr, bool)> {
        let (inner, optional) = match self.optional_inner(annotation) {
            Some((inner, true)) => (inner, true),
            _ => (annotation, false),
        };
        let py::Expr::Subscript(subscript) = inner else {
            return None;
        };
        match self.imports.resolve(&subscript.value).as_deref() {
            Some("builtins.list" | "typing.List") => Some((&subscript.slice, optional)),
            _ => None,
        }
    }

    /// The model class an annotation names, looking through `| None`.
    fn model_name<'e>(&self, annotation: &'e py::Expr) -> Option<&'e str> {
        match annotation {
            py::Expr::Name(name) if self.models.iter().any(|m| m == name.id.as_str()) => {
                Some(name.id.as_str())
            }
            _ => self
                .optional_inner(annotation)
                .and_then(|(inner, _)| self.model_name(inner)),
        }
    }

    /// For `X | None`, `None | X`, `Optional[X]`, `Union[X, None]`: `(X, true)`.
    fn optional_inner<'e>(&self, annotation: &'e py::Expr) -> Option<(&'e py::Expr, bool)> {
        match annotation {
            py::Expr::BinOp(op) if matches!(op.op, py::Operator::BitOr) => {
                if is_none(&op.right) {
                    Some((&op.left, true))
                } else if is_none(&op.left) {
                    Some((&op.right, true))
                } else {
                    None
                }
            }
            py::Expr::Subscript(subscript) => match self.imports.resolve(&subscript.value).as_deref() {
                Some("typing.Optional") => Some((&subscript.slice, true)),
                Some("typing.Union") => match &*subscript.slice {
                    py::Expr::Tuple(tuple) if tuple.elts.len() == 2 => {
                        if is_none(&tuple.elts[1]) {
                            Some((&tuple.elts[0], true))
                        } else if is_none(&tuple.elts[0]) {
                            Some((&tuple.elts[1], true))
                        } else {
                            None
                        }
                    }
                    _ => None,
                },
                _ => None,
            },
            _ => None,
        }
    }

    fn default(&mut self, default: &py::Expr) -> Option<Literal> {
        // `Color.RED`: the member's value (the server turns it back into the member).
        if let py::Expr::Attribute(attribute) = default {
            if let py::Expr::Name(class) = &*attribute.value {
                let member = self
                    .enums
                    .iter()
                    .find(|(name, _)| name == class.id.as_str())
                    .and_then(|(_, members)| members.iter().find(|(m, _)| m == attribute.attr.as_str()));
                if let Some((_, value)) = member {
                    return Some(value.clone());
                }
            }
        }
        let literal = literal(default);
        if literal.is_none() {
            let written = self.file.snippet(span_of(default)).to_owned();
            let help = if matches!(default, py::Expr::Call(_)) {
                "parameter functions such as Query(), Path() and Header() are not supported by turbo yet; \
                 use a plain literal default"
            } else {
                "use a literal default: a string, a number, True, False or None"
            };
            self.diags.push(
                Diagnostic::new(
                    Code::UnsupportedDefault,
                    span_of(default),
                    format!("turbo cannot use `{written}` as a parameter default"),
                )
                .label("not a literal")
                .help(help),
            );
        }
        literal
    }

    fn route(
        &mut self,
        decorator: &py::Expr,
        call: &py::ExprCall,
        mut methods: Vec<String>,
        attribute: &str,
        handler: &Handler,
    ) -> Option<Route> {
        let decorator_span = span_of(decorator);
        let mut path_expr = call.args.first();
        for extra in call.args.iter().skip(1) {
            self.diags.push(
                Diagnostic::new(
                    Code::UnknownRouteOption,
                    span_of(extra),
                    "unexpected positional argument",
                )
                .label(format!("`{attribute}` takes the path, then keyword arguments"))
                .help("pass options by keyword"),
            );
        }
        let mut status_code = 200;
        let mut ok = true;
        for keyword in &call.keywords {
            let Some(name) = keyword.arg.as_ref().map(|n| n.as_str()) else {
                self.diags.push(
                    Diagnostic::new(
                        Code::DynamicRoute,
                        span_of(keyword),
                        "`**options` in a route decorator",
                    )
                    .label("turbo cannot see these options")
                    .help("pass each option by name"),
                );
                ok = false;
                continue;
            };
            match name {
                "path" if path_expr.is_none() => path_expr = Some(&keyword.value),
                "status_code" => match self.status_code(&keyword.value) {
                    Some(code) => status_code = code,
                    None => ok = false,
                },
                "methods" if attribute == "api_route" => match self.methods(&keyword.value) {
                    Some(list) => methods = list,
                    None => ok = false,
                },
                "response_model" if is_none(&keyword.value) => {}
                _ if DOC_ONLY_ROUTE_OPTIONS.contains(&name) => {}
                _ if UNSUPPORTED_ROUTE_OPTIONS.contains(&name) => {
                    self.diags.push(
                        Diagnostic::new(
                            Code::UnsupportedRouteOption,
                            span_of(keyword),
                            format!("`{name}=` is not supported by turbo yet"),
                        )
                        .label("this option changes the response")
                        .help(format!(
                            "remove `{name}=` from the decorator, or keep serving this route with uvicorn"
                        )),
                    );
                    ok = false;
                }
                _ => {
                    self.diags.push(
                        Diagnostic::new(
                            Code::UnknownRouteOption,
                            span_of(keyword),
                            format!("`{attribute}()` has no keyword argument `{name}`"),
                        )
                        .label("unknown option")
                        .help("check the spelling against FastAPI's path operation parameters"),
                    );
                    ok = false;
                }
            }
        }
        if methods.is_empty() {
            methods.push("GET".to_owned());
        }
        let Some(path_expr) = path_expr else {
            self.diags.push(
                Diagnostic::new(
                    Code::DynamicRoute,
                    decorator_span,
                    "route decorator without a path",
                )
                .label("expected a path such as \"/items\"")
                .help(format!(
                    "write the path as the first argument: @{}.{attribute}(\"/path\")",
                    self.app_variable
                )),
            );
            return None;
        };
        let path = self.path_template(path_expr)?;
        let mut handler = handler.clone();
        let path_names: Vec<&str> = path.params().map(|(name, _, _)| name).collect();
        for param in &mut handler.params {
            if path_names.contains(&param.name.as_str()) {
                if !matches!(param.source, Source::Query | Source::Path | Source::Body)
                    || param.key != param.name
                {
                    // Declared as a header/cookie or with an alias: FastAPI
                    // still takes the path value, which is surely unintended.
                    self.diags.push(
                        Diagnostic::new(
                            Code::UnsupportedParamOption,
                            param.span,
                            format!("`{}` is in the path but declared otherwise", param.name),
                        )
                        .label("a path parameter must be a plain parameter or `Path()` without alias")
                        .help("rename the parameter, or declare it with `Path()`"),
                    );
                }
                param.source = Source::Path;
            } else if param.source == Source::Path {
                self.diags.push(
                    Diagnostic::new(
                        Code::MissingPathParam,
                        param.span,
                        format!(
                            "`{}` is declared with `Path()` but the path has no `{{{}}}`",
                            param.name, param.name
                        ),
                    )
                    .label("FastAPI would never fill this parameter")
                    .help(format!("add `{{{}}}` to the path, or use `Query()`", param.name)),
                );
                ok = false;
            }
        }
        ok.then_some(Route {
            methods,
            path,
            status_code,
            handler,
            span: decorator_span,
        })
    }

    fn status_code(&mut self, value: &py::Expr) -> Option<u16> {
        let code = match literal(value) {
            Some(Literal::Int(digits)) => digits.parse::<i64>().ok(),
            _ => self.status_constant(value),
        };
        let unknown_constant = self
            .imports
            .resolve(value)
            .filter(|name| name.starts_with("fastapi.status.") || name.starts_with("turboapi.status."))
            .filter(|_| code.is_none());
        if let Some(name) = unknown_constant {
            let constant = name.rsplit('.').next().unwrap_or_default().to_owned();
            self.diags.push(
                Diagnostic::new(
                    Code::InvalidStatusCode,
                    span_of(value),
                    format!("`status` has no constant `{constant}`"),
                )
                .label("Python raises AttributeError when importing the app")
                .help("check the spelling: constants are named like HTTP_201_CREATED"),
            );
            return None;
        }
        match code {
            Some(code @ 100..=599) => Some(code as u16),
            Some(_) => {
                self.diags.push(
                    Diagnostic::new(
                        Code::InvalidStatusCode,
                        span_of(value),
                        "status code outside 100..=599",
                    )
                    .label("not an HTTP status code")
                    .help("use a status code between 100 and 599"),
                );
                None
            }
            None => {
                self.diags.push(
                    Diagnostic::new(
                        Code::InvalidStatusCode,
                        span_of(value),
                        "status_code must be an integer literal",
                    )
                    .label("turbo cannot evaluate this")
                    .help("write the number, e.g. `status_code=201`, or a `status.HTTP_...` constant"),
                );
                None
            }
        }
    }

    /// `status.HTTP_201_CREATED` from `fastapi.status` (or turbo's): its code.
    fn status_constant(&self, value: &py::Expr) -> Option<i64> {
        let resolved = self.imports.resolve(value)?;
        let (module, name) = resolved.rsplit_once('.')?;
        if !matches!(module, "fastapi.status" | "turboapi.status") {
            return None;
        }
        STATUS_MODULE
            .lines()
            .filter_map(|line| line.split_once(" = "))
            .find(|(constant, _)| *constant == name)
            .and_then(|(_, code)| code.trim().parse().ok())
    }

    fn methods(&mut self, value: &py::Expr) -> Option<Vec<String>> {
        let elements = match value {
            py::Expr::List(list) => &list.elts,
            py::Expr::Tuple(tuple) => &tuple.elts,
            py::Expr::Set(set) => &set.elts,
            _ => {
                self.diags.push(
                    Diagnostic::new(
                        Code::DynamicRoute,
                        span_of(value),
                        "methods must be a list of string literals",
                    )
                    .label("turbo cannot evaluate this")
                    .help("write the methods, e.g. `methods=[\"GET\", \"POST\"]`"),
                );
                return None;
            }
        };
        let mut methods = Vec::new();
        let mut ok = true;
        for element in elements {
            match literal(element) {
                Some(Literal::Str(method)) => {
                    let upper = method.to_ascii_uppercase();
                    if !crate::validate::KNOWN_METHODS.contains(&upper.as_str()) {
                        self.diags.push(
                            Diagnostic::new(
                                Code::UnknownMethod,
                                span_of(element),
                                format!("unknown HTTP method `{method}`"),
                            )
                            .label("not an HTTP method")
                            .help(format!(
                                "use one of {}",
                                crate::validate::KNOWN_METHODS.join(", ")
                            )),
                        );
                        ok = false;
                    } else if !methods.contains(&upper) {
                        methods.push(upper);
                    }
                }
                _ => {
                    self.diags.push(
                        Diagnostic::new(
                            Code::DynamicRoute,
                            span_of(element),
                            "method must be a string literal",
                        )
                        .label("turbo cannot evaluate this")
                        .help("write the method name, e.g. \"GET\""),
                    );
                    ok = false;
                }
            }
        }
        ok.then_some(methods)
    }

    fn path_template(&mut self, expr: &py::Expr) -> Option<PathTemplate> {
        let Some(Literal::Str(raw)) = literal(expr) else {
            self.diags.push(
                Diagnostic::new(
                    Code::DynamicRoute,
                    span_of(expr),
                    "route path is not a string literal",
                )
                .label("turbo cannot evaluate this path without running Python")
                .help("write the path as a plain string literal, e.g. \"/items/{item_id}\""),
            );
            return None;
        };
        let literal_span = span_of(expr);
        let inner = inner_offset(self.file.snippet(literal_span), &raw);
        let at = |offset: usize, len: usize| match inner {
            Some(start) => literal_span.sub(start + offset, len),
            None => literal_span,
        };
        crate::path_template::parse(&raw, at, self.diags).map(|pieces| PathTemplate {
            raw,
            pieces,
            span: literal_span,
        })
    }

    /// `get = app.get`: later `@get(...)` routes cannot be followed.
    fn alias(&mut self, assign: &py::StmtAssign) {
        let Some(attribute) = self.app_attribute(&assign.value) else {
            return;
        };
        if !is_route_attribute(attribute) {
            return;
        }
        for target in &assign.targets {
            if let py::Expr::Name(name) = target {
                self.aliases.push(name.id.to_string());
            }
        }
        self.diags.push(
            Diagnostic::new(
                Code::DynamicRoute,
                span_of(&*assign.value),
                format!("`{}.{attribute}` bound to another name", self.app_variable),
            )
            .label("routes declared through this alias cannot be followed")
            .help(format!(
                "decorate handlers with `@{}.{attribute}(...)` directly",
                self.app_variable
            )),
        );
    }

    fn top_level_call(&mut self, expr: &py::Expr) {
        let py::Expr::Call(call) = expr else { return };
        // `app.get("/x")(handler)`: a route registered without decorator syntax.
        if let py::Expr::Call(inner) = &*call.func {
            if let DecoratorKind::Route { .. } = self.call_kind(inner) {
                self.diags.push(
                    Diagnostic::new(
                        Code::DynamicRoute,
                        span_of(expr),
                        "route registered by calling the decorator",
                    )
                    .label("turbo reads routes from `@app.<method>(...)` decorators")
                    .help("decorate the handler's `def` instead"),
                );
                return;
            }
        }
        if let Some(attribute) = self.app_attribute(&call.func) {
            self.unsupported_app_feature(attribute, span_of(expr));
        }
    }

    fn unsupported_app_feature(&mut self, attribute: &str, span: Span) {
        let (code, message, help) = match attribute {
            "add_api_route" | "add_route" | "api_route" | "route" => (
                Code::DynamicRoute,
                format!("route added with `{}.{attribute}(...)`", self.app_variable),
                "declare the route with a decorator: @app.get(\"/path\")".to_owned(),
            ),
            _ => (
                Code::UnsupportedAppFeature,
                format!(
                    "`{}.{attribute}` is not supported by turbo yet",
                    self.app_variable
                ),
                "remove it, or keep serving this app with uvicorn until turbo supports it".to_owned(),
            ),
        };
        self.diags.push(
            Diagnostic::new(code, span, message)
                .label("turbo cannot compile this")
                .help(help),
        );
    }

    /// Statements below the top level: any route registered there depends on
    /// control flow turbo does not evaluate.
    fn nested(&mut self, stmts: &[py::Stmt], place: &str) {
        for stmt in stmts {
            let decorators: &[py::Expr] = match (stmt, FunctionDef::of(stmt)) {
                (_, Some(def)) => def.decorators,
                (py::Stmt::ClassDef(class), _) => &class.decorator_list,
                _ => &[],
            };
            for decorator in decorators {
                if let DecoratorKind::Route { .. } = self.decorator_kind(decorator) {
                    self.diags.push(
                        Diagnostic::new(
                            Code::DynamicRoute,
                            span_of(decorator),
                            format!("route registered inside {place}"),
                        )
                        .label("whether and how often this runs depends on code turbo does not run")
                        .help("declare routes at module level"),
                    );
                }
            }
            if let py::Stmt::Expr(expr) = stmt {
                if let py::Expr::Call(call) = &*expr.value {
                    if self.app_attribute(&call.func).is_some() || matches!(&*call.func, py::Expr::Call(_)) {
                        if let Some(attribute) = self.app_attribute(&call.func) {
                            self.diags.push(
                                Diagnostic::new(
                                    Code::DynamicRoute,
                                    span_of(stmt),
                                    format!("`{}.{attribute}(...)` inside {place}", self.app_variable),
                                )
                                .label("turbo cannot follow this")
                                .help("configure the app at module level"),
                            );
                        }
                    }
                }
            }
            self.nested_stmt(stmt);
        }
    }

    fn nested_stmt(&mut self, stmt: &py::Stmt) {
        match stmt {
            py::Stmt::FunctionDef(_) | py::Stmt::AsyncFunctionDef(_) => {
                if let Some(def) = FunctionDef::of(stmt) {
                    self.nested(def.body, "a function");
                }
            }
            py::Stmt::ClassDef(class) => self.nested(&class.body, "a class body"),
            py::Stmt::For(s) => {
                self.nested(&s.body, "a loop");
                self.nested(&s.orelse, "a loop");
            }
            py::Stmt::AsyncFor(s) => {
                self.nested(&s.body, "a loop");
                self.nested(&s.orelse, "a loop");
            }
            py::Stmt::While(s) => {
                self.nested(&s.body, "a loop");
                self.nested(&s.orelse, "a loop");
            }
            py::Stmt::If(s) => {
                self.nested(&s.body, "an if block");
                self.nested(&s.orelse, "an if block");
            }
            py::Stmt::With(s) => self.nested(&s.body, "a with block"),
            py::Stmt::AsyncWith(s) => self.nested(&s.body, "a with block"),
            py::Stmt::Try(s) => {
                self.nested(&s.body, "a try block");
                for handler in &s.handlers {
                    let py::ExceptHandler::ExceptHandler(h) = handler;
                    self.nested(&h.body, "a try block");
                }
                self.nested(&s.orelse, "a try block");
                self.nested(&s.finalbody, "a try block");
            }
            _ => {}
        }
    }
}

/// Module-level classes deriving (directly or through each other) from
/// `pydantic.BaseModel`, in definition order.
fn model_classes(stmts: &[py::Stmt], imports: &Imports) -> Vec<String> {
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
fn enum_classes(stmts: &[py::Stmt], imports: &Imports) -> Vec<(String, Vec<(String, Literal)>)> {
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

/// `if __name__ == "__main__":` — does not run when the server imports the app.
fn is_main_guard(test: &py::Expr) -> bool {
    let py::Expr::Compare(compare) = test else {
        return false;
    };
    matches!(&*compare.left, py::Expr::Name(n) if n.id.as_str() == "__name__")
        && compare.comparators.len() == 1
        && matches!(literal(&compare.comparators[0]), Some(Literal::Str(s)) if s == "__main__")
}

/// The value of a literal expression: constants and negated numbers.
pub fn literal(expr: &py::Expr) -> Option<Literal> {
    match expr {
        py::Expr::Constant(constant) => match &constant.value {
            py::Constant::None => Some(Literal::None),
            py::Constant::Bool(b) => Some(Literal::Bool(*b)),
            py::Constant::Int(i) => Some(Literal::Int(i.to_string())),
            py::Constant::Float(f) => Some(Literal::Float(*f)),
            py::Constant::Str(s) => Some(Literal::Str(s.clone())),
            _ => None,
        },
        py::Expr::List(list) => list
            .elts
            .iter()
            .map(literal)
            .collect::<Option<Vec<_>>>()
            .map(Literal::List),
        py::Expr::UnaryOp(unary) if matches!(unary.op, py::UnaryOp::USub) => match literal(&unary.operand)? {
            Literal::Int(digits) if !digits.starts_with('-') => Some(Literal::Int(format!("-{digits}"))),
            Literal::Float(f) => Some(Literal::Float(-f)),
            _ => None,
        },
        _ => None,
    }
}

/// Where the text of a simple string literal starts inside its source
/// (after prefix and quotes), if the source spells `raw` verbatim; `None`
/// for literals with escapes or implicit concatenation.
fn inner_offset(source: &str, raw: &str) -> Option<usize> {
    let quote_at = source.find(['"', '\''])?;
    let quote = &source[quote_at..];
    let quote_len = if quote.starts_with("\"\"\"") || quote.starts_with("'''") {
        3
    } else {
        1
    };
    let start = quote_at + quote_len;
    let end = source.len().checked_sub(quote_len)?;
    (start <= end && &source[start..end] == raw).then_some(start)
}
