//! `turbo routes`: the compiled API as a table or as JSON.

use serde::Serialize;

use crate::ir::{App, Handler, Literal, Source};
use crate::source::Files;

/// One route as `turbo routes --format json` writes it: a stable,
/// diff-friendly manifest of the API.
#[derive(Serialize)]
pub struct RouteEntry<'a> {
    pub methods: &'a [String],
    pub path: &'a str,
    pub handler: &'a str,
    #[serde(rename = "async")]
    pub is_async: bool,
    pub status_code: u16,
    pub params: Vec<ParamEntry<'a>>,
    /// The module defining the handler, e.g. `app.api.routes.items`.
    pub module: &'a str,
    pub file: &'a str,
    pub line: usize,
    /// The routers the route was included through, outermost first.
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    pub via: &'a [String],
    /// Registered under an `if`: served only when the app registers it.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub conditional: bool,
    /// The dependables the handler depends on, each with its own
    /// parameters and dependencies.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub dependencies: Vec<DependencyEntry<'a>>,
}

/// One `Depends()` of a route's dependency tree.
#[derive(Serialize)]
pub struct DependencyEntry<'a> {
    /// The dependable, qualified (`app.api.deps.current_user`); an
    /// instance by its variable, or `Class(…)` where it is created inline.
    pub callable: String,
    /// `function`, `async`, `generator` or `async generator`.
    pub kind: &'static str,
    /// `Depends(scope=...)`, if given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<crate::ir::DependencyScope>,
    /// `Security(scopes=[...])`, if given.
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    pub scopes: &'a [String],
    /// The parameter it fills; absent for `dependencies=[...]`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub param: Option<&'a str>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub no_cache: bool,
    pub params: Vec<ParamEntry<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub dependencies: Vec<DependencyEntry<'a>>,
}

#[derive(Serialize)]
pub struct ParamEntry<'a> {
    pub name: &'a str,
    pub source: &'static str,
    #[serde(rename = "type")]
    pub ty: String,
    pub required: bool,
    pub default: Option<&'a Literal>,
}

pub fn entries<'a>(app: &'a App, files: &'a Files) -> Vec<RouteEntry<'a>> {
    app.routes
        .iter()
        .map(|route| RouteEntry {
            methods: &route.methods,
            path: &route.path.raw,
            handler: &route.handler.name,
            is_async: route.handler.is_async,
            status_code: route.status_code,
            params: param_entries(&route.handler),
            module: &route.handler.module,
            file: &files.of(route.handler.span).name,
            line: route.handler.line,
            via: &route.via,
            conditional: route.conditional,
            dependencies: dependency_entries(&route.handler),
        })
        .collect()
}

fn param_entries(callable: &Handler) -> Vec<ParamEntry<'_>> {
    callable
        .params
        .iter()
        .enumerate()
        .map(|(index, param)| ParamEntry {
            // The name clients send: the alias, or the header name.
            name: &param.key,
            // A form field is not a JSON body field: changing one into the other breaks clients.
            source: if param.form { "form" } else { param.source.name() },
            ty: match callable.dependencies.iter().find(|d| d.param == Some(index)) {
                Some(dependency) => format!("Depends({})", dependency.callable.name),
                None => match param.source {
                    Source::Request => "Request".to_owned(),
                    Source::Response => "Response".to_owned(),
                    Source::BackgroundTasks => "BackgroundTasks".to_owned(),
                    Source::SecurityScopes => "SecurityScopes".to_owned(),
                    Source::WebSocket => "WebSocket".to_owned(),
                    _ => param.type_label(),
                },
            },
            required: param.required(),
            default: param.default.as_ref(),
        })
        .collect()
}

fn dependency_entries(callable: &Handler) -> Vec<DependencyEntry<'_>> {
    callable
        .dependencies
        .iter()
        .map(|dependency| DependencyEntry {
            callable: if dependency.key.contains('@') {
                format!("{}(…)", dependency.callable.qualified())
            } else {
                dependency.key.clone()
            },
            kind: match (dependency.callable.is_async, dependency.callable.generator) {
                (false, false) => "function",
                (true, false) => "async",
                (false, true) => "generator",
                (true, true) => "async generator",
            },
            scope: dependency.scope,
            scopes: &dependency.scopes,
            param: dependency.param.map(|index| callable.params[index].name.as_str()),
            no_cache: !dependency.use_cache,
            params: param_entries(&dependency.callable),
            dependencies: dependency_entries(&dependency.callable),
        })
        .collect()
}

/// `name: type (source) = default`, as the table shows a parameter.
fn param_text(p: &ParamEntry<'_>) -> String {
    let default = match p.default {
        Some(default) => format!(" = {}", default.python()),
        None => String::new(),
    };
    // Objects FastAPI passes: the type says it all.
    let injected = [
        Source::Depends,
        Source::Request,
        Source::Response,
        Source::SecurityScopes,
        Source::BackgroundTasks,
        Source::WebSocket,
    ];
    if injected.iter().any(|source| p.source == source.name()) {
        return format!("{}: {}", p.name, p.ty);
    }
    format!("{}: {} ({}){default}", p.name, p.ty, p.source)
}

/// The dependency tree under a route's line, one dependable per line.
fn tree(dependencies: &[DependencyEntry<'_>], depth: usize, out: &mut String) {
    for dependency in dependencies {
        let params: Vec<String> = dependency.params.iter().map(param_text).collect();
        let mut notes = Vec::new();
        if dependency.kind != "function" {
            notes.push(dependency.kind.to_owned());
        }
        if let Some(scope) = dependency.scope {
            notes.push(format!("scope=\"{}\"", scope.as_str()));
        }
        if !dependency.scopes.is_empty() {
            let scopes: Vec<String> = dependency.scopes.iter().map(|s| format!("{s:?}")).collect();
            notes.push(format!("scopes=[{}]", scopes.join(", ")));
        }
        if dependency.no_cache {
            notes.push("use_cache=False".to_owned());
        }
        let cache = if notes.is_empty() {
            String::new()
        } else {
            format!("  ({})", notes.join(", "))
        };
        out.push_str(&format!(
            "{}└─ {}({}){cache}\n",
            "   ".repeat(depth + 1),
            dependency.callable,
            params.join(", ")
        ));
        tree(&dependency.dependencies, depth + 1, out);
    }
}

pub fn json(app: &App, files: &Files) -> String {
    let mut out = serde_json::to_string_pretty(&entries(app, files)).expect("route entries serialize");
    out.push('\n');
    out
}

/// A plain-text table, one route per line.
pub fn table(app: &App, files: &Files) -> String {
    let entries = entries(app, files);
    let rows: Vec<[String; 5]> = entries
        .iter()
        .map(|entry| {
            let params = entry.params.iter().map(param_text).collect::<Vec<_>>().join(", ");
            let handler = if entry.is_async {
                format!("async {}", entry.handler)
            } else {
                entry.handler.to_owned()
            };
            [
                entry.methods.join(","),
                entry.path.to_owned(),
                handler,
                params,
                location(entry),
            ]
        })
        .collect();
    let headers = ["METHOD", "PATH", "HANDLER", "PARAMETERS", "LOCATION"];
    let mut widths = headers.map(|h| h.chars().count());
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let line = |cells: [&str; 5]| {
        let mut text = String::new();
        for (i, (cell, width)) in cells.iter().zip(widths).enumerate() {
            if i + 1 == cells.len() {
                text.push_str(cell);
            } else {
                text.push_str(cell);
                text.extend(std::iter::repeat_n(' ', width - cell.chars().count() + 2));
            }
        }
        format!("{}\n", text.trim_end())
    };
    out.push_str(&line(headers));
    for (row, entry) in rows.iter().zip(&entries) {
        out.push_str(&line([&row[0], &row[1], &row[2], &row[3], &row[4]]));
        tree(&entry.dependencies, 0, &mut out);
    }
    out
}

/// `file:line`, then the routers the route came through and whether it is
/// conditional.
fn location(entry: &RouteEntry<'_>) -> String {
    let mut text = format!("{}:{}", entry.file, entry.line);
    if !entry.via.is_empty() {
        text.push_str(" via ");
        text.push_str(&entry.via.join(" > "));
    }
    if entry.conditional {
        text.push_str(" (conditional)");
    }
    text
}
