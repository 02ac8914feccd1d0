//! The API drift gate: `turbo check APP --locked routes.lock`.
//!
//! `turbo routes APP --format json` writes a manifest of the API. Checked
//! against a committed copy, every difference fails the check and is
//! classified: changes that can break existing clients (a removed route or
//! method, a changed status code, a parameter whose type or source changed,
//! a new required parameter, an optional one made required) versus changes
//! that cannot (added routes and optional parameters, removed query
//! parameters, which FastAPI ignores when sent).

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::diagnostics::{Code, Diagnostic};
use crate::ir::App;
use crate::routes::{entries, RouteEntry};
use crate::source::{Files, Span};

#[derive(Deserialize)]
struct LockedRoute {
    methods: Vec<String>,
    path: String,
    status_code: u16,
    params: Vec<LockedParam>,
}

#[derive(Deserialize, Clone)]
struct LockedParam {
    name: String,
    source: String,
    #[serde(rename = "type")]
    ty: String,
    required: bool,
}

/// One difference between the lock and the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// `GET /items/{item_id}`
    pub route: String,
    pub description: String,
    pub breaking: bool,
    /// Where the route is in the app (absent for removed routes).
    pub span: Option<Span>,
}

/// Parses a lock file; the error is a message for the user.
fn parse(lock: &str) -> Result<Vec<LockedRoute>, String> {
    serde_json::from_str(lock)
        .map_err(|err| format!("not a route manifest written by `turbo routes --format json`: {err}"))
}

/// The differences between the lock file's API and the app's: changed and
/// removed routes sorted by path and method, then added ones.
pub fn compare(lock: &str, app: &App, files: &Files) -> Result<Vec<Change>, String> {
    let locked = parse(lock)?;
    let current = entries(app, files);
    let mut old: BTreeMap<(String, String), &LockedRoute> = BTreeMap::new();
    for route in &locked {
        for method in &route.methods {
            old.entry((route.path.clone(), method.clone())).or_insert(route);
        }
    }
    let mut new: BTreeMap<(String, String), (&RouteEntry<'_>, Span)> = BTreeMap::new();
    for (entry, route) in current.iter().zip(&app.routes) {
        for method in entry.methods {
            new.entry((entry.path.to_owned(), method.clone()))
                .or_insert((entry, route.path.span));
        }
    }
    let mut changes = Vec::new();
    for ((path, method), locked_route) in &old {
        let name = format!("{method} {path}");
        match new.get(&(path.clone(), method.clone())) {
            None => changes.push(Change {
                route: name,
                description: "removed".to_owned(),
                breaking: true,
                span: None,
            }),
            Some((entry, span)) => changes.extend(route_changes(&name, locked_route, entry, *span)),
        }
    }
    for ((path, method), (_, span)) in &new {
        if !old.contains_key(&(path.clone(), method.clone())) {
            changes.push(Change {
                route: format!("{method} {path}"),
                description: "added".to_owned(),
                breaking: false,
                span: Some(*span),
            });
        }
    }
    Ok(changes)
}

fn route_changes(name: &str, locked: &LockedRoute, entry: &RouteEntry<'_>, span: Span) -> Vec<Change> {
    let mut changes = Vec::new();
    let mut change = |description: String, breaking: bool| {
        changes.push(Change {
            route: name.to_owned(),
            description,
            breaking,
            span: Some(span),
        });
    };
    if locked.status_code != entry.status_code {
        change(
            format!("status code {} → {}", locked.status_code, entry.status_code),
            true,
        );
    }
    for old in &locked.params {
        match entry.params.iter().find(|p| p.name == old.name) {
            None => change(
                format!("parameter `{}` removed", old.name),
                // A query parameter the server no longer reads is ignored if sent.
                old.source != "query",
            ),
            Some(new) => {
                if new.source != old.source {
                    change(
                        format!(
                            "parameter `{}` moved from {} to {}",
                            old.name, old.source, new.source
                        ),
                        true,
                    );
                }
                if new.ty != old.ty {
                    change(
                        format!("parameter `{}` type {} → {}", old.name, old.ty, new.ty),
                        true,
                    );
                }
                if new.required && !old.required {
                    change(format!("parameter `{}` is now required", old.name), true);
                } else if !new.required && old.required {
                    change(format!("parameter `{}` is now optional", old.name), false);
                }
            }
        }
    }
    for new in &entry.params {
        if !locked.params.iter().any(|p| p.name == new.name) {
            let kind = if new.required { "required" } else { "optional" };
            change(
                format!("new {kind} {} parameter `{}`", new.source, new.name),
                new.required,
            );
        }
    }
    changes
}

/// Each change as a TB601 diagnostic, at the route when the app has it.
pub fn diagnostics(changes: &[Change], lock_name: &str, app_name: &str) -> Vec<Diagnostic> {
    changes
        .iter()
        .map(|change| {
            let kind = if change.breaking {
                "breaking"
            } else {
                "not breaking"
            };
            let label = match change.span {
                Some(_) => format!("{} ({kind})", change.description),
                None => format!("{lock_name} has this route; the app no longer does ({kind})"),
            };
            Diagnostic::new(
                Code::ApiDrift,
                change.span.unwrap_or_default(),
                format!("API change: {} {} ({kind})", change.route, change.description),
            )
            .label(label)
            .help(format!(
                "if this is intended, update the lock: turbo routes {app_name} --format json > {lock_name}"
            ))
        })
        .collect()
}

/// The readable diff printed above the diagnostics.
pub fn summary(changes: &[Change], lock_name: &str) -> String {
    let breaking = changes.iter().filter(|c| c.breaking).count();
    let mut out = format!(
        "{lock_name}: the API changed: {breaking} breaking, {} other change(s)\n",
        changes.len() - breaking
    );
    let width = changes.iter().map(|c| c.route.chars().count()).max().unwrap_or(0);
    for change in changes {
        let sign = match change.description.as_str() {
            "removed" => '-',
            "added" => '+',
            _ => '~',
        };
        let flag = if change.breaking { "  (breaking)" } else { "" };
        out.push_str(&format!(
            "  {sign} {:width$}  {}{flag}\n",
            change.route,
            change.description,
            width = width
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check;

    fn app(source: &str) -> (crate::Checked, String) {
        let checked = check("app.py", source.as_bytes());
        let lock = crate::routes::json(checked.emittable().unwrap(), &checked.files);
        (checked, lock)
    }

    const BEFORE: &str = "from fastapi import FastAPI\napp = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)\n\
        @app.get('/items/{item_id}')\ndef read(item_id: int, q: str | None = None, old: int = 1):\n    return 1\n\
        @app.post('/items', status_code=201)\ndef create(name: str):\n    return 1\n\
        @app.delete('/items/{item_id}')\ndef delete(item_id: int):\n    return 1\n";

    #[test]
    fn an_unchanged_app_matches_its_lock() {
        let (checked, lock) = app(BEFORE);
        assert_eq!(
            compare(&lock, checked.app.as_ref().unwrap(), &checked.files).unwrap(),
            []
        );
    }

    #[test]
    fn changes_are_found_and_classified() {
        let (_, lock) = app(BEFORE);
        let after = BEFORE
            .replace(
                "item_id: int, q: str | None = None, old: int = 1",
                "item_id: str, page: int, q: str | None = None",
            )
            .replace("status_code=201", "status_code=200")
            .replace("@app.delete('/items/{item_id}')", "@app.get('/health')");
        let (checked, _) = app(&after);
        let changes = compare(&lock, checked.app.as_ref().unwrap(), &checked.files).unwrap();
        let found: Vec<(String, String, bool)> = changes
            .iter()
            .map(|c| (c.route.clone(), c.description.clone(), c.breaking))
            .collect();
        let expect = |route: &str, description: &str, breaking: bool| {
            (route.to_owned(), description.to_owned(), breaking)
        };
        assert_eq!(
            found,
            [
                expect("POST /items", "status code 201 → 200", true),
                expect("DELETE /items/{item_id}", "removed", true),
                expect("GET /items/{item_id}", "parameter `item_id` type int → str", true),
                expect("GET /items/{item_id}", "parameter `old` removed", false),
                expect(
                    "GET /items/{item_id}",
                    "new required query parameter `page`",
                    true
                ),
                expect("GET /health", "added", false),
            ]
        );
        let text = summary(&changes, "routes.lock");
        assert!(
            text.starts_with("routes.lock: the API changed: 4 breaking, 2 other change(s)\n"),
            "{text}"
        );
        assert!(
            text.contains("  - DELETE /items/{item_id}  removed  (breaking)"),
            "{text}"
        );
    }

    #[test]
    fn garbage_lock_files_are_reported() {
        let (checked, _) = app(BEFORE);
        let err = compare("{not json", checked.app.as_ref().unwrap(), &checked.files).unwrap_err();
        assert!(err.contains("not a route manifest"));
    }
}
