//! Plain data that generated code hands to the runtime: the app to load and
//! the compiled routes. All of it is `'static`, built by the emitter.

/// The app module and its handlers, in declaration order.
#[derive(Debug)]
pub struct AppSpec {
    /// Import name of the app module (`app` for `app.py`).
    pub module: &'static str,
    /// The variable holding the application object (`app = FastAPI()`).
    pub app_variable: &'static str,
    /// Absolute directory of the app module at build time; `--app-dir` overrides it.
    pub app_dir: &'static str,
    /// File name of the app source, for messages.
    pub source_file: &'static str,
    /// FNV-1a hash of the app source at build time, to warn about stale binaries.
    pub source_hash: u64,
    /// One entry per route decorator, in the order the app registers them.
    pub handlers: &'static [HandlerSpec],
    /// Routes with body parameters; generated code refers to them by index.
    pub body_plans: &'static [BodyPlanSpec],
    /// Parameters pydantic validates from text; generated code refers to them by index.
    pub param_fields: &'static [ParamFieldSpec],
    /// `Enum` classes used by parameters, module-level names in the app.
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

/// What the compiler saw of one handler function.
#[derive(Debug)]
pub struct HandlerSpec {
    pub name: &'static str,
    pub is_async: bool,
    /// Line of the `def` in the app source.
    pub line: u32,
    /// Responses are built in Python from the decorator's options (response
    /// model, response class) or an injected `Response`.
    pub python_response: bool,
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

/// FNV-1a, 64 bit: a stable hash of the app source shared by the compiler
/// (which embeds it) and the server (which recomputes it at start-up).
pub const fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf29ce484222325;
    let mut i = 0;
    while i < bytes.len() {
        hash ^= bytes[i] as u64;
        hash = hash.wrapping_mul(0x100000001b3);
        i += 1;
    }
    hash
}
