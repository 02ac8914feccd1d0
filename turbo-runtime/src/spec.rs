//! Plain data that generated code hands to the runtime: the app to load and
//! the compiled routes, down to how each parameter is read and converted.
//! All of it is `'static`, built by the emitter; the generated crate holds
//! no code per route, so rustc's work stays linear in the number of routes.

use crate::extraction::constraints::{FloatBounds, IntBounds, StrBounds};
use crate::extraction::scalars::{Choices, Fallback, ListItem};
use crate::extraction::validation_errors::Loc;
use crate::template::{Convertor, Matcher};

/// The app module and its handlers, in declaration order.
#[derive(Debug)]
pub struct AppSpec {
    /// Import name of the entry module (`app` for `app.py`, `app.main`).
    pub module: &'static str,
    /// The variable holding the application object (`app = FastAPI()`),
    /// or the factory returning it.
    pub app_variable: &'static str,
    /// `app_variable` is a factory to call (`--factory`), as uvicorn does.
    pub factory: bool,
    /// Absolute import root of the project at build time (`sys.path[0]`);
    /// `--app-dir` overrides it.
    pub app_dir: &'static str,
    /// Every module the compiler read, the entry first, to warn about
    /// stale binaries.
    pub sources: &'static [SourceSpec],
    /// One entry per compiled route, in FastAPI's matching order.
    pub handlers: &'static [HandlerSpec],
    /// Routes with body parameters; generated code refers to them by index.
    pub body_plans: &'static [BodyPlanSpec],
    /// Parameters pydantic validates from text; generated code refers to them by index.
    pub param_fields: &'static [ParamFieldSpec],
    /// `Enum` classes used by parameters, by qualified name (`app.models.Color`).
    pub enum_classes: &'static [&'static str],
}

/// The body parameters of one route, by the callable declaring them, in
/// FastAPI's flat order: whether the body is embedded (one parameter is
/// the whole body; several are keys of a JSON object or form) is decided
/// over all of them, and each callable's are validated as FastAPI's
/// `request_body_to_args` does when that callable is solved.
#[derive(Debug)]
pub struct BodyPlanSpec {
    /// Index into [`AppSpec::handlers`].
    pub handler: usize,
    pub parts: &'static [BodyPartSpec],
}

/// The body parameters of one callable of a route.
#[derive(Debug)]
pub struct BodyPartSpec {
    /// The dependency step declaring them (`None`: the handler).
    pub dependency: Option<usize>,
    /// Parameter names, in signature order.
    pub params: &'static [&'static str],
}

/// A path, query, header or cookie parameter pydantic validates from its
/// text (`datetime`, `Decimal`, `UUID`, unions, lists of them).
#[derive(Debug)]
pub struct ParamFieldSpec {
    /// Index into [`AppSpec::handlers`].
    pub handler: usize,
    /// The dependency step of that route declaring it (`None`: the handler).
    pub dependency: Option<usize>,
    pub name: &'static str,
    /// `path`, `query`, `header` or `cookie`: the first element of an error's `loc`.
    pub source: &'static str,
    /// The name in the request: the second element of an error's `loc`.
    pub key: &'static str,
    /// A pydantic model read from the whole query string, headers or cookies.
    pub model: bool,
}

/// A module of the project as the compiler read it.
#[derive(Debug)]
pub struct SourceSpec {
    /// Path under the import root, e.g. `app/main.py`.
    pub path: &'static str,
    /// FNV-1a hash of its text.
    pub hash: u64,
}

/// What the compiler saw of one route and its handler function. The
/// server checks it against the routes the app registers at start-up.
#[derive(Debug)]
pub struct HandlerSpec {
    /// The module defining the handler (`__module__`).
    pub module: &'static str,
    /// The function's name (`__qualname__`).
    pub name: &'static str,
    pub is_async: bool,
    /// Line of the `def` in the app source.
    pub line: u32,
    /// Responses are built in Python from the decorator's options (response
    /// model, response class) or an injected `Response`.
    pub python_response: bool,
    /// The route's methods and full path, as FastAPI registers them.
    pub methods: &'static [&'static str],
    pub path: &'static str,
    /// Registered under an `if`: served only when the app registers it.
    pub conditional: bool,
}

/// One compiled route.
#[derive(Debug)]
pub struct RouteSpec {
    /// Upper-case methods the route serves; none for a mount (Starlette's
    /// `Mount` matches every method).
    pub methods: &'static [&'static str],
    /// The `Allow` header of the 405 this route answers for other methods.
    pub allow: &'static str,
    /// The path template as written, for logs.
    pub path: &'static str,
    /// `status_code=` of the decorator, or 200.
    pub status_code: u16,
    /// Index into [`AppSpec::handlers`].
    pub handler: usize,
    /// The end of a mounted FastAPI application's routes: under its path,
    /// what they did not match is its own 404 or 405 (never a later
    /// route's), answered without calling a handler.
    pub boundary: bool,
    /// How the path template is matched.
    pub matcher: Matcher<'static>,
    /// What the server reads of the request body before calling the route.
    pub body: BodyRead,
    /// Index into [`AppSpec::body_plans`] if the handler has body parameters.
    pub body_plan: Option<usize>,
    /// Path parameter names and convertors, for `Request.path_params`.
    pub path_params: &'static [(&'static str, Convertor)],
    /// The handler's parameters in the order FastAPI validates them (path,
    /// query, header, cookie, body), which is the order of its errors.
    pub params: &'static [ParamSpec],
    /// The dependables the route calls before the handler, in FastAPI's
    /// order (each after its own dependencies).
    pub dependencies: &'static [DependencySpec],
}

impl RouteSpec {
    /// The route handles `method` (a full match).
    pub fn serves(&self, method: &str) -> bool {
        self.methods.is_empty() || self.methods.contains(&method)
    }

    /// `@app.websocket(...)`: matched by WebSocket handshakes only.
    pub fn is_websocket(&self) -> bool {
        self.methods == [turbo_contract::WEBSOCKET]
    }
}

/// One call of a dependable (a step of the route's dependency plan).
#[derive(Debug)]
pub struct DependencySpec {
    /// `__module__` and `__qualname__` of the dependable, checked at start-up.
    pub module: &'static str,
    pub name: &'static str,
    /// `Depends(use_cache=...)`: reuse the value of an earlier step with
    /// the same `cache_key` in this request.
    pub use_cache: bool,
    pub cache_key: usize,
    /// Its own parameters, as the handler's.
    pub params: &'static [ParamSpec],
    /// The steps of its direct dependencies: if any of them failed, it is
    /// not called (FastAPI skips a dependant with errors below it).
    pub children: &'static [usize],
    /// How it is called and what gives its value.
    pub kind: DependableKind,
    /// `Depends(scope=...)`: when a `yield` dependency's exit code runs.
    pub scope: ExitScope,
}

/// What calling a dependable gives, decided from its `def` at build time
/// (FastAPI asks `inspect` at start-up; the server checks the kind then).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DependableKind {
    /// `def`, a class, or a callable instance: the value itself.
    Function,
    /// `async def`: a coroutine giving the value.
    Coroutine,
    /// A generator (`def` with `yield`): the value is what it yields; the
    /// rest runs as exit code.
    Generator,
    /// An async generator (`async def` with `yield`).
    AsyncGenerator,
}

/// The stack a `yield` dependency is entered on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitScope {
    /// Closed when the handler has returned, before the response is sent.
    Function,
    /// Closed after the response is sent (FastAPI's default).
    Request,
}

/// One parameter of a handler: where its value comes from and how it is
/// converted. Keyword-only parameters follow the positional ones in the
/// signature, so `position` alone decides how the handler gets it.
#[derive(Debug, Clone)]
pub struct ParamSpec {
    /// The name in the signature (keyword-only parameters are passed by it).
    pub name: &'static str,
    /// The index in the signature.
    pub position: usize,
    pub keyword_only: bool,
    pub extract: Extract,
}

/// How one parameter's value is obtained.
#[derive(Debug, Clone)]
pub enum Extract {
    /// `str` or unannotated: the text, with its length and pattern checks.
    Str(Text, Fallback, &'static StrBounds),
    Int(Text, Fallback, &'static IntBounds),
    Float(Text, Fallback, &'static FloatBounds),
    Bool(Text, Fallback),
    /// An `Enum` or `Literal[...]` value.
    Choice(Text, Fallback, &'static Choices),
    /// A `{name:uuid}` path parameter (its capture index).
    PathUuid(usize),
    /// `list[T]` from every value sent under the name.
    List(Texts, ListItem, Fallback),
    /// A type pydantic validates from the text (index into [`AppSpec::param_fields`]).
    Adapted(Text, usize),
    /// A list pydantic validates (index into [`AppSpec::param_fields`]).
    AdaptedList(Texts, usize),
    /// A pydantic model read from the whole query string, headers or
    /// cookies (index into [`AppSpec::param_fields`]).
    ParamModel(usize),
    /// Parameter `index` of part `part` of the route's body plan.
    Body(usize, usize),
    /// `SecurityScopes`, with the OAuth2 scopes required above the callable.
    SecurityScopes(&'static [&'static str]),
    /// The `Request`.
    Request,
    /// The `Response` FastAPI injects for headers, cookies and status
    /// (one per request, shared by the handler and its dependencies).
    Response,
    /// The `BackgroundTasks` (one per request, shared by the handler and
    /// its dependencies; run after the response is sent).
    BackgroundTasks,
    /// The value of dependency step `index` (`Depends()`).
    Dependency(usize),
    /// The `WebSocket` of a WebSocket route.
    WebSocket,
}

/// Where a single-valued parameter's text comes from.
#[derive(Clone, Copy, Debug)]
pub enum Text {
    /// The `index`th capture of the path template, with the parameter's name.
    Path(usize, &'static str),
    Query(&'static str),
    Header(&'static str),
    Cookie(&'static str),
}

impl Text {
    /// The parameter's place in a 422's `loc`.
    pub fn loc(self) -> Loc {
        match self {
            Text::Path(_, name) => Loc::path(name),
            Text::Query(key) => Loc::query(key),
            Text::Header(key) => Loc::header(key),
            Text::Cookie(key) => Loc::cookie(key),
        }
    }
}

/// Where a list parameter's values come from.
#[derive(Clone, Copy, Debug)]
pub enum Texts {
    Query(&'static str),
    Header(&'static str),
}

impl Texts {
    pub fn loc(self) -> Loc {
        match self {
            Texts::Query(key) => Loc::query(key),
            Texts::Header(key) => Loc::header(key),
        }
    }
}

/// How a route reads the request body, before its handler runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyRead {
    /// Drained unread: no body or `Request` parameter.
    Skip,
    /// Collected whole: body (JSON) or `Request` parameters.
    Bytes,
    /// Parsed as a form as it arrives: `Form()`/`File()` parameters.
    Form,
}
