//! `turbo routes`: the compiled API as a table or as JSON.

use serde::Serialize;

use crate::ir::{App, Literal};
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
            params: route
                .handler
                .params
                .iter()
                .map(|param| ParamEntry {
                    // The name clients send: the alias, or the header name.
                    name: &param.key,
                    // A form field is not a JSON body field: changing one into the other breaks clients.
                    source: if param.form { "form" } else { param.source.name() },
                    ty: param.type_label(),
                    required: param.required(),
                    default: param.default.as_ref(),
                })
                .collect(),
            module: &route.handler.module,
            file: &files.of(route.handler.span).name,
            line: route.handler.line,
            via: &route.via,
            conditional: route.conditional,
        })
        .collect()
}

pub fn json(app: &App, files: &Files) -> String {
    let mut out = serde_json::to_string_pretty(&entries(app, files)).expect("route entries serialize");
    out.push('\n');
    out
}

/// A plain-text table, one route per line.
pub fn table(app: &App, files: &Files) -> String {
    let rows: Vec<[String; 5]> = entries(app, files)
        .iter()
        .map(|entry| {
            let params = entry
                .params
                .iter()
                .map(|p| {
                    let default = match p.default {
                        Some(default) => format!(" = {}", default.python()),
                        None => String::new(),
                    };
                    format!("{}: {} ({}){default}", p.name, p.ty, p.source)
                })
                .collect::<Vec<_>>()
                .join(", ");
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
    let mut line = |cells: [&str; 5]| {
        let mut text = String::new();
        for (i, (cell, width)) in cells.iter().zip(widths).enumerate() {
            if i + 1 == cells.len() {
                text.push_str(cell);
            } else {
                text.push_str(cell);
                text.extend(std::iter::repeat_n(' ', width - cell.chars().count() + 2));
            }
        }
        out.push_str(text.trim_end());
        out.push('\n');
    };
    line(headers);
    for row in &rows {
        line([&row[0], &row[1], &row[2], &row[3], &row[4]]);
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
