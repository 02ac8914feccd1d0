//! The route IR: what the compiler knows about an app, as plain data.
//!
//! Produced by `lower`, checked by `validate`, consumed by `emit` and by
//! `turbo routes`. It holds no parser types, so the front end can change
//! without touching the back end; every item keeps its source span.

use serde::Serialize;

use crate::shared_template::{Captures, Matcher, Piece};
use crate::source::Span;

#[derive(Debug, Clone, Serialize)]
pub struct App {
    /// Import name of the module (`app` for `app.py`).
    pub module: String,
    /// The variable bound to the application object, or the factory
    /// function that returns it (`factory`).
    pub variable: String,
    /// The server calls `variable` to get the app (`--factory`).
    pub factory: bool,
    /// `fastapi` or `turboapi`: where the application class was imported from.
    pub framework: String,
    pub span: Span,
    pub routes: Vec<Route>,
    /// `FastAPI(default_response_class=...)`, qualified.
    pub default_response_class: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Route {
    /// Upper-case methods, in the order written.
    pub methods: Vec<String>,
    pub path: PathTemplate,
    /// `status_code=` of the decorator (FastAPI's default is 200).
    pub status_code: u16,
    /// The response is built in Python as FastAPI builds it: a response
    /// model or return annotation, a response class, or an injected
    /// `Response`. Otherwise the server encodes the return value in Rust.
    pub python_response: bool,
    pub handler: Handler,
    /// The whole decorator expression.
    pub span: Span,
    /// Registered only under an `if` (here or on an inclusion above it):
    /// served only if the app registers it at start-up.
    pub conditional: bool,
    /// The routers it was included through, outermost first (qualified
    /// names); empty for a route declared on the app.
    pub via: Vec<String>,
    /// Starlette's `Mount` (`app.mount("/static", StaticFiles(...))`): the
    /// path and everything below it, for every method (`methods` lists the
    /// standard ones, for the analyses); its handler is the mounted app's
    /// endpoint in turbo's package.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub mount: bool,
    /// The end of a mounted FastAPI application's routes (Starlette's
    /// `Mount` of it): what they do not match under its path is its own
    /// 404 or 405, never a later route's.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub boundary: bool,
}

impl Route {
    /// `@app.websocket(...)`: listed under the WebSocket pseudo-method.
    pub fn is_websocket(&self) -> bool {
        self.methods.len() == 1 && self.methods[0] == crate::contract::WEBSOCKET
    }

    /// The methods the server matches, as the runtime and the start-up
    /// check spell them: none for a mount (every method).
    pub fn matched_methods(&self) -> &[String] {
        if self.mount {
            &[]
        } else {
            &self.methods
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct PathTemplate {
    /// The template as written, e.g. `/items/{item_id:int}`.
    pub raw: String,
    pub pieces: Vec<PathPiece>,
    /// The string literal in the source.
    pub span: Span,
}

impl PathTemplate {
    pub fn params(&self) -> impl Iterator<Item = (&str, Convertor, Span)> {
        self.pieces.iter().filter_map(|piece| match piece {
            PathPiece::Param {
                name,
                convertor,
                span,
            } => Some((name.as_str(), *convertor, *span)),
            PathPiece::Literal(_) => None,
        })
    }

    pub fn is_static(&self) -> bool {
        self.params().next().is_none()
    }

    /// The template in the form the runtime's matcher takes.
    pub fn shared_pieces(&self) -> Vec<Piece<'_>> {
        self.pieces
            .iter()
            .map(|piece| match piece {
                PathPiece::Literal(text) => Piece::Literal(text),
                PathPiece::Param { convertor, .. } => Piece::Param(*convertor),
            })
            .collect()
    }

    /// The template as one piece per segment after the leading `/`, if
    /// every parameter fills a whole segment and none is `:path` (the
    /// server then matches it segment by segment: [`Matcher::Segments`]).
    /// The template was validated, so a segment that is not exactly
    /// `{name}` or `{name:convertor}` and holds a brace is "complex".
    pub fn segment_pieces(&self) -> Option<Vec<Piece<'_>>> {
        let mut params = self.params();
        self.raw[1..]
            .split('/')
            .map(|segment| {
                if !segment.contains(['{', '}']) {
                    return Some(Piece::Literal(segment));
                }
                let inner = segment.strip_prefix('{')?.strip_suffix('}')?;
                if inner.contains(['{', '}']) {
                    return None;
                }
                let (_, convertor, _) = params.next()?;
                (convertor != Convertor::Path).then_some(Piece::Param(convertor))
            })
            .collect()
    }

    /// Whether the template matches `path`, exactly as the server's
    /// matcher for it (the one the emitter writes) would.
    pub fn matches(&self, path: &str) -> bool {
        let captures = &mut Captures::default();
        if self.is_static() {
            return Matcher::Exact(&self.raw).matches(path, captures);
        }
        match self.segment_pieces() {
            Some(segments) => Matcher::Segments(&segments).matches(path, captures),
            None => Matcher::Pieces(&self.shared_pieces()).matches(path, captures),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum PathPiece {
    Literal(String),
    Param {
        name: String,
        #[serde(serialize_with = "serialize_convertor")]
        convertor: Convertor,
        span: Span,
    },
}

/// Starlette's path convertors: the runtime's own type (see `shared_template`).
pub use crate::shared_template::Convertor;

/// Convertors serialize as their names (`int`, `path`, ...).
fn serialize_convertor<S: serde::Serializer>(
    convertor: &Convertor,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(convertor.name())
}

#[derive(Debug, Clone, Serialize)]
pub struct Handler {
    /// The module defining it, e.g. `app.api.routes.items`.
    pub module: String,
    pub name: String,
    pub is_async: bool,
    /// Its body has `yield`: a generator (FastAPI runs a generator
    /// dependable as a context manager).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub generator: bool,
    /// The function name in its `def`.
    pub span: Span,
    /// 1-based line of the `def`.
    pub line: usize,
    pub params: Vec<Param>,
    /// The return annotation as written, unless absent or `None`.
    pub returns: Option<String>,
    /// FastAPI's sub-dependants, in the order it solves them: the route's
    /// `dependencies=[...]` first, then `Depends()` parameters in
    /// signature order. Each is solved (and called) before this callable's
    /// own parameters are read.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub dependencies: Vec<Dependency>,
    /// An instance of a `fastapi.security` scheme (a `SecurityBase`):
    /// FastAPI keys its cache by the route's OAuth2 scopes too.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub security_scheme: bool,
}

impl Handler {
    /// This callable and every dependable below it, depth first.
    pub fn callables(&self) -> Vec<&Handler> {
        let mut found = vec![self];
        for dependency in &self.dependencies {
            found.extend(dependency.callable.callables());
        }
        found
    }

    /// Applies `f` to this callable and every dependable below it.
    pub fn for_each_callable_mut(&mut self, f: &mut impl FnMut(&mut Handler)) {
        f(self);
        for dependency in &mut self.dependencies {
            dependency.callable.for_each_callable_mut(f);
        }
    }

    /// `module.name`: the cache key of a dependable within a request.
    pub fn qualified(&self) -> String {
        format!("{}.{}", self.module, self.name)
    }
}

/// One `Depends(...)`: a dependable called before the callable that
/// declares it, its result passed as a parameter (or dropped, for
/// `dependencies=[...]`).
#[derive(Debug, Clone, Serialize)]
pub struct Dependency {
    /// Index of the [`Source::Depends`] parameter it fills; `None` for
    /// `dependencies=[...]`.
    pub param: Option<usize>,
    /// `use_cache=` (default `True`): a dependable already called for this
    /// request is not called again; its value is reused.
    pub use_cache: bool,
    /// `scope=` of the `Depends(...)`, if given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<DependencyScope>,
    /// `Security(f, scopes=[...])`: the OAuth2 scopes it adds to those of
    /// the callables above it (FastAPI's `own_oauth_scopes`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub scopes: Vec<String>,
    /// What FastAPI's per-request cache knows the dependable by: the
    /// function or class (`module.name`), or the instance (the variable
    /// holding it, or the place that creates it).
    pub key: String,
    /// The `Depends(...)` call.
    pub span: Span,
    /// The dependable, with its own parameters and dependencies.
    pub callable: Handler,
}

impl Dependency {
    /// FastAPI's computed scope (`_get_computed_scope`): as given, else
    /// `request` for a generator, else none.
    pub fn computed_scope(&self) -> Option<DependencyScope> {
        self.scope
            .or(self.callable.generator.then_some(DependencyScope::Request))
    }

    /// The exit stack a `yield` dependable is entered on.
    pub fn exit_scope(&self) -> DependencyScope {
        self.computed_scope().unwrap_or(DependencyScope::Request)
    }
}

/// `Depends(scope=...)`: when a `yield` dependency's exit code runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DependencyScope {
    /// Right after the handler returns, before the response is sent.
    Function,
    /// After the response is sent.
    Request,
}

impl DependencyScope {
    /// `scope="function"` or `scope="request"`.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "function" => Some(Self::Function),
            "request" => Some(Self::Request),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Function => "function",
            Self::Request => "request",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Param {
    /// The Python parameter name.
    pub name: String,
    /// The name in the request (query key, header, cookie), as FastAPI
    /// derives it (alias, underscores to dashes for headers); also the
    /// second element of an error's `loc`.
    pub key: String,
    pub span: Span,
    pub source: Source,
    /// Must be passed by keyword (declared after `*`).
    pub keyword_only: bool,
    pub ty: ParamType,
    /// `X | None` / `Optional[X]`.
    pub optional: bool,
    /// `list[X]`: every value sent under the name; `ty` is the element type.
    pub list: bool,
    pub default: Option<Literal>,
    pub default_span: Option<Span>,
    pub annotation_span: Option<Span>,
    /// For [`ParamType::Model`]: the pydantic model class's name.
    pub model: Option<String>,
    /// `ge=`, `max_length=`, ... from `Query()` and friends.
    pub constraints: Constraints,
    /// For [`ParamType::Choice`]: the allowed values, and the `Enum` class
    /// (`None` for `Literal[...]`).
    pub choices: Vec<Literal>,
    pub enum_class: Option<String>,
    /// `Body(embed=True)`: the body is an object with this parameter under its key.
    pub embed: bool,
    /// `Form()`, `File()` or an `UploadFile` annotation: a field of a form
    /// body (the whole route's body is then read as a form, as in FastAPI).
    pub form: bool,
    /// The annotation as written (without `Annotated` metadata), for labels.
    pub annotation_text: Option<String>,
}

impl Param {
    /// A parameter with nothing but its name, where its value comes from
    /// and its type: no default, annotation or constraints (an object
    /// FastAPI passes, or one turbo's own endpoints declare).
    pub fn bare(name: &str, span: Span, source: Source, ty: ParamType) -> Param {
        Param {
            name: name.to_owned(),
            key: name.to_owned(),
            span,
            source,
            keyword_only: false,
            ty,
            optional: false,
            list: false,
            default: None,
            default_span: None,
            annotation_span: None,
            model: None,
            constraints: Constraints::default(),
            choices: Vec::new(),
            enum_class: None,
            embed: false,
            form: false,
            annotation_text: None,
        }
    }
}

/// Constraints declared on a parameter, as written.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Constraints {
    pub multiple_of: Option<Literal>,
    pub le: Option<Literal>,
    pub lt: Option<Literal>,
    pub ge: Option<Literal>,
    pub gt: Option<Literal>,
    pub min_length: Option<usize>,
    pub max_length: Option<usize>,
    pub pattern: Option<String>,
    /// Where the first constraint is written, for diagnostics.
    #[serde(skip)]
    pub span: Option<Span>,
}

impl Constraints {
    pub fn numeric(&self) -> [(&'static str, Option<&Literal>); 5] {
        [
            ("multiple_of", self.multiple_of.as_ref()),
            ("le", self.le.as_ref()),
            ("lt", self.lt.as_ref()),
            ("ge", self.ge.as_ref()),
            ("gt", self.gt.as_ref()),
        ]
    }

    pub fn has_numeric(&self) -> bool {
        self.numeric().iter().any(|(_, value)| value.is_some())
    }

    pub fn has_string(&self) -> bool {
        self.min_length.is_some() || self.max_length.is_some() || self.pattern.is_some()
    }
}

impl Route {
    /// FastAPI reads the whole body as a form when any body parameter is a
    /// `Form()`/`File()`.
    pub fn reads_form(&self) -> bool {
        self.request_params().any(|p| p.form)
    }

    /// Every parameter the route reads from the request: the handler's and
    /// its dependencies' (a dependency may declare path parameters too).
    pub fn request_params(&self) -> impl Iterator<Item = &Param> {
        self.handler
            .callables()
            .into_iter()
            .flat_map(|callable| callable.params.iter())
            .filter(|param| param.source != Source::Depends)
    }
}

impl Param {
    pub fn required(&self) -> bool {
        self.default.is_none()
    }

    /// The annotation as FastAPI users write it, for tables and messages.
    pub fn type_label(&self) -> String {
        let literal_label = format!(
            "Literal[{}]",
            self.choices
                .iter()
                .map(Literal::python)
                .collect::<Vec<_>>()
                .join(", ")
        );
        if self.ty == ParamType::Adapted {
            if let Some(text) = &self.annotation_text {
                return text.clone();
            }
        }
        // Classes are qualified (`app.models.Item`); tables show their name.
        let short =
            |qualified: &'_ str| -> String { qualified.rsplit('.').next().unwrap_or(qualified).to_owned() };
        let short_model = self.model.as_deref().map(short);
        let short_class = self.enum_class.as_deref().map(short);
        let element = match (&short_model, &short_class, self.ty) {
            (Some(model), _, _) => model.as_str(),
            (_, Some(class), _) => class.as_str(),
            (_, _, ParamType::Choice) => literal_label.as_str(),
            _ => self.ty.name(),
        };
        let base = if self.list {
            format!("list[{element}]")
        } else {
            element.to_owned()
        };
        if self.optional {
            format!("{base} | None")
        } else {
            base.to_owned()
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    Path,
    Query,
    Header,
    Cookie,
    /// The request body (validated by pydantic).
    Body,
    /// The `Request` object itself.
    Request,
    /// The `Response` FastAPI injects for headers, cookies and status.
    Response,
    /// `SecurityScopes`: the OAuth2 scopes required above the callable.
    SecurityScopes,
    /// `BackgroundTasks`: one per request, run after the response is sent.
    BackgroundTasks,
    /// The value a dependency returns ([`Handler::dependencies`]).
    Depends,
    /// The `WebSocket` of a WebSocket route.
    WebSocket,
}

impl Source {
    pub fn name(self) -> &'static str {
        match self {
            Source::Path => "path",
            Source::Query => "query",
            Source::Header => "header",
            Source::Cookie => "cookie",
            Source::Body => "body",
            Source::Request => "request",
            Source::Response => "response",
            Source::SecurityScopes => "security_scopes",
            Source::BackgroundTasks => "background_tasks",
            Source::Depends => "depends",
            Source::WebSocket => "websocket",
        }
    }
}

/// The parameter types turbo extracts in Rust.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ParamType {
    Str,
    Int,
    Float,
    Bool,
    /// `uuid.UUID`, only from a `{name:uuid}` path parameter for now.
    Uuid,
    /// No annotation: FastAPI passes the string through.
    Any,
    /// A pydantic model defined in the app: the request body.
    Model,
    /// An `Enum` class of the app, or `Literal[...]`: one of `Param::choices`.
    Choice,
    /// Validated by pydantic in the server from the handler's own annotation
    /// (`datetime`, `Decimal`, unions, `dict`/`list` bodies, `Body()` values, ...).
    Adapted,
}

impl ParamType {
    pub fn name(self) -> &'static str {
        match self {
            ParamType::Str => "str",
            ParamType::Int => "int",
            ParamType::Float => "float",
            ParamType::Bool => "bool",
            ParamType::Uuid => "UUID",
            ParamType::Any => "Any",
            ParamType::Model => "model",
            ParamType::Choice => "choice",
            ParamType::Adapted => "pydantic",
        }
    }
}

/// A default value written as a literal.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Literal {
    None,
    Bool(bool),
    /// Decimal digits with an optional sign; Python ints are unbounded.
    Int(String),
    Float(f64),
    Str(String),
    List(Vec<Literal>),
}

impl Literal {
    /// The literal as Python source, for messages and tables.
    pub fn python(&self) -> String {
        match self {
            Literal::None => "None".to_owned(),
            Literal::Bool(true) => "True".to_owned(),
            Literal::Bool(false) => "False".to_owned(),
            Literal::Int(digits) => digits.clone(),
            Literal::Float(value) => format!("{value:?}"),
            Literal::Str(text) => format!("{text:?}"),
            Literal::List(items) => format!(
                "[{}]",
                items.iter().map(Literal::python).collect::<Vec<_>>().join(", ")
            ),
        }
    }
}
