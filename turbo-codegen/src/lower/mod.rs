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
mod calls;
mod classes;
mod constants;
mod dependables;
mod dependencies;
mod docs;
mod documentation;
mod dynamic;
mod entries;
mod middleware;
mod mounts;
mod options;
mod params;
mod routers;
mod routes;

use app::{ObjectKind, Objects};
use classes::Classes;
use constants::Constants;
use entries::{Entry, Item};

use crate::diagnostics::{Code, Diagnostic, Diagnostics};
use crate::ir::{App, Handler, Literal};
use crate::parse::{self, py, span_of};
use crate::project::names::Names;
use crate::project::order::Order;
use crate::project::Project;
use crate::source::{SourceFile, Span};

/// turbo's `status` module: `NAME = code` lines, read to resolve constants.
const STATUS_MODULE: &str = include_str!("../../../python/turboapi/status.py");

/// Route decorators of apps and routers and the methods they imply.
use crate::contract::ROUTE_DECORATORS;

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
const UNSUPPORTED_ROUTE_OPTIONS: &[&str] = &["form_limits"];

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

/// Lowers a loaded project: the app object of the entry module (named by
/// `app_variable`, or the only one), every route that reaches it through
/// routers, in the order FastAPI tries them.
pub fn lower(
    project: &Project,
    app_variable: Option<&str>,
    factory: bool,
    diags: &mut Diagnostics,
) -> Option<App> {
    let entry = project.entry()?;
    for module in &project.modules {
        crate::imports::check(module.file, &module.stmts, diags);
    }
    let names = Names::collect(project);
    let classes = Classes::collect(project, &names);
    let constants = Constants {
        project,
        names: &names,
        classes: &classes,
    };
    let mut objects = app::find_objects(project, &names, &constants, diags);
    documentation::check_route_list_reads(project, &names, &objects, diags);
    let factory = factory.then_some(app_variable).flatten();
    if let Some(variable) = factory {
        app::factory_app(project, &names, &constants, variable, &mut objects, diags);
    }
    let app_index = app::entry_app(project, &objects, app_variable, diags)?;
    let order = Order::compute(project, &entry.name);
    let app_object = &objects.list[app_index];
    let executed = calls::executed_functions(project, &names, factory.map(|_| app_object.qualified.as_str()));
    let shared = Shared {
        project,
        names: &names,
        constants: &constants,
        classes: &classes,
        objects: &objects,
        executed: &executed,
        app_variable: &app_object.variable,
        dependables: Default::default(),
        object_dependencies: Default::default(),
        documented_routers: documentation::documented_routers(project, &names, &objects),
    };
    let pages = objects
        .list
        .iter()
        .map(|object| object.docs_pages.as_slice())
        .enumerate();
    let mut entries = docs::entries(pages, &project.files, diags);
    for module in &project.modules {
        let mut lowerer = Lowerer::new(&shared, module, diags);
        for (index, stmt) in module.stmts.iter().enumerate() {
            lowerer.at = (order.position(&module.name, index), 0);
            lowerer.statement(stmt);
        }
        entries.extend(lowerer.entries);
    }
    // `--factory`: the server calls the factory after importing the entry.
    if factory.is_some() {
        if let Some(callee) = calls::project_function(project, &names, &app_object.qualified, false) {
            let mut lowerer = Lowerer::new(&shared, entry, diags);
            lowerer.at = (u64::MAX, 0);
            let returned =
                calls::factory_result(&callee.def.body).and_then(|(local, _)| local.map(str::to_owned));
            let frame = returned
                .map(|local| (local, app_object.qualified.clone()))
                .into_iter()
                .collect();
            lowerer.follow(&callee, frame);
            entries.extend(lowerer.entries);
        }
    }
    let ObjectKind::App(framework) = app_object.kind else {
        unreachable!("entry_app returns an application object")
    };
    let mut app = App {
        module: entry.name.clone(),
        variable: app_object.variable.clone(),
        factory: factory.is_some(),
        framework: framework.to_owned(),
        span: app_object.span,
        routes: routers::assemble(app_index, &objects, entries, diags),
        default_response_class: app_object.default_response_class.clone(),
    };
    if app.default_response_class.is_some() {
        for route in &mut app.routes {
            route.python_response = true;
        }
    }
    Some(app)
}

/// Name resolution in one module, as lowering asks for it; in a followed
/// function, its parameters and local imports come first.
struct Scope<'a> {
    names: &'a Names,
    module: &'a str,
    /// Local name → qualified name, for the function being followed.
    frame: Vec<(String, String)>,
}

impl<'a> Scope<'a> {
    fn new(names: &'a Names, module: &'a str) -> Self {
        Scope {
            names,
            module,
            frame: Vec::new(),
        }
    }

    /// The canonical qualified name an expression refers to, if it is a
    /// (dotted) name turbo can follow.
    fn resolve(&self, expr: &py::Expr) -> Option<String> {
        match expr {
            py::Expr::Name(name) => match self
                .frame
                .iter()
                .rev()
                .find(|(local, _)| local == name.id.as_str())
            {
                Some((_, target)) => Some(self.names.canonical(target)),
                None => self.names.resolve_name(self.module, name.id.as_str()),
            },
            py::Expr::Attribute(attribute) => {
                let base = self.resolve(&attribute.value)?;
                Some(self.names.canonical(&format!("{base}.{}", attribute.attr)))
            }
            _ => None,
        }
    }
}

fn is_none(expr: &py::Expr) -> bool {
    matches!(expr, py::Expr::NoneLiteral(_))
}

/// What a decorator is, as far as routing is concerned.
enum DecoratorKind<'a> {
    /// `@app.get(...)` and friends, with the methods it implies (empty for
    /// `api_route`, which names them in `methods=`).
    Route {
        /// The app or router, an index into [`Objects::list`].
        object: usize,
        call: &'a py::ExprCall,
        methods: Vec<String>,
        attribute: &'a str,
    },
    /// `@app.webhooks.post(...)`, or a route of a router only given as
    /// `callbacks=`: documented by FastAPI, never served (`documentation.rs`).
    Documentation,
    /// `@app.something_else(...)`.
    OtherAppMethod(&'a str),
    /// `@app.get` without a call.
    UncalledRoute(&'a str),
    /// `@thing.get(...)` on something that is not an app or router turbo knows.
    ForeignRoute {
        object: String,
        attribute: &'a str,
    },
    /// `@get(...)` where `get = app.get`.
    Alias(&'a str),
    Foreign,
}

fn is_route_attribute(attribute: &str) -> bool {
    matches!(attribute, "api_route" | "websocket")
        || ROUTE_DECORATORS.iter().any(|(name, _)| *name == attribute)
}

/// What the lowering of every module shares.
struct Shared<'a> {
    project: &'a Project,
    names: &'a Names,
    constants: &'a Constants<'a>,
    classes: &'a Classes,
    objects: &'a Objects<'a>,
    /// Functions run by calls turbo follows ([`calls::executed_functions`]).
    executed: &'a std::collections::BTreeSet<String>,
    /// The variable of the application object, for help texts.
    app_variable: &'a str,
    /// Dependables lowered so far, by qualified name (`None`: refused).
    dependables: std::cell::RefCell<std::collections::HashMap<String, Option<Handler>>>,
    /// The `dependencies=` of each app or router, lowered when first used.
    object_dependencies: std::cell::RefCell<std::collections::HashMap<usize, Vec<crate::ir::Dependency>>>,
    /// Routers whose routes are only documented (`documentation.rs`).
    documented_routers: std::collections::BTreeSet<usize>,
}

/// Lowers the statements of one module.
struct Lowerer<'a> {
    file: &'a SourceFile,
    module: &'a str,
    /// The module's top-level statements.
    stmts: &'a [py::Stmt],
    imports: Scope<'a>,
    shared: &'a Shared<'a>,
    diags: &'a mut Diagnostics,
    /// Routes and inclusions, for [`routers::assemble`].
    entries: Vec<Entry>,
    /// Names bound to a route decorator of an app or router (`get = app.get`).
    aliases: Vec<String>,
    /// For the parameter being lowered: what its `Choice` type allows.
    choices: Option<(Vec<Literal>, Option<String>)>,
    /// When the statement being lowered runs: its top-level statement's
    /// position in execution order, and a counter within it.
    at: (u64, u32),
    /// The statement runs only under an `if` (or in a `try`).
    conditional: bool,
    /// How many followed calls deep the statements are (0: module level).
    depth: usize,
    /// `create_app.<locals>.` inside a followed function: the prefix of
    /// the `__qualname__` of functions defined there.
    qualname: String,
    /// The dependables being lowered, outermost first (to find cycles).
    dependency_stack: Vec<String>,
}

impl<'a> Lowerer<'a> {
    /// A lowerer for `module`'s statements at module level.
    fn new(shared: &'a Shared<'a>, module: &'a crate::project::Module, diags: &'a mut Diagnostics) -> Self {
        Lowerer {
            file: shared.project.files.get(module.file),
            module: &module.name,
            stmts: &module.stmts,
            imports: Scope {
                names: shared.names,
                module: &module.name,
                frame: Vec::new(),
            },
            shared,
            diags,
            entries: Vec::new(),
            aliases: Vec::new(),
            choices: None,
            at: (0, 0),
            conditional: false,
            depth: 0,
            qualname: String::new(),
            dependency_stack: Vec::new(),
        }
    }
}

impl Lowerer<'_> {
    /// The span of a node of this module.
    fn span(&self, node: &impl parse::Ranged) -> Span {
        span_of(self.file.id, node)
    }

    /// A statement that runs when the module is imported.
    fn statement(&mut self, stmt: &py::Stmt) {
        match stmt {
            py::Stmt::FunctionDef(def) => {
                self.function(def);
                // A function a followed call runs is lowered there.
                if !self.is_executed(&def.name) {
                    self.nested(&def.body, "a function");
                }
            }
            py::Stmt::Import(_) | py::Stmt::ImportFrom(_) if self.depth > 0 => self.bind_local_import(stmt),
            py::Stmt::Return(_) if self.depth > 0 => {}
            py::Stmt::ClassDef(class) => {
                for decorator in &class.decorator_list {
                    let decorator = &decorator.expression;
                    if let DecoratorKind::Route { .. } = self.decorator_kind(decorator) {
                        self.diags.push(
                            Diagnostic::new(
                                Code::RouteOnNonFunction,
                                self.span(decorator),
                                "route decorator on a class",
                            )
                            .label("FastAPI routes are functions")
                            .help("decorate a `def` or `async def` function"),
                        );
                    }
                }
                // A method a followed call runs is lowered there.
                for stmt in &class.body {
                    match stmt {
                        py::Stmt::FunctionDef(def)
                            if self.is_executed(&format!("{}.{}", class.name, def.name)) => {}
                        _ => self.nested(std::slice::from_ref(stmt), "a class body"),
                    }
                }
            }
            py::Stmt::Expr(expr) => self.top_level_call(&expr.value),
            py::Stmt::Assign(assign) => {
                let target = match assign.targets.as_slice() {
                    [py::Expr::Name(name)] => Some(name.id.as_str()),
                    _ => None,
                };
                let followed = match &*assign.value {
                    py::Expr::Call(call) => self.call_function(call, target),
                    _ => false,
                };
                if !followed {
                    self.alias(assign);
                }
            }
            // Routes and inclusions under `if` are compiled, and served
            // only if the app registers them (the server checks).
            py::Stmt::If(branch) => {
                let outer = std::mem::replace(&mut self.conditional, true);
                for (test, body) in parse::if_branches(branch) {
                    // `if __name__ == "__main__":` does not run when the
                    // server imports the app (its `elif`/`else` may).
                    if test.is_some_and(is_main_guard) {
                        continue;
                    }
                    for stmt in body {
                        self.statement(stmt);
                    }
                }
                self.conditional = outer;
            }
            other => self.nested_stmt(other),
        }
    }

    /// The next position in execution order, for an entry.
    fn next_position(&mut self) -> (u64, u32) {
        self.at.1 += 1;
        self.at
    }

    fn decorator_kind<'d>(&self, decorator: &'d py::Expr) -> DecoratorKind<'d> {
        let py::Expr::Call(call) = decorator else {
            return match self.app_attribute(decorator) {
                Some((_, attribute)) if is_route_attribute(attribute) => {
                    DecoratorKind::UncalledRoute(attribute)
                }
                Some((_, attribute)) => DecoratorKind::OtherAppMethod(attribute),
                None => DecoratorKind::Foreign,
            };
        };
        self.call_kind(call)
    }

    /// What a call used as a decorator is: `app.get(...)` is a route.
    fn call_kind<'d>(&self, call: &'d py::ExprCall) -> DecoratorKind<'d> {
        if let py::Expr::Attribute(method) = &*call.func {
            let objects = self.shared.objects;
            let object = |expr: &py::Expr| self.imports.resolve(expr).and_then(|name| objects.index(&name));
            if is_route_attribute(method.attr.as_str())
                && documentation::is_webhooks(&method.value, object, objects)
            {
                return DecoratorKind::Documentation;
            }
        }
        let Some((object, attribute)) = self.app_attribute(&call.func) else {
            return match &*call.func {
                py::Expr::Name(name) if self.aliases.iter().any(|a| a == name.id.as_str()) => {
                    DecoratorKind::Alias(name.id.as_str())
                }
                py::Expr::Attribute(attribute) if is_route_attribute(attribute.attr.as_str()) => {
                    DecoratorKind::ForeignRoute {
                        object: self.file.snippet(self.span(&*attribute.value)).to_owned(),
                        attribute: attribute.attr.as_str(),
                    }
                }
                _ => DecoratorKind::Foreign,
            };
        };
        if self.shared.documented_routers.contains(&object) && is_route_attribute(attribute) {
            return DecoratorKind::Documentation;
        }
        if attribute == "api_route" {
            return DecoratorKind::Route {
                object,
                call,
                methods: Vec::new(),
                attribute,
            };
        }
        if attribute == "websocket" {
            return DecoratorKind::Route {
                object,
                call,
                methods: vec![crate::contract::WEBSOCKET.to_owned()],
                attribute,
            };
        }
        match ROUTE_DECORATORS.iter().find(|(name, _)| *name == attribute) {
            Some((_, method)) => DecoratorKind::Route {
                object,
                call,
                methods: vec![(*method).to_owned()],
                attribute,
            },
            None => DecoratorKind::OtherAppMethod(attribute),
        }
    }

    /// The object and `attr` when `expr` is `<app or router>.attr`.
    fn app_attribute<'e>(&self, expr: &'e py::Expr) -> Option<(usize, &'e str)> {
        let py::Expr::Attribute(attribute) = expr else {
            return None;
        };
        let object = self
            .shared
            .objects
            .index(&self.imports.resolve(&attribute.value)?)?;
        Some((object, attribute.attr.as_str()))
    }

    fn function(&mut self, def: &py::StmtFunctionDef) {
        let kinds: Vec<_> = def
            .decorator_list
            .iter()
            .map(|d| (&d.expression, self.decorator_kind(&d.expression)))
            .collect();
        let is_route = kinds
            .iter()
            .any(|(_, kind)| matches!(kind, DecoratorKind::Route { .. }));
        for (decorator, kind) in &kinds {
            match kind {
                DecoratorKind::OtherAppMethod("middleware") => self.function_middleware(decorator, def),
                DecoratorKind::OtherAppMethod(attribute) => {
                    self.unsupported_app_feature(attribute, self.span(*decorator))
                }
                DecoratorKind::UncalledRoute(attribute) => self.diags.push(
                    Diagnostic::new(
                        Code::DynamicRoute,
                        self.span(*decorator),
                        "route decorator without a path",
                    )
                    .label("FastAPI registers nothing here: the decorator must be called")
                    .help(format!(
                        "write `@{}.{attribute}(\"/path\")`",
                        self.shared.app_variable
                    )),
                ),
                DecoratorKind::ForeignRoute { object, attribute } => self.diags.push(
                    Diagnostic::new(
                        Code::UnknownAppObject,
                        self.span(*decorator),
                        format!("`@{object}.{attribute}(...)` on something that is not an app or router"),
                    )
                    .label(format!(
                        "`{object}` is not a `FastAPI()` or `APIRouter()` assigned at module level"
                    ))
                    .help(format!(
                        "create it at module level (`{object} = APIRouter()`) so turbo can follow it, \
                         or declare the route with `@{}.{attribute}(...)`",
                        self.shared.app_variable
                    )),
                ),
                DecoratorKind::Alias(name) => self.diags.push(
                    Diagnostic::new(
                        Code::DynamicRoute,
                        self.span(*decorator),
                        format!("route declared through the alias `{name}`"),
                    )
                    .label("turbo cannot follow aliases of route decorators")
                    .help(format!(
                        "use `@{}.<method>(...)` directly",
                        self.shared.app_variable
                    )),
                ),
                DecoratorKind::Foreign if is_route => self.diags.push(
                    Diagnostic::new(
                        Code::ExtraDecorator,
                        self.span(*decorator),
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
        let handler = self.handler(def);
        // Python applies decorators bottom-up, so the lowest registers first.
        for (decorator, kind) in kinds.iter().rev() {
            if let DecoratorKind::Route {
                object,
                call,
                methods,
                attribute,
            } = kind
            {
                if let Some(route) =
                    self.route(*object, decorator, call, methods.clone(), attribute, &handler)
                {
                    let at = self.next_position();
                    self.entries.push(Entry {
                        object: *object,
                        at,
                        conditional: self.conditional,
                        item: Item::Route(Box::new(route)),
                    });
                }
            }
        }
    }

    /// The handler a route calls: the function `def`.
    fn handler(&mut self, def: &py::StmtFunctionDef) -> Handler {
        let returns = def.returns.as_deref();
        let streams = returns.and_then(|r| self.streaming_annotation(r));
        if let Some(stream) = streams.filter(|_| !parse::is_generator(def)) {
            self.diags.push(
                Diagnostic::new(
                    Code::UnsupportedReturnAnnotation,
                    self.span(returns.expect("checked above")),
                    format!("a handler annotated to return `{stream}` that does not `yield`"),
                )
                .label("FastAPI validates the returned value as this type, which is not a stream")
                .help(
                    "`yield` the items to stream them (JSON Lines or server-sent events), or return a list",
                ),
            );
        }
        self.callable(def, false)
    }

    /// A function as FastAPI calls it: its parameters and dependencies;
    /// `bound`: its first parameter is bound by the call (`self` of a
    /// method called on an instance, or of a class's `__init__`).
    pub(super) fn callable(&mut self, def: &py::StmtFunctionDef, bound: bool) -> Handler {
        let args = &*def.parameters;
        let skip_posonly = usize::from(bound && !args.posonlyargs.is_empty());
        let skip_args = usize::from(bound && args.posonlyargs.is_empty());
        for arg in args.posonlyargs.iter().skip(skip_posonly) {
            self.diags.push(
                Diagnostic::new(
                    Code::UnsupportedParamKind,
                    self.span(&arg.parameter),
                    "positional-only parameter in a route handler",
                )
                .label("FastAPI passes parameters by keyword")
                .help("remove the `/` from the signature"),
            );
        }
        for (arg, what) in [(&args.vararg, "*args"), (&args.kwarg, "**kwargs")] {
            if let Some(arg) = arg {
                // From the name on: the parameter's range includes its `*`.
                let span = Span {
                    start: self.span(&arg.name).start,
                    ..self.span(&**arg)
                };
                self.diags.push(
                    Diagnostic::new(
                        Code::UnsupportedParamKind,
                        span,
                        format!("`{what}` in a route handler"),
                    )
                    .label("FastAPI cannot fill this parameter")
                    .help("declare each parameter by name"),
                );
            }
        }
        let returns = def
            .returns
            .as_deref()
            .filter(|returns| !is_none(returns))
            .map(|returns| self.file.snippet(self.span(returns)).to_owned());
        let mut params = Vec::new();
        let mut dependencies = Vec::new();
        let positional = args.args.iter().skip(skip_args).map(|a| (a, false));
        let keyword_only = args.kwonlyargs.iter().map(|a| (a, true));
        for (arg, keyword_only) in positional.chain(keyword_only) {
            if let Some(site) = self.depends_call(arg) {
                let dependency = match site.module {
                    // Read where the alias is defined, with that module's imports.
                    Some(module) => {
                        let mut there = Lowerer::new(self.shared, module, &mut *self.diags);
                        there.dependency_stack = self.dependency_stack.clone();
                        there.dependency(site.call, Some(params.len()), site.declared)
                    }
                    None => self.dependency(site.call, Some(params.len()), site.declared),
                };
                dependencies.extend(dependency);
                params.push(self.object_param(arg, crate::ir::Source::Depends, keyword_only));
            } else if let Some(param) = self.param(arg, keyword_only) {
                params.push(param);
            }
        }
        let span = self.span(&def.name);
        let line = self.file.line_column(span.start as usize).line;
        Handler {
            module: self.module.to_owned(),
            name: format!("{}{}", self.qualname, def.name),
            is_async: def.is_async,
            generator: parse::is_generator(def),
            span,
            line,
            params,
            returns,
            dependencies,
            security_scheme: false,
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
        py::Expr::NoneLiteral(_) => Some(Literal::None),
        py::Expr::BooleanLiteral(b) => Some(Literal::Bool(b.value)),
        py::Expr::NumberLiteral(number) => match &number.value {
            py::Number::Int(i) => Some(Literal::Int(parse::int_digits(i))),
            py::Number::Float(f) => Some(Literal::Float(*f)),
            py::Number::Complex { .. } => None,
        },
        py::Expr::StringLiteral(s) => Some(Literal::Str(s.value.to_str().to_owned())),
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
