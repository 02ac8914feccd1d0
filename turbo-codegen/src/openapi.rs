//! `turbo openapi`: the app's OpenAPI document, for CI (client generation,
//! contract checks).
//!
//! The document needs the app's pydantic models, so it is not computed
//! from the syntax tree: the app is built as for `turbo build` (into the
//! cache; the shared target dir makes a rebuild cheap) and the server,
//! run with `--openapi`, imports it and prints FastAPI's `app.openapi()`
//! without serving. `--locked FILE` compares that document with a
//! committed one, as `turbo check --locked` compares routes.

use std::path::PathBuf;
use std::process::{Command, Stdio};

use serde_json::Value;

use crate::builder::{self, BuildOptions};
use crate::ir::App;
use crate::Checked;

/// The app's document as the server prints it (indented JSON).
pub fn document(app: &App, checked: &Checked) -> Result<String, String> {
    let entry = std::path::Path::new(checked.entry_name());
    let key = entry.canonicalize().map_or_else(
        |_| entry.to_string_lossy().into_owned(),
        |p| p.to_string_lossy().into_owned(),
    );
    let output: PathBuf = builder::cache_dir().join("openapi").join(format!(
        "server-{:08x}",
        crate::emit::fnv1a(key.as_bytes()) as u32
    ));
    let options = BuildOptions {
        output: output.clone(),
        crate_dir: None,
        emit_only: false,
    };
    builder::build(app, checked, &options).map_err(|err| err.to_string())?;
    let run = Command::new(&output)
        .arg("--openapi")
        .stderr(Stdio::inherit())
        .output()
        .map_err(|err| format!("cannot run {}: {err}", output.display()))?;
    if !run.status.success() {
        return Err(
            "the server could not print the app's OpenAPI document (its messages are above)".to_owned(),
        );
    }
    String::from_utf8(run.stdout).map_err(|_| "the server printed a document that is not UTF-8".to_owned())
}

/// Where two documents differ, as JSON pointers with both values
/// (`locked` is the committed one); empty when they are equal as JSON.
pub fn differences(locked: &Value, now: &Value) -> Vec<String> {
    let mut found = Vec::new();
    compare("", locked, now, &mut found);
    found
}

fn compare(pointer: &str, locked: &Value, now: &Value, found: &mut Vec<String>) {
    match (locked, now) {
        (Value::Object(a), Value::Object(b)) => {
            for (key, value) in a {
                let inner = format!("{pointer}/{}", escape(key));
                match b.get(key) {
                    Some(other) => compare(&inner, value, other, found),
                    None => found.push(format!("{inner}: removed (was {})", brief(value))),
                }
            }
            for (key, value) in b {
                if !a.contains_key(key) {
                    found.push(format!("{pointer}/{}: added ({})", escape(key), brief(value)));
                }
            }
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            for (index, (x, y)) in a.iter().zip(b).enumerate() {
                compare(&format!("{pointer}/{index}"), x, y, found);
            }
        }
        _ if locked != now => found.push(format!(
            "{}: was {}, now {}",
            if pointer.is_empty() { "/" } else { pointer },
            brief(locked),
            brief(now)
        )),
        _ => {}
    }
}

/// RFC 6901: `~` and `/` in a key.
fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// A value on one line, cut at 80 characters.
fn brief(value: &Value) -> String {
    let text = value.to_string();
    match text.char_indices().nth(80) {
        Some((cut, _)) => format!("{}...", &text[..cut]),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reports_each_difference_by_pointer() {
        let locked = json!({"paths": {"/items/{id}": {"get": {"parameters": [{"name": "id"}], "summary": "Get"}}}, "openapi": "3.1.0"});
        let now = json!({"paths": {"/items/{id}": {"get": {"parameters": [{"name": "key"}], "deprecated": true}}}, "openapi": "3.1.0"});
        assert_eq!(
            differences(&locked, &now),
            [
                r#"/paths/~1items~1{id}/get/parameters/0/name: was "id", now "key""#,
                r#"/paths/~1items~1{id}/get/summary: removed (was "Get")"#,
                "/paths/~1items~1{id}/get/deprecated: added (true)",
            ]
        );
        assert!(differences(&locked, &locked).is_empty());
        assert_eq!(
            differences(&json!([1]), &json!([1, 2])),
            ["/: was [1], now [1,2]"]
        );
    }
}
