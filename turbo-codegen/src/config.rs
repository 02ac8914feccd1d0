//! What a project says about turbo's findings: `# noqa: TB211` comments on
//! the line a finding points at, and a `[tool.turbo]` table in the nearest
//! `pyproject.toml` (`ignore`, `extend-warn`, and the spellings a ruff user
//! would try: `extend-ignore`, `warn`, a `[tool.turbo.lint]` sub-table).
//!
//! Only findings about the app's own routes can be silenced or demoted
//! ([`Code::describes_app`]); a code meaning "turbo cannot serve this"
//! stays an error, and naming one in the configuration is itself an error.

use std::path::{Path, PathBuf};

use crate::diagnostics::{Code, Diagnostic, Severity};
use crate::source::Files;

/// The `[tool.turbo]` settings.
#[derive(Debug, Default, PartialEq)]
pub struct Config {
    /// Codes not reported at all.
    pub ignore: Vec<Code>,
    /// Codes reported as warnings.
    pub warn: Vec<Code>,
    /// The file they came from.
    pub file: Option<PathBuf>,
}

const IGNORE_KEYS: &[&str] = &["ignore", "extend-ignore"];
const WARN_KEYS: &[&str] = &["warn", "extend-warn"];

impl Config {
    /// The configuration in the nearest `pyproject.toml` at or above
    /// `dir`; the default if none has a `[tool.turbo]` table. The error
    /// is a message for the user.
    pub fn find(dir: &Path) -> Result<Config, String> {
        let start = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        let start = start.canonicalize().unwrap_or_else(|_| start.to_path_buf());
        for directory in start.ancestors() {
            let candidate = directory.join("pyproject.toml");
            if let Ok(text) = std::fs::read_to_string(&candidate) {
                let mut config =
                    Config::parse(&text).map_err(|err| format!("{}: {err}", candidate.display()))?;
                config.file = Some(candidate);
                return Ok(config);
            }
        }
        Ok(Config::default())
    }

    /// Reads `[tool.turbo]` (and `[tool.turbo.lint]`) from a pyproject.toml.
    pub fn parse(text: &str) -> Result<Config, String> {
        let document: toml::Table = toml::from_str(text).map_err(|err| format!("not valid TOML: {err}"))?;
        let Some(turbo) = document.get("tool").and_then(|tool| tool.get("turbo")) else {
            return Ok(Config::default());
        };
        let mut config = Config::default();
        let mut tables = vec![("tool.turbo", turbo)];
        if let Some(lint) = turbo.get("lint") {
            tables.push(("tool.turbo.lint", lint));
        }
        for (name, table) in tables {
            let table = table
                .as_table()
                .ok_or_else(|| format!("[{name}] is not a table"))?;
            for (key, value) in table {
                let into = if IGNORE_KEYS.contains(&key.as_str()) {
                    &mut config.ignore
                } else if WARN_KEYS.contains(&key.as_str()) {
                    &mut config.warn
                } else if key == "lint" && name == "tool.turbo" {
                    continue;
                } else {
                    return Err(format!(
                        "[{name}] has no setting `{key}`; turbo reads {}",
                        IGNORE_KEYS
                            .iter()
                            .chain(WARN_KEYS)
                            .copied()
                            .collect::<Vec<_>>()
                            .join(", ")
                    ));
                };
                let codes = value
                    .as_array()
                    .ok_or_else(|| format!("[{name}] `{key}` must be a list of codes"))?;
                for code in codes {
                    let written = code
                        .as_str()
                        .ok_or_else(|| format!("[{name}] `{key}` must be a list of codes"))?;
                    into.push(configurable(written).map_err(|err| format!("[{name}] `{key}`: {err}"))?);
                }
            }
        }
        Ok(config)
    }

    /// Drops ignored and `# noqa`'d findings, demotes configured ones.
    pub fn apply(&self, files: &Files, diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
        diagnostics
            .into_iter()
            .filter(|d| !(d.code.describes_app() && (self.ignore.contains(&d.code) || noqa(files, d))))
            .map(|mut d| {
                if d.code.describes_app() && self.warn.contains(&d.code) {
                    d.severity = Severity::Warning;
                }
                d
            })
            .collect()
    }
}

/// A code as written in the configuration (`TB211` or `unreachable-route`),
/// if it may be configured.
fn configurable(written: &str) -> Result<Code, String> {
    let code = Code::from_id(written)
        .ok_or_else(|| format!("no diagnostic code `{written}` (`turbo explain` lists them)"))?;
    if !code.describes_app() {
        return Err(format!(
            "{} means turbo cannot serve the construct and cannot be ignored or demoted",
            code.id()
        ));
    }
    Ok(code)
}

/// Whether the line the finding points at has `# noqa` (all findings) or
/// `# noqa: TB211, ...` naming its code (id or name), as ruff reads it.
fn noqa(files: &Files, diagnostic: &Diagnostic) -> bool {
    let file = files.of(diagnostic.primary.span);
    let start = (diagnostic.primary.span.start as usize).min(file.text.len());
    let line_start = file.text[..start].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let line_end = file.text[start..]
        .find(['\n', '\r'])
        .map_or(file.text.len(), |i| start + i);
    let line = &file.text[line_start..line_end];
    let Some(at) = line.to_ascii_lowercase().find("# noqa") else {
        return false;
    };
    let rest = line[at + "# noqa".len()..].trim_start();
    let Some(codes) = rest.strip_prefix(':') else {
        // A bare `# noqa` (or `# noqa` followed by a comment).
        return true;
    };
    codes
        .split([',', ' '])
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .take_while(|c| Code::from_id(c).is_some())
        .any(|c| Code::from_id(c) == Some(diagnostic.code))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_tool_turbo_in_every_spelling() {
        let config = Config::parse(
            "[project]\nname = 'x'\n[tool.turbo]\nignore = ['TB201']\n[tool.turbo.lint]\nextend-warn = ['unreachable-route']\n",
        )
        .unwrap();
        assert_eq!(config.ignore, vec![Code::DuplicateRoute]);
        assert_eq!(config.warn, vec![Code::UnreachableRoute]);
        assert_eq!(
            Config::parse("[tool.ruff]\nignore = ['E1']\n").unwrap(),
            Config::default()
        );
    }

    #[test]
    fn refuses_what_cannot_be_configured() {
        let err = Config::parse("[tool.turbo]\nignore = ['TB207']\n").unwrap_err();
        assert!(err.contains("TB207 means turbo cannot serve"), "{err}");
        assert!(Config::parse("[tool.turbo]\nselect = ['TB211']\n")
            .unwrap_err()
            .contains("no setting `select`"));
        assert!(Config::parse("[tool.turbo]\nignore = ['TB999']\n")
            .unwrap_err()
            .contains("no diagnostic code"));
        assert!(Config::parse("[tool.turbo\n")
            .unwrap_err()
            .contains("not valid TOML"));
        assert!(Config::parse("[tool.turbo]\nignore = 'TB211'\n")
            .unwrap_err()
            .contains("list of codes"));
    }
}
