//! Validation: rules that need the whole route IR.
//!
//! Lowering reports what it cannot read; this phase reports what it read
//! but cannot serve exactly as FastAPI would. `turbo check` and `turbo
//! build` run the same phases, so whatever passes `check` builds.

use std::collections::BTreeMap;

use crate::diagnostics::{Code, Diagnostic, Diagnostics};
use crate::ir::{App, Convertor, Literal, Param, ParamType, Route, Source};
use crate::source::Span;

pub const KNOWN_METHODS: &[&str] = &[
    "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE",
];

pub fn validate(app: &App, diags: &mut Diagnostics) {
    duplicate_routes(app, diags);
    crate::shadowing::check(app, diags);
    for route in &app.routes {
        websocket_fits_its_route(route, diags);
        path_params_have_handler_params(route, diags);
        conflicting_parameters(route, diags);
        // A dependency's parameters are read from the same request: checked
        // per route (a finding about a shared dependency is reported once).
        for param in route.request_params() {
            constraints_fit_type(param, diags);
            list_is_supported(param, diags);
            choices_are_supported(param, diags);
            param_is_extractable(route, param, diags);
            default_fits_type(param, diags);
        }
    }
}

/// The same method and path twice: FastAPI serves the first and silently
/// ignores the second.
fn duplicate_routes(app: &App, diags: &mut Diagnostics) {
    let mut seen: BTreeMap<(&str, &str), &Route> = BTreeMap::new();
    for route in &app.routes {
        for method in &route.methods {
            match seen.get(&(method.as_str(), route.path.raw.as_str())) {
                Some(first) => diags.push(
                    Diagnostic::new(
                        Code::DuplicateRoute,
                        route.path.span,
                        format!("duplicate route {method} {}", route.path.raw),
                    )
                    .label(format!("`{}` is never called for {method}", route.handler.name))
                    .secondary(
                        first.path.span,
                        format!(
                            "`{}` serves {method} {} first",
                            first.handler.name, first.path.raw
                        ),
                    )
                    .help("remove one of the routes, or change its path or method"),
                ),
                None => {
                    seen.insert((method.as_str(), route.path.raw.as_str()), route);
                }
            }
        }
    }
}

/// Two parameters of the route (handler or dependencies) reading the
/// same request value as different types: FastAPI validates each on its
/// own, so one request can pass one and fail the other.
fn conflicting_parameters(route: &Route, diags: &mut Diagnostics) {
    let mut seen: Vec<&Param> = Vec::new();
    for param in route.request_params() {
        if !matches!(
            param.source,
            Source::Path | Source::Query | Source::Header | Source::Cookie | Source::Body
        ) {
            continue;
        }
        let first = seen
            .iter()
            .find(|other| other.source == param.source && other.key == param.key);
        match first {
            Some(first) if first.type_label() != param.type_label() => diags.push(
                Diagnostic::new(
                    Code::ConflictingParameter,
                    param.annotation_span.unwrap_or(param.span),
                    format!(
                        "{} parameter `{}` is read as `{}` here and as `{}` elsewhere in this route",
                        param.source.name(),
                        param.key,
                        param.type_label(),
                        first.type_label()
                    ),
                )
                .label(format!("read as `{}`", param.type_label()))
                .secondary(
                    first.annotation_span.unwrap_or(first.span),
                    format!("read as `{}` here", first.type_label()),
                )
                .help("declare the value once, with one type, and pass it on"),
            ),
            Some(_) => {}
            None => seen.push(param),
        }
    }
}

fn path_params_have_handler_params(route: &Route, diags: &mut Diagnostics) {
    for (name, _, span) in route.path.params() {
        if !route.request_params().any(|p| p.name == name) {
            diags.push(
                Diagnostic::new(
                    Code::MissingPathParam,
                    span,
                    format!(
                        "path parameter `{name}` has no parameter in `{}`",
                        route.handler.name
                    ),
                )
                .label("captured here but never passed to the handler")
                .secondary(route.handler.span, "handler defined here")
                .help(format!(
                    "add `{name}` to the signature of `{}`",
                    route.handler.name
                )),
            );
        }
    }
}

/// Path parameters arrive already converted by their convertor; only the
/// pairs whose FastAPI result turbo reproduces are accepted.
fn param_is_extractable(route: &Route, param: &Param, diags: &mut Diagnostics) {
    let annotation = param.annotation_span.unwrap_or(param.span);
    match param.source {
        Source::Query
        | Source::Header
        | Source::Cookie
        | Source::Body
        | Source::Request
        | Source::Response
        | Source::SecurityScopes
        | Source::BackgroundTasks
        | Source::WebSocket
        | Source::Depends => {}
        Source::Path => {
            let convertor = route
                .path
                .params()
                .find(|(name, _, _)| *name == param.name)
                .map(|(_, convertor, _)| convertor)
                .unwrap_or(Convertor::Str);
            if !convertor_fits(convertor, param.ty) {
                diags.push(
                    Diagnostic::new(
                        Code::ConvertorTypeMismatch,
                        annotation,
                        format!(
                            "`{{{}:{}}}` gives the handler a {} but `{}` is annotated `{}`",
                            param.name,
                            convertor.name(),
                            convertor_value(convertor),
                            param.name,
                            param.type_label()
                        ),
                    )
                    .label("FastAPI rejects or changes this value on every request")
                    .help(match param.ty {
                        ParamType::Uuid => "declare the path parameter as `{name:uuid}`".to_owned(),
                        _ => format!("annotate `{}` as `{}`", param.name, convertor_value(convertor)),
                    }),
                );
            }
        }
    }
}

/// Numeric bounds apply to int and float parameters (int ones must be
/// integers that fit 64 bits), lengths and patterns to str parameters.
fn constraints_fit_type(param: &Param, diags: &mut Diagnostics) {
    let constraints = &param.constraints;
    let Some(span) = constraints.span else { return };
    // pydantic applies these itself, from the declaration.
    if param.ty == ParamType::Adapted || param.source == Source::Body {
        return;
    }
    let int_bound_out_of_range = constraints.numeric().iter().any(|(_, value)| match value {
        Some(Literal::Int(digits)) => digits.parse::<i64>().is_err(),
        Some(_) => true,
        None => false,
    });
    let problem = if constraints.has_numeric() && !matches!(param.ty, ParamType::Int | ParamType::Float) {
        Some(format!(
            "numeric bounds on a parameter of type `{}`",
            param.type_label()
        ))
    } else if constraints.has_string() && param.ty != ParamType::Str {
        Some(format!(
            "length or pattern bounds on a parameter of type `{}`",
            param.type_label()
        ))
    } else if param.ty == ParamType::Int && int_bound_out_of_range {
        Some("bounds of an `int` parameter must be integers between -2**63 and 2**63-1".to_owned())
    } else {
        None
    };
    if let Some(problem) = problem {
        diags.push(
            Diagnostic::new(Code::UnsupportedParamOption, span, problem)
                .label("turbo does not apply this combination")
                .help("use gt/ge/lt/le/multiple_of on int or float parameters, min_length/max_length/pattern on str ones"),
        );
    }
}

/// `list[T]` is read from repeated query keys or headers when declared
/// with `Query()`/`Header()`; without one, FastAPI reads it from the body.
fn list_is_supported(param: &Param, diags: &mut Diagnostics) {
    if !param.list {
        return;
    }
    let at = param.annotation_span.unwrap_or(param.span);
    let problem = match (param.source, param.ty) {
        (Source::Query | Source::Header, ParamType::Adapted) => None,
        (
            Source::Query | Source::Header,
            ParamType::Str | ParamType::Int | ParamType::Float | ParamType::Bool,
        ) => {
            if param.constraints.span.is_some() {
                Some((
                    "constraints on a list parameter",
                    "turbo does not apply list constraints yet",
                ))
            } else {
                None
            }
        }
        (Source::Query | Source::Header, _) => Some((
            "a list of this type",
            "list elements may be str, int, float or bool",
        )),
        _ => Some((
            "a list read from a cookie or the path",
            "FastAPI reads lists from repeated query keys or headers",
        )),
    };
    if let Some((message, label)) = problem {
        diags.push(
            Diagnostic::new(Code::UnsupportedAnnotation, at, message)
                .label(label)
                .help("declare it as `list[int] = Query([])` (or `Header`) with str, int, float or bool elements"),
        );
    }
}

/// Enum and Literal parameters: plain values turbo can compare and print
/// exactly as pydantic does.
fn choices_are_supported(param: &Param, diags: &mut Diagnostics) {
    // Lists of choices are reported by `list_is_supported`.
    if param.ty != ParamType::Choice || param.list {
        return;
    }
    let at = param.annotation_span.unwrap_or(param.span);
    let has_int = param.choices.iter().any(|c| matches!(c, Literal::Int(_)));
    let has_str = param.choices.iter().any(|c| matches!(c, Literal::Str(_)));
    let plain_text = param.choices.iter().all(|c| match c {
        Literal::Str(text) => !text.contains(['\'', '"', '\\']) && !text.chars().any(char::is_control),
        Literal::Int(digits) => digits.parse::<i64>().is_ok(),
        _ => false,
    });
    let problem = if param.source == Source::Body {
        Some("a body of enum values")
    } else if param.enum_class.is_some() && has_int && has_str {
        Some("an enum mixing str and int values")
    } else if !plain_text {
        Some("choice values with quotes, backslashes, control characters or out-of-range ints")
    } else if param.constraints.span.is_some() {
        Some("constraints on an enum or literal parameter")
    } else {
        None
    };
    if let Some(problem) = problem {
        diags.push(
            Diagnostic::new(
                Code::UnsupportedAnnotation,
                at,
                format!("{problem} is not supported by turbo yet"),
            )
            .label("turbo cannot extract this parameter exactly yet")
            .help(
                "use plain str or int values, one per member, on a path, query, header or cookie parameter",
            ),
        );
    }
}

fn convertor_fits(convertor: Convertor, ty: ParamType) -> bool {
    if ty == ParamType::Model {
        return false;
    }
    match convertor {
        Convertor::Str | Convertor::Path => ty != ParamType::Uuid,
        Convertor::Int => matches!(ty, ParamType::Int | ParamType::Float | ParamType::Any),
        Convertor::Float => matches!(ty, ParamType::Float | ParamType::Any),
        Convertor::Uuid => matches!(ty, ParamType::Uuid | ParamType::Any),
    }
}

fn convertor_value(convertor: Convertor) -> &'static str {
    match convertor {
        Convertor::Str | Convertor::Path => "str",
        Convertor::Int => "int",
        Convertor::Float => "float",
        Convertor::Uuid => "UUID",
    }
}

/// FastAPI passes defaults through unvalidated, so `limit: int = "ten"`
/// hands the handler a string. `None` is accepted for any type: it is the
/// usual way to mark a parameter optional.
fn default_fits_type(param: &Param, diags: &mut Diagnostics) {
    let Some(default) = &param.default else { return };
    if param.list {
        // FastAPI passes list defaults as written; a non-list is surely a mistake.
        if !matches!(default, Literal::None | Literal::List(_)) {
            diags.push(
                Diagnostic::new(
                    Code::DefaultTypeMismatch,
                    param.default_span.unwrap_or(param.span),
                    format!("default `{}` of a list parameter", default.python()),
                )
                .label("not a list")
                .help("use a list literal such as `[]`, or `None`"),
            );
        }
        return;
    }
    if param.ty == ParamType::Choice {
        if !matches!(default, Literal::None) && !param.choices.contains(default) {
            diags.push(
                Diagnostic::new(
                    Code::DefaultTypeMismatch,
                    param.default_span.unwrap_or(param.span),
                    format!("default `{}` is not one of the allowed values", default.python()),
                )
                .label("FastAPI passes defaults through without validating them")
                .help("use one of the declared values, or `None`"),
            );
        }
        return;
    }
    let fits = matches!(
        (param.ty, default),
        (_, Literal::None)
            | (ParamType::Any | ParamType::Adapted, _)
            | (ParamType::Str, Literal::Str(_))
            | (ParamType::Int, Literal::Int(_))
            | (ParamType::Float, Literal::Float(_) | Literal::Int(_))
            | (ParamType::Bool, Literal::Bool(_))
    );
    if !fits {
        let span: Span = param.default_span.unwrap_or(param.span);
        diags.push(
            Diagnostic::new(
                Code::DefaultTypeMismatch,
                span,
                format!(
                    "default `{}` does not fit the type `{}`",
                    default.python(),
                    param.type_label()
                ),
            )
            .label("FastAPI passes defaults through without validating them")
            .secondary(param.annotation_span.unwrap_or(param.span), "declared type")
            .help(format!("use a default of type `{}`, or `None`", param.ty.name())),
        );
    }
}

/// A WebSocket route's handler is a coroutine (Starlette awaits it) and
/// its callables read no body and make no HTTP response; a `WebSocket`
/// parameter needs a WebSocket route (FastAPI would call the handler
/// without it: `TypeError`, a 500).
fn websocket_fits_its_route(route: &Route, diags: &mut Diagnostics) {
    let websocket = route.is_websocket();
    if websocket && !route.handler.is_async {
        diags.push(
            Diagnostic::new(
                Code::UnsupportedAppFeature,
                route.handler.span,
                format!("WebSocket handler `{}` is not `async def`", route.handler.name),
            )
            .label("Starlette awaits a WebSocket endpoint: every connection would fail")
            .help("declare it `async def`"),
        );
    }
    for callable in route.handler.callables() {
        for param in &callable.params {
            let refused = match param.source {
                Source::WebSocket if !websocket => Some("a `WebSocket` parameter in an HTTP route"),
                Source::Body if websocket => Some("a body parameter in a WebSocket route"),
                Source::Request if websocket => Some("a `Request` parameter in a WebSocket route"),
                Source::Response if websocket => Some("a `Response` parameter in a WebSocket route"),
                Source::BackgroundTasks if websocket => {
                    Some("a `BackgroundTasks` parameter in a WebSocket route")
                }
                _ => None,
            };
            if let Some(message) = refused {
                diags.push(
                    Diagnostic::new(Code::UnsupportedParamKind, param.span, message)
                        .label("FastAPI cannot fill it for this kind of route")
                        .help(if websocket {
                            "read messages with `await websocket.receive_text()` and friends"
                        } else {
                            "declare the route with `@app.websocket(...)`"
                        }),
                );
            }
        }
    }
}
