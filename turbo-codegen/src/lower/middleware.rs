//! Middleware: `app.add_middleware(Class, ...)`, `FastAPI(middleware=[...])`
//! and `@app.middleware("http")`. The server serves `CORSMiddleware`,
//! `GZipMiddleware`, `TrustedHostMiddleware` and `HTTPSRedirectMiddleware`
//! natively (it reads the options from the app object at start-up, so
//! options computed from settings are fine), and runs any other
//! middleware in Python through its ASGI bridge. Options a native class
//! does not take are reported now (Starlette would raise `TypeError` when
//! it builds the stack), and so is an `@app.middleware` function that
//! Starlette would refuse or could not await.

use super::Lowerer;
use crate::diagnostics::{Code, Diagnostic, Diagnostics};
use crate::parse::{py, span_of, Ranged};
use crate::project::names::Names;
use crate::source::{FileId, Span};

/// The middleware classes the server serves: (module, class, the options
/// it takes).
const SERVED: &[(&str, &str, &[&str])] = &[
    (
        "cors",
        "CORSMiddleware",
        &[
            "allow_origins",
            "allow_methods",
            "allow_headers",
            "allow_credentials",
            "allow_origin_regex",
            "allow_private_network",
            "expose_headers",
            "max_age",
        ],
    ),
    (
        "gzip",
        "GZipMiddleware",
        &[
            "minimum_size",
            "compresslevel",
            "thread_minimum_size",
            "exclude_content_types",
        ],
    ),
    (
        "trustedhost",
        "TrustedHostMiddleware",
        &["allowed_hosts", "www_redirect"],
    ),
    ("httpsredirect", "HTTPSRedirectMiddleware", &[]),
];

/// The served class a qualified name is (FastAPI's and Starlette's
/// modules both export it), with its options.
fn served(qualified: &str) -> Option<(&'static str, &'static [&'static str])> {
    let (module, name) = qualified.rsplit_once('.')?;
    let (package, submodule) = module.rsplit_once('.')?;
    if !matches!(
        package,
        "fastapi.middleware" | "turboapi.middleware" | "starlette.middleware"
    ) {
        return None;
    }
    SERVED
        .iter()
        .find(|(served_module, class, _)| *served_module == submodule && *class == name)
        .map(|(_, class, options)| (*class, *options))
}

/// Where a middleware declaration is: to resolve its names and place its
/// diagnostics.
pub(super) struct Site<'a> {
    pub file: FileId,
    pub module: &'a str,
    pub names: &'a Names,
}

impl Site<'_> {
    fn resolve(&self, expr: &py::Expr) -> Option<String> {
        self.names.resolve(self.module, expr)
    }

    fn span(&self, node: &impl Ranged) -> Span {
        span_of(self.file, node)
    }
}

impl Lowerer<'_> {
    /// `app.add_middleware(Class, **options)`.
    pub(super) fn add_middleware(&mut self, call: &py::ExprCall, span: Span) {
        let site = Site {
            file: self.file.id,
            module: self.module,
            names: self.shared.names,
        };
        let Some(class) = call.arguments.args.first() else {
            self.diags.push(
                Diagnostic::new(
                    Code::UnsupportedAppFeature,
                    span,
                    "`add_middleware` without a class",
                )
                .label("Starlette needs the middleware class")
                .help("pass it: `app.add_middleware(CORSMiddleware, allow_origins=[...])`"),
            );
            return;
        };
        check_class(
            &site,
            class,
            &call.arguments.args[1..],
            &call.arguments.keywords,
            self.diags,
        );
    }

    /// `@app.middleware("http")` on `def`: Starlette asserts the type is
    /// `"http"` at import, and awaits what the function returns.
    pub(super) fn function_middleware(&mut self, decorator: &py::Expr, def: &py::StmtFunctionDef) {
        let kind = match decorator {
            py::Expr::Call(call) if call.arguments.keywords.is_empty() && call.arguments.args.len() == 1 => {
                super::literal(&call.arguments.args[0])
            }
            _ => None,
        };
        if !matches!(&kind, Some(crate::ir::Literal::Str(kind)) if kind == "http") {
            self.diags.push(
                Diagnostic::new(
                    Code::UnsupportedAppFeature,
                    self.span(decorator),
                    "`@app.middleware(...)` takes the middleware type, \"http\"",
                )
                .label("Starlette raises AssertionError at import for anything else")
                .help("write `@app.middleware(\"http\")`"),
            );
        }
        if !def.is_async {
            self.diags.push(
                Diagnostic::new(
                    Code::UnsupportedAppFeature,
                    self.span(&def.name),
                    "an `@app.middleware(\"http\")` function must be `async def`",
                )
                .label("Starlette awaits what it returns: every request would fail with TypeError")
                .help("declare it `async def` and `return await call_next(request)`"),
            );
        }
    }
}

/// `FastAPI(middleware=[Middleware(Class, **options), ...])`.
pub(super) fn check_option(site: &Site<'_>, value: &py::Expr, diags: &mut Diagnostics) {
    let py::Expr::List(list) = value else {
        diags.push(
            Diagnostic::new(
                Code::UnsupportedAppOption,
                site.span(value),
                "`middleware=` turbo cannot read",
            )
            .label("not a list of `Middleware(...)`")
            .help("write `middleware=[Middleware(CORSMiddleware, ...)]`, or call `app.add_middleware(...)`"),
        );
        return;
    };
    for element in &list.elts {
        let declared = match element {
            py::Expr::Call(call)
                if site.resolve(&call.func).is_some_and(|qualified| {
                    matches!(
                        qualified.as_str(),
                        "fastapi.middleware.Middleware"
                            | "turboapi.middleware.Middleware"
                            | "starlette.middleware.Middleware"
                    )
                }) =>
            {
                call.arguments.args.first().map(|class| (class, call))
            }
            _ => None,
        };
        match declared {
            Some((class, call)) => check_class(
                site,
                class,
                &call.arguments.args[1..],
                &call.arguments.keywords,
                diags,
            ),
            None => diags.push(
                Diagnostic::new(
                    Code::UnsupportedAppOption,
                    site.span(element),
                    "middleware entry turbo cannot read",
                )
                .label("not `Middleware(Class, ...)`")
                .help("write `Middleware(CORSMiddleware, allow_origins=[...])`"),
            ),
        }
    }
}

fn check_class(
    site: &Site<'_>,
    class: &py::Expr,
    args: &[py::Expr],
    keywords: &[py::Keyword],
    diags: &mut Diagnostics,
) {
    let qualified = site.resolve(class);
    // Any other class is an ASGI middleware the server runs in Python.
    let Some((name, options)) = qualified.as_deref().and_then(served) else {
        return;
    };
    if let Some(arg) = args.first() {
        diags.push(
            Diagnostic::new(
                Code::UnsupportedAppOption,
                site.span(arg),
                format!("positional option to {name}"),
            )
            .label("turbo reads middleware options by keyword")
            .help(format!("pass it by name, e.g. `{name}(allow_origins=[...])`")),
        );
    }
    for keyword in keywords {
        match &keyword.arg {
            Some(option) if options.contains(&option.as_str()) => {}
            Some(option) => diags.push(
                Diagnostic::new(
                    Code::UnsupportedAppOption,
                    site.span(keyword),
                    format!("{name} has no option `{option}`"),
                )
                .label("Starlette raises TypeError when it builds the middleware stack")
                .help(format!("{name} takes: {}", options.join(", "))),
            ),
            // `**options`: read by the server at start-up.
            None => {}
        }
    }
}
