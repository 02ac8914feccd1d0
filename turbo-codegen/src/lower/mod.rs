//! Lowering: the Python syntax tree of an app module to the route IR.
//!
//! Reads only what can be known without running Python: imports, the
//! application object, route decorators and handler signatures. Whatever it
//! cannot represent (a computed path, an annotation it cannot extract, a
//! route registered in a loop) becomes a located diagnostic and is left out
//! of the IR; lowering never guesses and never stops at the first problem.
//!
//! `app` finds the application object, `params` lowers handler parameters,
//! `classes` finds the module's pydantic models and enums, `dynamic` reports
//! what turbo cannot follow, `routes` reads route decorators; this file
//! walks the module.

mod app;
mod classes;
mod dynamic;
mod params;
mod routes;

use crate::diagnostics::{Code, Diagnostic, Diagnostics};
use crate::imports::Imports;
use crate::ir::{App, Handler, Literal, Route};
use crate::parse::{py, span_of};
use crate::source::{SourceFile, Span};

/// turbo's `status` module: `NAME = code` lines, read to resolve constants.
const STATUS_MODULE: &str = include_str!("../../../python/turboapi/status.py");

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
    "generate_unique_id_function",
];

/// Route keyword arguments FastAPI has that change behaviour turbo does not
/// implement yet.
const UNSUPPORTED_ROUTE_OPTIONS: &[&str] = &["dependencies", "form_limits"];

/// Options that shape how a response model serializes; the server reads
/// their values from the decorator at start-up.
const RESPONSE_MODEL_OPTIONS: &[&str] = &[
    "response_model_include",
    "response_model_exclude",
    "response_model_by_alias",
    "response_model_exclude_unset",
    "response_model_exclude_defaults",
    "response_model_exclude_none",
];

pub fn lower(file: &SourceFile, module: &str, stmts: &[py::Stmt], diags: &mut Diagnostics) -> Option<App> {
    let imports = Imports::collect(stmts, diags);
    let mut app = app::find_app(file, module, stmts, &imports, diags)?;
    let mut lowerer = Lowerer {
        file,
        imports: &imports,
        app_variable: &app.variable,
        diags,
        routes: Vec::new(),
        aliases: Vec::new(),
        models: classes::model_classes(stmts, &imports),
        enums: classes::enum_classes(stmts, &imports),
        dataclasses: classes::dataclasses(stmts, &imports),
        choices: None,
    };
    lowerer.module(stmts);
    app.routes = lowerer.routes;
    if app.default_response_class.is_some() {
        for route in &mut app.routes {
            route.python_response = true;
        }
    }
    Some(app)
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
    /// Module-level `@dataclass` classes (request bodies, response models).
    dataclasses: Vec<String>,
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
        if let Some(stream) = returns.and_then(|r| self.streaming_annotation(r)) {
            self.diags.push(
                Diagnostic::new(
                    Code::UnsupportedReturnAnnotation,
                    span_of(returns.expect("checked above")),
                    format!("a handler annotated to return `{stream}`"),
                )
                .label("FastAPI streams the items of a generator handler (JSON Lines or server-sent events)")
                .help("streaming responses are not supported by turbo yet; return a list instead"),
            );
        }
        let returns = returns
            .filter(|returns| !is_none(returns))
            .map(|returns| self.file.snippet(span_of(returns)).to_owned());
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
            returns,
        }
    }
}

impl Lowerer<'_> {
    /// `Iterator[...]`, `AsyncGenerator[...]` and friends: FastAPI streams these.
    fn streaming_annotation(&self, returns: &py::Expr) -> Option<String> {
        let base = match returns {
            py::Expr::Subscript(subscript) => &*subscript.value,
            other => other,
        };
        let resolved = self.imports.resolve(base)?;
        let (module, name) = resolved.rsplit_once('.')?;
        let streaming = matches!(module, "typing" | "collections.abc")
            && matches!(
                name,
                "Iterator" | "AsyncIterator" | "Generator" | "AsyncGenerator" | "Iterable" | "AsyncIterable"
            );
        streaming.then(|| name.to_owned())
    }
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
