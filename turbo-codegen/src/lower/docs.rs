//! FastAPI's documentation pages: `/openapi.json`, `/docs`,
//! `/docs/oauth2-redirect` and `/redoc`, which `FastAPI.__init__` registers
//! (its `setup()`) before any route of the app, as Starlette routes (GET and
//! HEAD, none of the app's dependencies), unless their option is `None`.
//!
//! They are routes like any other for the rest of the compiler, so the
//! shadowing analysis, the lock and the start-up check cover them; their
//! endpoints are methods of turbo's `FastAPI` class
//! (`python/turboapi/applications.py`), which generate the document and the
//! pages at run time from the objects the app registered.

use super::constants::Constants;
use super::entries::{Entry, Item};
use super::is_none;
use crate::diagnostics::{Code, Diagnostic, Diagnostics};
use crate::ir::{Handler, Literal, Param, ParamType, PathTemplate, Route, Source};
use crate::parse::{py, span_of};
use crate::source::{FileId, Span};

/// One documentation page: the option naming its path, FastAPI's default,
/// and the endpoint serving it (a method of turbo's `FastAPI`).
struct Page {
    option: &'static str,
    default: &'static str,
    endpoint: &'static str,
}

/// In the order `FastAPI.setup()` registers them.
const PAGES: [Page; 4] = [
    Page {
        option: "openapi_url",
        default: "/openapi.json",
        endpoint: "FastAPI._turbo_openapi_page",
    },
    Page {
        option: "docs_url",
        default: "/docs",
        endpoint: "FastAPI._turbo_swagger_ui_page",
    },
    Page {
        option: "swagger_ui_oauth2_redirect_url",
        default: "/docs/oauth2-redirect",
        endpoint: "FastAPI._turbo_swagger_ui_redirect_page",
    },
    Page {
        option: "redoc_url",
        default: "/redoc",
        endpoint: "FastAPI._turbo_redoc_page",
    },
];

/// The options that place the pages (each `None` to switch its page off).
pub(super) const OPTIONS: [&str; 4] = [PAGES[0].option, PAGES[1].option, PAGES[2].option, PAGES[3].option];

/// A page an application serves: its path, where that path comes from, and
/// its endpoint.
#[derive(Clone)]
pub struct DocsPage {
    path: String,
    span: Span,
    endpoint: &'static str,
}

/// The pages a `FastAPI(...)` call registers, from its options; an option
/// turbo cannot evaluate, or a path Starlette refuses, is reported.
pub(super) fn pages(
    file: FileId,
    call: &py::ExprCall,
    module: &str,
    constants: &Constants<'_>,
    diags: &mut Diagnostics,
) -> Vec<DocsPage> {
    let call_span = span_of(file, &*call.func);
    // Each page's path, `None` when switched off (`None` or an empty string).
    let [openapi, docs, redirect, redoc] = PAGES.each_ref().map(|page| {
        let keyword = call
            .arguments
            .keywords
            .iter()
            .find(|k| k.arg.as_ref().is_some_and(|a| a.as_str() == page.option));
        let Some(keyword) = keyword else {
            return Some((page.default.to_owned(), call_span));
        };
        let span = span_of(file, &keyword.value);
        if is_none(&keyword.value) {
            return None;
        }
        match constants.eval(module, &keyword.value) {
            Some(Literal::Str(path)) if path.is_empty() => None,
            Some(Literal::Str(path)) if !path.starts_with('/') => {
                diags.push(
                    Diagnostic::new(
                        Code::InvalidPath,
                        span,
                        format!("`{}` must start with '/'", page.option),
                    )
                    .label("Starlette raises AssertionError (\"Routed paths must start with '/'\") at import")
                    .help(format!("write \"/{path}\"")),
                );
                None
            }
            Some(Literal::Str(path)) => Some((path, span)),
            _ => {
                diags.push(
                    Diagnostic::new(
                        Code::DynamicRoute,
                        span,
                        format!("`{}` turbo cannot evaluate", page.option),
                    )
                    .label("the server's route table is compiled, so the page's path must be known")
                    .help(
                        "use a string, a module-level constant or a settings field with a default, or `None`",
                    ),
                );
                None
            }
        }
    });
    // FastAPI's `setup()`: nothing without the schema; the redirect page only
    // with Swagger UI.
    let Some(openapi) = openapi else {
        return Vec::new();
    };
    let mut served = vec![(0, openapi)];
    if let Some(docs) = docs {
        served.push((1, docs));
        if let Some(redirect) = redirect {
            served.push((2, redirect));
        }
    }
    if let Some(redoc) = redoc {
        served.push((3, redoc));
    }
    served
        .into_iter()
        .map(|(index, (path, span))| DocsPage {
            path,
            span,
            endpoint: PAGES[index].endpoint,
        })
        .collect()
}

/// The pages of every application object (its index and pages), as
/// entries registered before anything else is added to it.
pub(super) fn entries<'a>(
    objects: impl Iterator<Item = (usize, &'a [DocsPage])>,
    files: &crate::source::Files,
    diags: &mut Diagnostics,
) -> Vec<Entry> {
    let mut entries = Vec::new();
    for (object, pages) in objects {
        for (index, page) in pages.iter().enumerate() {
            let Some(route) = route(page, files, diags) else {
                continue;
            };
            entries.push(Entry {
                object,
                // Before the app's first route: `FastAPI.__init__` adds them.
                at: (0, index as u32),
                conditional: false,
                item: Item::Route(Box::new(route)),
            });
        }
    }
    entries
}

fn route(page: &DocsPage, files: &crate::source::Files, diags: &mut Diagnostics) -> Option<Route> {
    let span = page.span;
    let pieces = crate::path_template::parse(&page.path, |_, _| span, diags)?;
    let line = files.get(span.file).line_column(span.start as usize).line;
    Some(Route {
        methods: vec!["GET".to_owned(), "HEAD".to_owned()],
        path: PathTemplate {
            raw: page.path.clone(),
            pieces,
            span,
        },
        status_code: 200,
        python_response: false,
        handler: Handler {
            module: "turboapi.applications".to_owned(),
            name: page.endpoint.to_owned(),
            is_async: true,
            generator: false,
            span,
            line,
            // Not written in the app: it points at the option.
            params: vec![Param::bare("req", span, Source::Request, ParamType::Any)],
            returns: None,
            dependencies: Vec::new(),
            security_scheme: false,
        },
        span,
        conditional: false,
        via: Vec::new(),
        mount: false,
        boundary: false,
    })
}
