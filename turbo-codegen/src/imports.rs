//! The module's imports, and the names turbo's Python package provides.

use crate::diagnostics::{Code, Diagnostic, Diagnostics};
use crate::parse::{py, span_of};
use crate::source::FileId;

/// Every `fastapi` module and name the `turboapi` package provides; each
/// is provided under `turboapi` too (`turboapi.responses`, ...), see
/// [`provided_names`]. A test keeps these equal to the package's `__all__`.
pub const PROVIDED: &[(&str, &[&str])] = &[
    (
        "fastapi",
        &[
            "APIRouter",
            "BackgroundTasks",
            "Body",
            "Cookie",
            "Depends",
            "FastAPI",
            "File",
            "Form",
            "HTTPException",
            "Header",
            "Path",
            "Query",
            "Request",
            "Response",
            "Security",
            "UploadFile",
            "WebSocket",
            "WebSocketDisconnect",
            "WebSocketException",
        ],
    ),
    ("fastapi.applications", &["FastAPI"]),
    ("fastapi.background", &["BackgroundTasks"]),
    ("fastapi.datastructures", DATASTRUCTURES),
    ("fastapi.encoders", &["jsonable_encoder"]),
    ("fastapi.exceptions", EXCEPTIONS),
    ("fastapi.middleware", &["Middleware"]),
    ("fastapi.middleware.cors", &["CORSMiddleware"]),
    ("fastapi.middleware.gzip", &["GZipMiddleware"]),
    ("fastapi.middleware.httpsredirect", &["HTTPSRedirectMiddleware"]),
    ("fastapi.middleware.trustedhost", &["TrustedHostMiddleware"]),
    ("fastapi.openapi", &[]),
    (
        "fastapi.openapi.constants",
        &["METHODS_WITH_BODY", "REF_PREFIX", "REF_TEMPLATE"],
    ),
    (
        "fastapi.openapi.docs",
        &[
            "get_redoc_html",
            "get_swagger_ui_html",
            "get_swagger_ui_oauth2_redirect_html",
            "swagger_ui_default_parameters",
        ],
    ),
    ("fastapi.openapi.models", OPENAPI_MODELS),
    ("fastapi.openapi.utils", &["get_openapi"]),
    ("fastapi.params", &["Depends", "Security"]),
    ("fastapi.requests", &["Request"]),
    ("fastapi.responses", RESPONSES),
    ("fastapi.routing", &["APIRoute", "APIRouter"]),
    ("fastapi.security", SECURITY),
    (
        "fastapi.security.api_key",
        &["APIKeyBase", "APIKeyCookie", "APIKeyHeader", "APIKeyQuery"],
    ),
    ("fastapi.security.base", &["SecurityBase"]),
    (
        "fastapi.security.http",
        &[
            "HTTPAuthorizationCredentials",
            "HTTPBase",
            "HTTPBasic",
            "HTTPBasicCredentials",
            "HTTPBearer",
            "HTTPDigest",
        ],
    ),
    (
        "fastapi.security.oauth2",
        &[
            "OAuth2",
            "OAuth2AuthorizationCodeBearer",
            "OAuth2PasswordBearer",
            "OAuth2PasswordRequestForm",
            "OAuth2PasswordRequestFormStrict",
            "SecurityScopes",
        ],
    ),
    ("fastapi.security.open_id_connect_url", &["OpenIdConnect"]),
    ("fastapi.security.utils", &["get_authorization_scheme_param"]),
    (
        "fastapi.sse",
        &["EventSourceResponse", "ServerSentEvent", "format_sse_event"],
    ),
    ("fastapi.staticfiles", &["StaticFiles"]),
    ("fastapi.status", &[]),
    (
        "fastapi.websockets",
        &["WebSocket", "WebSocketDisconnect", "WebSocketState"],
    ),
    // Starlette's modules that apps import from directly: served by the
    // same classes (`turbo_contract::STARLETTE_MODULES`).
    ("starlette", &[]),
    ("starlette.background", &["BackgroundTask", "BackgroundTasks"]),
    ("starlette.datastructures", DATASTRUCTURES),
    ("starlette.exceptions", &["HTTPException", "WebSocketException"]),
    ("starlette.middleware", &["Middleware"]),
    ("starlette.middleware.base", &["BaseHTTPMiddleware"]),
    ("starlette.middleware.cors", &["CORSMiddleware"]),
    ("starlette.middleware.gzip", &["GZipMiddleware"]),
    ("starlette.middleware.httpsredirect", &["HTTPSRedirectMiddleware"]),
    ("starlette.middleware.trustedhost", &["TrustedHostMiddleware"]),
    ("starlette.requests", &["Request"]),
    (
        "starlette.responses",
        &[
            "FileResponse",
            "HTMLResponse",
            "JSONResponse",
            "PlainTextResponse",
            "RedirectResponse",
            "Response",
            "StreamingResponse",
        ],
    ),
    ("starlette.staticfiles", &["StaticFiles"]),
    ("starlette.status", &[]),
    (
        "starlette.types",
        &["ASGIApp", "Message", "Receive", "Scope", "Send"],
    ),
    (
        "starlette.websockets",
        &["WebSocket", "WebSocketDisconnect", "WebSocketState"],
    ),
];

/// Names only `turboapi` has, beside its copy of each `fastapi` module.
const TURBOAPI_EXTRAS: &[(&str, &[&str])] = &[
    ("turboapi", &["TurboAPI", "jsonable_encoder"]),
    ("turboapi.applications", &["TurboAPI"]),
];

const EXCEPTIONS: &[&str] = &[
    "HTTPException",
    "RequestValidationError",
    "ResponseValidationError",
    "ValidationException",
    "WebSocketException",
    "WebSocketRequestValidationError",
];

/// `fastapi.security`: the schemes and forms of `project::provided`.
const SECURITY: &[&str] = &[
    "APIKeyCookie",
    "APIKeyHeader",
    "APIKeyQuery",
    "HTTPAuthorizationCredentials",
    "HTTPBasic",
    "HTTPBasicCredentials",
    "HTTPBearer",
    "HTTPDigest",
    "OAuth2",
    "OAuth2AuthorizationCodeBearer",
    "OAuth2PasswordBearer",
    "OAuth2PasswordRequestForm",
    "OAuth2PasswordRequestFormStrict",
    "OpenIdConnect",
    "SecurityScopes",
];

/// `fastapi.openapi.models`: the OpenAPI document's pydantic models.
const OPENAPI_MODELS: &[&str] = &[
    "APIKey",
    "APIKeyIn",
    "BaseModelWithConfig",
    "Components",
    "Contact",
    "Discriminator",
    "EmailStr",
    "Encoding",
    "Example",
    "ExternalDocumentation",
    "HTTPBase",
    "HTTPBearer",
    "Header",
    "Info",
    "License",
    "Link",
    "MediaType",
    "OAuth2",
    "OAuthFlow",
    "OAuthFlowAuthorizationCode",
    "OAuthFlowClientCredentials",
    "OAuthFlowImplicit",
    "OAuthFlowPassword",
    "OAuthFlows",
    "OpenAPI",
    "OpenIdConnect",
    "Operation",
    "Parameter",
    "ParameterBase",
    "ParameterInType",
    "PathItem",
    "Reference",
    "RequestBody",
    "Response",
    "Schema",
    "SecurityBase",
    "SecuritySchemeType",
    "Server",
    "ServerVariable",
    "Tag",
    "XML",
];

const DATASTRUCTURES: &[&str] = &["FormData", "Headers", "QueryParams", "UploadFile", "URL"];

const RESPONSES: &[&str] = &[
    "EventSourceResponse",
    "FileResponse",
    "HTMLResponse",
    "JSONResponse",
    "ORJSONResponse",
    "PlainTextResponse",
    "RedirectResponse",
    "Response",
    "StreamingResponse",
];

/// `fastapi` or `turboapi` if `qualified` names an application class.
pub fn application_framework(qualified: &str) -> Option<&'static str> {
    match qualified {
        "fastapi.FastAPI" | "fastapi.applications.FastAPI" => Some("fastapi"),
        "turboapi.FastAPI"
        | "turboapi.TurboAPI"
        | "turboapi.applications.FastAPI"
        | "turboapi.applications.TurboAPI" => Some("turboapi"),
        _ => None,
    }
}

/// Whether `qualified` names `APIRouter`.
pub fn is_router_class(qualified: &str) -> bool {
    let Some(module) = qualified.strip_suffix(".APIRouter") else {
        return false;
    };
    matches!(
        module,
        "fastapi" | "fastapi.routing" | "turboapi" | "turboapi.routing"
    )
}

/// The name turbo's lowering knows a third-party name by: what
/// `starlette.responses.JSONResponse`, `typing_extensions.Annotated` or
/// `pydantic.networks.EmailStr` is re-exported as (`fastapi.responses.JSONResponse`,
/// `typing.Annotated`, `pydantic.EmailStr`). `None` when it has no other name.
pub fn canonical_external(qualified: &str) -> Option<String> {
    if let Some(rest) = qualified.strip_prefix("starlette.") {
        let module = rest.split('.').next().unwrap_or(rest);
        return crate::contract::STARLETTE_MODULES
            .iter()
            .any(|(name, _)| *name == module)
            .then(|| format!("fastapi.{rest}"));
    }
    // `fastapi.security` is read from turbo's own source (`project::provided`).
    if let Some(rest) = qualified.strip_prefix("fastapi.security") {
        if rest.is_empty() || rest.starts_with('.') {
            return Some(format!("turboapi.security{rest}"));
        }
    }
    if let Some(rest) = qualified.strip_prefix("typing_extensions.") {
        return Some(format!("typing.{rest}"));
    }
    for module in ["pydantic.networks.", "pydantic.types.", "pydantic.main."] {
        if let Some(name) = qualified.strip_prefix(module).filter(|name| !name.contains('.')) {
            return Some(format!("pydantic.{name}"));
        }
    }
    None
}

fn is_framework_module(module: &str) -> bool {
    ["fastapi", "turboapi", "starlette"]
        .iter()
        .any(|root| module == *root || module.starts_with(&format!("{root}.")))
}

/// Reports the module's imports of names a turbo server cannot provide
/// (what a module binds is `project::names`' business).
pub fn check(file: FileId, stmts: &[py::Stmt], diags: &mut Diagnostics) {
    for stmt in stmts {
        match stmt {
            py::Stmt::Import(import) => {
                for alias in &import.names {
                    let module = alias.name.as_str();
                    check_module(module, span_of(file, alias), diags);
                }
            }
            py::Stmt::ImportFrom(import) => {
                if import.level > 0 {
                    continue;
                }
                let Some(module) = &import.module else { continue };
                let module = module.as_str();
                if !check_module(module, span_of(file, stmt), diags) {
                    continue;
                }
                for alias in &import.names {
                    let name = alias.name.as_str();
                    if name == "*" {
                        if is_framework_module(module) {
                            diags.push(
                                Diagnostic::new(
                                    Code::UnknownFastapiName,
                                    span_of(file, alias),
                                    format!("`from {module} import *`"),
                                )
                                .label("turbo needs to see which names are used")
                                .help(format!("import names explicitly: `from {module} import FastAPI`")),
                            );
                        }
                        continue;
                    }
                    if is_framework_module(module) && !provided(module, name) {
                        diags.push(
                            Diagnostic::new(
                                Code::UnknownFastapiName,
                                span_of(file, alias),
                                format!("turbo does not provide `{module}.{name}` yet"),
                            )
                            .label("not available in turbo's FastAPI-compatible package")
                            .help(format!(
                                "available from {module}: {}",
                                provided_names(module).map_or("nothing yet".to_owned(), |n| n.join(", "))
                            )),
                        );
                    }
                }
            }
            _ => {}
        }
    }
}

/// The names `module` provides, `None` for a module turbo does not provide.
fn provided_names(module: &str) -> Option<Vec<&'static str>> {
    if module == "starlette" || module.starts_with("starlette.") {
        return PROVIDED
            .iter()
            .find(|(m, _)| *m == module)
            .map(|(_, names)| names.to_vec());
    }
    let fastapi_module = match module.strip_prefix("turboapi") {
        Some(rest) => format!("fastapi{rest}"),
        None => module.to_owned(),
    };
    let (_, names) = PROVIDED.iter().find(|(m, _)| *m == fastapi_module)?;
    let mut names = names.to_vec();
    if let Some((_, extras)) = TURBOAPI_EXTRAS.iter().find(|(m, _)| *m == module) {
        names.extend_from_slice(extras);
        names.sort_unstable();
    }
    Some(names)
}

/// Every provided module: the `fastapi` ones, their `turboapi` copies, and
/// the `starlette` ones.
fn provided_modules() -> impl Iterator<Item = String> {
    let all = PROVIDED.iter().map(|(m, _)| m.to_string());
    let fastapi = all.clone().filter(|m| m.starts_with("fastapi"));
    fastapi
        .clone()
        .chain(fastapi.map(|m| m.replacen("fastapi", "turboapi", 1)))
        .chain(all.filter(|m| m.starts_with("starlette")))
}

fn provided(module: &str, name: &str) -> bool {
    provided_names(module).is_some_and(|names| names.contains(&name))
        // `from fastapi import exceptions` imports a provided submodule.
        || provided_names(&format!("{module}.{name}")).is_some()
}

/// Reports imports of modules a turbo server cannot provide; `false` if so.
fn check_module(module: &str, span: crate::source::Span, diags: &mut Diagnostics) -> bool {
    if (module == "starlette" || module.starts_with("starlette.")) && provided_names(module).is_none() {
        diags.push(
            Diagnostic::new(
                Code::UnsupportedModule,
                span,
                format!("turbo does not provide `{module}`"),
            )
            .label("Starlette's request handling does not run inside a turbo server")
            .help(format!(
                "turbo provides {}; import from one of them, or the FastAPI equivalent",
                provided_modules()
                    .filter(|m| m.starts_with("starlette."))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        );
        return false;
    }
    if is_framework_module(module) && provided_names(module).is_none() {
        diags.push(
            Diagnostic::new(
                Code::UnknownFastapiName,
                span,
                format!("turbo does not provide the module `{module}` yet"),
            )
            .label("not available in turbo's FastAPI-compatible package")
            .help(format!(
                "available modules: {}",
                provided_modules().collect::<Vec<_>>().join(", ")
            )),
        );
        return false;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every route decorator the compiler accepts exists on the package's
    /// routers (`@app.trace` once compiled, then failed at start-up).
    #[test]
    fn route_decorators_exist_in_the_python_package() {
        let routing = include_str!("../../python/turboapi/routing.py");
        for (name, method) in crate::contract::ROUTE_DECORATORS {
            let def = format!("    def {name}(self, path: str, **options: Any):\n        return self.api_route(path, methods=[\"{method}\"], **options)");
            assert!(
                routing.contains(&def),
                "routing.py has no `{name}` decorator for {method}"
            );
        }
    }

    /// `turboapi` modules mirror the `fastapi` ones, plus its own names.
    #[test]
    fn turboapi_mirrors_fastapi() {
        assert!(provided("turboapi.responses", "JSONResponse"));
        assert!(provided("turboapi.datastructures", "UploadFile"));
        assert!(provided("turboapi", "TurboAPI"));
        assert!(provided("turboapi.applications", "TurboAPI"));
        assert!(!provided("fastapi", "TurboAPI"));
        assert!(!provided("fastapi", "jsonable_encoder"));
        assert!(provided("fastapi", "exceptions"));
        assert!(provided("turboapi", "status"));
        assert!(provided("turboapi.websockets", "WebSocket"));
        assert!(provided_names("turboapi.templating").is_none());
        let starlette = PROVIDED
            .iter()
            .filter(|(m, _)| m.starts_with("starlette"))
            .count();
        assert_eq!(
            provided_modules().count(),
            2 * (PROVIDED.len() - starlette) + starlette
        );
    }

    /// The starlette modules the compiler accepts are the ones the runtime
    /// installs (`turbo_contract::STARLETTE_MODULES`).
    #[test]
    fn starlette_modules_match_the_contract() {
        let mut listed: Vec<&str> = PROVIDED
            .iter()
            .filter_map(|(m, _)| m.strip_prefix("starlette."))
            .collect();
        listed.sort_unstable();
        let contract: Vec<&str> = crate::contract::STARLETTE_MODULES
            .iter()
            .map(|(name, _)| *name)
            .collect();
        assert_eq!(listed, contract);
        assert_eq!(
            canonical_external("starlette.responses.JSONResponse").as_deref(),
            Some("fastapi.responses.JSONResponse")
        );
        assert_eq!(
            canonical_external("starlette.middleware.cors.CORSMiddleware").as_deref(),
            Some("fastapi.middleware.cors.CORSMiddleware")
        );
        assert_eq!(
            canonical_external("starlette.websockets.WebSocket").as_deref(),
            Some("fastapi.websockets.WebSocket")
        );
        assert_eq!(canonical_external("starlette.authentication.requires"), None);
        assert_eq!(
            canonical_external("typing_extensions.Annotated").as_deref(),
            Some("typing.Annotated")
        );
        assert_eq!(
            canonical_external("pydantic.networks.EmailStr").as_deref(),
            Some("pydantic.EmailStr")
        );
    }

    /// The `turboapi` entries must match the package's `__all__`, or
    /// `turbo check` would accept imports the server cannot satisfy.
    #[test]
    fn provided_names_match_the_python_package() {
        let init = include_str!("../../python/turboapi/__init__.py");
        let start = init.find("__all__ = [").expect("__all__ in turboapi/__init__.py");
        let all = &init[start + "__all__ = ".len()..];
        let all = &all[..=all.find(']').expect("__all__ is a list")];
        let mut exported: Vec<&str> = all
            .trim_matches(|c| c == '[' || c == ']')
            .split(',')
            .map(|s| s.trim().trim_matches(|c: char| c == '"' || c.is_whitespace()))
            .filter(|s| !s.is_empty())
            .collect();
        exported.sort();
        let mut declared = provided_names("turboapi").unwrap();
        declared.sort();
        assert_eq!(exported, declared);
    }
}
