//! Plain data that generated code hands to the runtime: the app to load and
//! the compiled routes. All of it is `'static`, built by the emitter.

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

/// The body parameters of one handler, validated together as FastAPI's
/// `request_body_to_args` does (one parameter is the whole body unless
/// embedded; several are keys of a JSON object).
#[derive(Debug)]
pub struct BodyPlanSpec {
    /// Index into [`AppSpec::handlers`].
    pub handler: usize,
    /// Parameter names, in signature order.
    pub params: &'static [&'static str],
}

/// A path, query, header or cookie parameter pydantic validates from its
/// text (`datetime`, `Decimal`, `UUID`, unions, lists of them).
#[derive(Debug)]
pub struct ParamFieldSpec {
    /// Index into [`AppSpec::handlers`].
    pub handler: usize,
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
    /// Upper-case methods the route serves.
    pub methods: &'static [&'static str],
    /// The `Allow` header of the 405 this route answers for other methods.
    pub allow: &'static str,
    /// The path template as written, for logs.
    pub path: &'static str,
    /// `status_code=` of the decorator, or 200.
    pub status_code: u16,
    /// Index into [`AppSpec::handlers`].
    pub handler: usize,
    /// What the server reads of the request body before calling the route.
    pub body: BodyRead,
    /// Path parameter names and convertors, for `Request.path_params`.
    pub path_params: &'static [(&'static str, crate::template::Convertor)],
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
