//! Route decorators: path template, methods, `status_code` and options.

use super::app::ObjectKind;
use super::entries::{Entry, Item};
use super::options::is_response_class;
use super::{
    inner_offset, is_none, literal, Lowerer, DOC_ONLY_ROUTE_OPTIONS, RESPONSE_MODEL_OPTIONS, STATUS_MODULE,
    UNSUPPORTED_ROUTE_OPTIONS,
};
use crate::diagnostics::{Code, Diagnostic, Diagnostics};
use crate::ir::{Convertor, Handler, Literal, ParamType, PathTemplate, Route, Source};
use crate::parse::py;

impl Lowerer<'_> {
    pub(super) fn route(
        &mut self,
        object: usize,
        decorator: &py::Expr,
        call: &py::ExprCall,
        mut methods: Vec<String>,
        attribute: &str,
        handler: &Handler,
    ) -> Option<Route> {
        let decorator_span = self.span(decorator);
        let mut path_expr = call.arguments.args.first();
        // `add_api_route(path, endpoint, ...)` takes the endpoint second.
        let positional = if attribute.starts_with("add_api_") { 2 } else { 1 };
        let websocket = matches!(attribute, "websocket" | "add_api_websocket_route");
        for extra in call.arguments.args.iter().skip(positional) {
            self.diags.push(
                Diagnostic::new(
                    Code::UnknownRouteOption,
                    self.span(extra),
                    "unexpected positional argument",
                )
                .label(format!("`{attribute}` takes the path, then keyword arguments"))
                .help("pass options by keyword"),
            );
        }
        let mut status_code = 200;
        let mut python_response = false;
        let mut dependencies = Vec::new();
        let mut ok = true;
        for keyword in &call.arguments.keywords {
            let Some(name) = self.option_name(keyword, "a route decorator") else {
                ok = false;
                continue;
            };
            match name {
                "path" if path_expr.is_none() => path_expr = Some(&keyword.value),
                "endpoint" if attribute.starts_with("add_api_") => {}
                // A WebSocket route takes a name and dependencies only.
                "name" if websocket => {}
                _ if websocket && name != "dependencies" => {
                    self.diags.push(
                        Diagnostic::new(
                            Code::UnknownRouteOption,
                            self.span(keyword),
                            format!("`{attribute}()` has no keyword argument `{name}`"),
                        )
                        .label("a WebSocket route takes `name=` and `dependencies=`")
                        .help("remove the option"),
                    );
                    ok = false;
                }
                "status_code" => match self.status_code(&keyword.value) {
                    Some(code) => status_code = code,
                    None => ok = false,
                },
                "methods" if matches!(attribute, "api_route" | "add_api_route") => {
                    match self.methods(&keyword.value) {
                        Some(list) => methods = list,
                        None => ok = false,
                    }
                }
                "dependencies" => match self.route_dependencies(&keyword.value) {
                    Some(found) => dependencies = found,
                    None => ok = false,
                },
                "response_model" if is_none(&keyword.value) => {}
                // Evaluated by Python in the server, exactly as FastAPI evaluates it.
                "response_model" => python_response = true,
                "response_class" => match self.response_class(&keyword.value) {
                    Some(()) => python_response = true,
                    None => ok = false,
                },
                _ if RESPONSE_MODEL_OPTIONS.contains(&name) => {}
                _ if DOC_ONLY_ROUTE_OPTIONS.contains(&name) => {}
                _ if UNSUPPORTED_ROUTE_OPTIONS.contains(&name) => {
                    self.diags.push(
                        Diagnostic::new(
                            Code::UnsupportedRouteOption,
                            self.span(keyword),
                            format!("`{name}=` is not supported by turbo yet"),
                        )
                        .label("this option changes the response")
                        .help(format!(
                            "remove `{name}=` from the decorator, or keep serving this route with uvicorn"
                        )),
                    );
                    ok = false;
                }
                _ => {
                    self.diags.push(
                        Diagnostic::new(
                            Code::UnknownRouteOption,
                            self.span(keyword),
                            format!("`{attribute}()` has no keyword argument `{name}`"),
                        )
                        .label("unknown option")
                        .help("check the spelling against FastAPI's path operation parameters"),
                    );
                    ok = false;
                }
            }
        }
        if methods.is_empty() {
            methods.push("GET".to_owned());
        }
        let Some(path_expr) = path_expr else {
            self.diags.push(
                Diagnostic::new(
                    Code::DynamicRoute,
                    decorator_span,
                    "route decorator without a path",
                )
                .label("expected a path such as \"/items\"")
                .help(format!(
                    "write the path as the first argument: @{}.{attribute}(\"/path\")",
                    self.shared.app_variable
                )),
            );
            return None;
        };
        let path = self.path_template(path_expr, object)?;
        let mut handler = handler.clone();
        // FastAPI solves the app's or router's `dependencies=`, then the
        // decorator's, before the handler's own.
        let mut solved = self.object_dependencies(object);
        solved.append(&mut dependencies);
        solved.append(&mut handler.dependencies);
        handler.dependencies = solved;
        // A `Response` injected anywhere (handler or dependency) shapes the response.
        // A handler that `yield`s streams its items (FastAPI's JSON Lines or SSE).
        python_response |= handler.returns.is_some() || handler.generator || injects_response(&handler);
        ok.then_some(Route {
            methods,
            path,
            status_code,
            python_response,
            handler,
            span: decorator_span,
            conditional: false,
            via: Vec::new(),
            mount: false,
            boundary: false,
        })
    }

    /// A keyword argument's name; `**options` is reported (turbo cannot
    /// see what it holds) and gives `None`.
    pub(super) fn option_name<'k>(&mut self, keyword: &'k py::Keyword, place: &str) -> Option<&'k str> {
        let name = keyword.arg.as_ref().map(|name| name.as_str());
        if name.is_none() {
            self.diags.push(
                Diagnostic::new(
                    Code::DynamicRoute,
                    self.span(keyword),
                    format!("`**options` in {place}"),
                )
                .label("turbo cannot see these options")
                .help("pass each option by name"),
            );
        }
        name
    }

    /// `app.add_api_route("/path", endpoint, ...)` at module level, with an
    /// endpoint defined at the top level of the same module.
    /// `add_api_route(path, endpoint, ...)` or `add_api_websocket_route(...)`.
    pub(super) fn add_api_route(
        &mut self,
        object: usize,
        call: &py::ExprCall,
        expr: &py::Expr,
        attribute: &str,
    ) {
        let endpoint = call.arguments.args.get(1).or_else(|| {
            call.arguments
                .keywords
                .iter()
                .find(|k| k.arg.as_ref().is_some_and(|a| a.as_str() == "endpoint"))
                .map(|k| &k.value)
        });
        let stmts = self.stmts;
        let def = endpoint.and_then(|endpoint| {
            let py::Expr::Name(name) = endpoint else {
                return None;
            };
            stmts
                .iter()
                .filter_map(py::Stmt::as_function_def_stmt)
                .find(|def| def.name.as_str() == name.id.as_str())
        });
        let Some(def) = def else {
            self.diags.push(
                Diagnostic::new(
                    Code::DynamicRoute,
                    endpoint.map_or(self.span(expr), |e| self.span(e)),
                    format!("`{attribute}` with an endpoint turbo cannot follow"),
                )
                .label("not a function defined at the top level of this module")
                .help("pass a function defined in this module, or declare the route with a decorator"),
            );
            return;
        };
        let handler = self.handler(def);
        let methods = match attribute {
            "add_api_websocket_route" => vec![crate::contract::WEBSOCKET.to_owned()],
            _ => Vec::new(),
        };
        if let Some(route) = self.route(object, expr, call, methods, attribute, &handler) {
            let at = self.next_position();
            self.entries.push(Entry {
                object,
                at,
                conditional: self.conditional,
                item: Item::Route(Box::new(route)),
            });
        }
    }

    pub(super) fn status_code(&mut self, value: &py::Expr) -> Option<u16> {
        let code = match literal(value) {
            Some(Literal::Int(digits)) => digits.parse::<i64>().ok(),
            _ => self.status_constant(value),
        };
        let unknown_constant = self
            .imports
            .resolve(value)
            .filter(|name| name.starts_with("fastapi.status.") || name.starts_with("turboapi.status."))
            .filter(|_| code.is_none());
        if let Some(name) = unknown_constant {
            let constant = name.rsplit('.').next().unwrap_or_default().to_owned();
            self.diags.push(
                Diagnostic::new(
                    Code::InvalidStatusCode,
                    self.span(value),
                    format!("`status` has no constant `{constant}`"),
                )
                .label("Python raises AttributeError when importing the app")
                .help("check the spelling: constants are named like HTTP_201_CREATED"),
            );
            return None;
        }
        match code {
            Some(code @ 100..=599) => Some(code as u16),
            Some(_) => {
                self.diags.push(
                    Diagnostic::new(
                        Code::InvalidStatusCode,
                        self.span(value),
                        "status code outside 100..=599",
                    )
                    .label("not an HTTP status code")
                    .help("use a status code between 100 and 599"),
                );
                None
            }
            None => {
                self.diags.push(
                    Diagnostic::new(
                        Code::InvalidStatusCode,
                        self.span(value),
                        "status_code must be an integer literal",
                    )
                    .label("turbo cannot evaluate this")
                    .help("write the number, e.g. `status_code=201`, or a `status.HTTP_...` constant"),
                );
                None
            }
        }
    }

    /// `status.HTTP_201_CREATED` from `fastapi.status` (or turbo's): its code.
    pub(super) fn status_constant(&self, value: &py::Expr) -> Option<i64> {
        let resolved = self.imports.resolve(value)?;
        let (module, name) = resolved.rsplit_once('.')?;
        if !matches!(module, "fastapi.status" | "turboapi.status") {
            return None;
        }
        STATUS_MODULE
            .lines()
            .filter_map(|line| line.split_once(" = "))
            .find(|(constant, _)| *constant == name)
            .and_then(|(_, code)| code.trim().parse().ok())
    }

    pub(super) fn methods(&mut self, value: &py::Expr) -> Option<Vec<String>> {
        let elements = match value {
            py::Expr::List(list) => &list.elts,
            py::Expr::Tuple(tuple) => &tuple.elts,
            py::Expr::Set(set) => &set.elts,
            _ => {
                self.diags.push(
                    Diagnostic::new(
                        Code::DynamicRoute,
                        self.span(value),
                        "methods must be a list of string literals",
                    )
                    .label("turbo cannot evaluate this")
                    .help("write the methods, e.g. `methods=[\"GET\", \"POST\"]`"),
                );
                return None;
            }
        };
        let mut methods = Vec::new();
        let mut ok = true;
        for element in elements {
            match literal(element) {
                Some(Literal::Str(method)) => {
                    let upper = method.to_ascii_uppercase();
                    if !crate::validate::KNOWN_METHODS.contains(&upper.as_str()) {
                        self.diags.push(
                            Diagnostic::new(
                                Code::UnknownMethod,
                                self.span(element),
                                format!("unknown HTTP method `{method}`"),
                            )
                            .label("not an HTTP method")
                            .help(format!(
                                "use one of {}",
                                crate::validate::KNOWN_METHODS.join(", ")
                            )),
                        );
                        ok = false;
                    } else if !methods.contains(&upper) {
                        methods.push(upper);
                    }
                }
                _ => {
                    self.diags.push(
                        Diagnostic::new(
                            Code::DynamicRoute,
                            self.span(element),
                            "method must be a string literal",
                        )
                        .label("turbo cannot evaluate this")
                        .help("write the method name, e.g. \"GET\""),
                    );
                    ok = false;
                }
            }
        }
        ok.then_some(methods)
    }

    /// The path a route is declared with on `object`: its router's
    /// `prefix=`, then the decorator's path (a constant).
    pub(super) fn path_template(&mut self, expr: &py::Expr, object: usize) -> Option<PathTemplate> {
        let Some(Literal::Str(path)) = self.shared.constants.eval(self.module, expr) else {
            self.diags.push(
                Diagnostic::new(
                    Code::DynamicRoute,
                    self.span(expr),
                    "route path turbo cannot evaluate",
                )
                .label("turbo cannot evaluate this path without running Python")
                .help("write the path as a string or a module-level constant, e.g. \"/items/{item_id}\""),
            );
            return None;
        };
        let literal_span = self.span(expr);
        let router = &self.shared.objects.list[object];
        let prefix_len = router.prefix.len();
        let raw = format!("{}{path}", router.prefix);
        if raw.is_empty() && router.kind == ObjectKind::Router {
            // `@router.get("")`: served at the inclusion prefix.
            return Some(PathTemplate {
                raw,
                pieces: Vec::new(),
                span: literal_span,
            });
        }
        let inner = inner_offset(self.file.snippet(literal_span), &path);
        let router_span = router.span;
        let at = |offset: usize, len: usize| match inner {
            _ if offset < prefix_len => router_span,
            Some(start) => literal_span.sub(start + offset - prefix_len, len),
            None => literal_span,
        };
        crate::path_template::parse(&raw, at, self.diags).map(|pieces| PathTemplate {
            raw,
            pieces,
            span: literal_span,
        })
    }
}

/// Settles which parameters come from the path, once the route's full path
/// (with every inclusion prefix) is known: a parameter named in it is a
/// path parameter, as FastAPI decides. `false` if the route cannot be
/// served (a `Path()` parameter the path does not have).
pub(super) fn bind_path_params(route: &mut Route, diags: &mut Diagnostics) -> bool {
    let mut ok = true;
    let path_params: Vec<(String, Convertor)> = route
        .path
        .params()
        .map(|(name, convertor, _)| (name.to_owned(), convertor))
        .collect();
    // A dependency's parameters are settled by the same rule.
    route.handler.for_each_callable_mut(&mut |callable| {
        for param in &mut callable.params {
            let convertor = path_params
                .iter()
                .find(|(name, _)| *name == param.name)
                .map(|(_, convertor)| *convertor);
            if param.source == Source::Depends {
                continue;
            }
            if convertor.is_some() {
                if !matches!(param.source, Source::Query | Source::Path | Source::Body)
                    || param.key != param.name
                {
                    // Declared as a header/cookie or with an alias: FastAPI
                    // still takes the path value, which is surely unintended.
                    diags.push(
                        Diagnostic::new(
                            Code::UnsupportedParamOption,
                            param.span,
                            format!("`{}` is in the path but declared otherwise", param.name),
                        )
                        .label("a path parameter must be a plain parameter or `Path()` without alias")
                        .help("rename the parameter, or declare it with `Path()`"),
                    );
                }
                param.source = Source::Path;
            } else if param.source == Source::Path {
                diags.push(
                    Diagnostic::new(
                        Code::MissingPathParam,
                        param.span,
                        format!(
                            "`{}` is declared with `Path()` but the path has no `{{{}}}`",
                            param.name, param.name
                        ),
                    )
                    .label("FastAPI would never fill this parameter")
                    .help(format!("add `{{{}}}` to the path, or use `Query()`", param.name)),
                );
                ok = false;
            }
            if param.ty == ParamType::Uuid && convertor != Some(Convertor::Uuid) {
                // Only `{x:uuid}` arrives as a UUID; elsewhere pydantic parses the text.
                param.ty = ParamType::Adapted;
            }
        }
    });
    ok
}

impl Lowerer<'_> {
    /// `response_class=` must name one of the response classes turbo provides.
    pub(super) fn response_class(&mut self, value: &py::Expr) -> Option<()> {
        if self.imports.resolve(value).is_some_and(|q| is_response_class(&q)) {
            return Some(());
        }
        let written = self.file.snippet(self.span(value)).to_owned();
        self.diags.push(
            Diagnostic::new(
                Code::UnsupportedRouteOption,
                self.span(value),
                format!("`response_class={written}` is not supported by turbo yet"),
            )
            .label("not one of the response classes turbo provides")
            .help(
                "use Response, JSONResponse, HTMLResponse, PlainTextResponse, RedirectResponse, \
                 ORJSONResponse, StreamingResponse, FileResponse or EventSourceResponse from \
                 fastapi.responses",
            ),
        );
        None
    }
}

/// A `Response` is injected into the handler or one of its dependencies:
/// it shapes the response, which is then built in Python.
pub(super) fn injects_response(handler: &Handler) -> bool {
    handler
        .callables()
        .iter()
        .any(|callable| callable.params.iter().any(|p| p.source == Source::Response))
}
