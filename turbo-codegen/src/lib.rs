//! turbo's compiler: reads a FastAPI app without running it and emits a
//! Rust server crate for it.
//!
//! Pipeline (each phase collects diagnostics and never panics on input):
//! [`project`] (load every module the entry reaches) → [`parse`] →
//! [`lower`] (to the [`ir`]) → [`validate`] → [`plan`] → [`emit`] (only
//! when there is no error) → [`builder`] (cargo). [`check_entry`] (and
//! [`check`] for one module in memory) runs load to validate, then applies
//! the project's [`config`]; `turbo check` and `turbo build` share it.

pub mod builder;
pub mod config;
pub mod diagnostics;
pub mod emit;
pub mod explain;
pub mod imports;
pub mod ir;
pub mod lock;
pub mod lower;
pub mod openapi;
pub mod parse;
pub mod path_language;
pub mod path_template;
pub mod plan;
pub mod project;
pub mod routes;
pub mod shadowing;
pub mod source;
pub mod validate;

/// Starlette's template matching: the runtime's own, from the contract both share.
pub use turbo_contract::template as shared_template;

/// What the compiler and the runtime share (API version, hashing, decorators).
pub use turbo_contract as contract;

use std::path::{Path, PathBuf};

use diagnostics::{Diagnostic, Diagnostics};
use ir::App;
use project::layout::{Layout, Sources};
use source::Files;

/// The result of reading and validating a project.
pub struct Checked {
    /// Every module read, the entry first.
    pub files: Files,
    /// The directory Python imports the project from (`sys.path[0]`).
    pub root: PathBuf,
    /// The IR, when lowering found an app (it may still have errors).
    pub app: Option<App>,
    /// Sorted by file, then position.
    pub diagnostics: Vec<Diagnostic>,
}

impl Checked {
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity() == diagnostics::Severity::Error)
    }

    /// The IR, if it may be emitted (no errors).
    pub fn emittable(&self) -> Option<&App> {
        self.app.as_ref().filter(|_| !self.has_errors())
    }

    /// The project's modules (not turbo's own it read), each by its path
    /// under the import root, with its text: what the server hashes to
    /// tell which changed since the build.
    pub fn project_sources(&self) -> Vec<(String, String)> {
        self.project_files()
            .map(|file| {
                let relative = std::path::Path::new(&file.name)
                    .strip_prefix(&self.root)
                    .unwrap_or(std::path::Path::new(&file.name));
                (relative.to_string_lossy().replace('\\', "/"), file.text.clone())
            })
            .collect()
    }

    /// The files of the project's modules, without turbo's own it read.
    pub fn project_files(&self) -> impl Iterator<Item = &source::SourceFile> {
        self.files
            .iter()
            .filter(|file| !file.name.starts_with(project::provided::FILE_PREFIX))
    }

    /// For `turbo build`: findings about the app's own routes that FastAPI
    /// serves anyway (a duplicate, an unreachable route) are warnings, so
    /// they do not stop the build; `turbo check` still fails on them.
    pub fn demote_findings(&mut self) {
        for diagnostic in &mut self.diagnostics {
            if diagnostic.code.describes_app() {
                diagnostic.severity = diagnostics::Severity::Warning;
            }
        }
    }

    /// The entry module's file name, as given.
    pub fn entry_name(&self) -> &str {
        self.files.iter().next().map_or("", |f| f.name.as_str())
    }
}

/// Which app to compile, as `turbo check`/`build` were told.
pub struct Entry {
    /// The entry module's file.
    pub file: PathBuf,
    /// The import root, if given (`--app-dir`); else found from packages.
    pub app_dir: Option<PathBuf>,
    /// The application variable (`module:app`); else the only `FastAPI()`.
    pub variable: Option<String>,
    /// `variable` names a factory the server calls (`--factory`).
    pub factory: bool,
}

impl Entry {
    /// An entry written as a file (`app/main.py`) or as uvicorn spells it
    /// (`app.main:app`, `app.main`), the latter looked up under `app_dir`
    /// (default: the current directory).
    pub fn parse(spec: &str, app_dir: Option<&Path>) -> Result<Entry, String> {
        let as_file = Path::new(spec);
        if spec.ends_with(".py") || as_file.is_file() {
            return Ok(Entry {
                file: as_file.to_path_buf(),
                app_dir: app_dir.map(Path::to_path_buf),
                variable: None,
                factory: false,
            });
        }
        let (module, variable) = match spec.split_once(':') {
            Some((module, variable)) => (module, Some(variable.to_owned())),
            None => (spec, None),
        };
        let layout = Layout {
            root: app_dir.map(Path::to_path_buf).unwrap_or_default(),
        };
        let located = layout
            .locate(&Sources::Disk, module)
            .and_then(|found| found.file)
            .ok_or_else(|| {
                format!(
                    "cannot find module `{module}` under {} (give the file, or the directory to import from with --app-dir)",
                    if layout.root.as_os_str().is_empty() {
                        "the current directory".to_owned()
                    } else {
                        layout.root.display().to_string()
                    }
                )
            })?;
        Ok(Entry {
            file: located,
            app_dir: Some(layout.root),
            variable,
            factory: false,
        })
    }
}

/// Reads, lowers and validates the project an entry names, from disk,
/// with the `[tool.turbo]` configuration of the nearest `pyproject.toml`.
/// The error (an unreadable entry, a broken configuration) is a message.
pub fn check_entry(entry: &Entry) -> Result<Checked, String> {
    // The entry itself must be readable: that is a usage error, not a diagnostic.
    std::fs::metadata(&entry.file).map_err(|err| format!("cannot read {}: {err}", entry.file.display()))?;
    let config = config::Config::find(entry.file.parent().unwrap_or(Path::new("")))?;
    Ok(check_sources(&Sources::Disk, entry, &config))
}

/// Parses, lowers and validates one module given as bytes, as a project of
/// one file (tests, fuzzing): its imports of other modules find nothing.
pub fn check(name: &str, bytes: &[u8]) -> Checked {
    let entry = Entry {
        file: PathBuf::from(name),
        app_dir: None,
        variable: None,
        factory: false,
    };
    check_files(vec![(PathBuf::from(name), bytes.to_vec())], &entry)
}

/// Checks a project given as files in memory (path → bytes), as if they
/// were on disk: multi-module fixtures and tests.
pub fn check_files(files: Vec<(PathBuf, Vec<u8>)>, entry: &Entry) -> Checked {
    check_sources(
        &Sources::Memory(files.into_iter().collect()),
        entry,
        &config::Config::default(),
    )
}

fn check_sources(sources: &Sources, entry: &Entry, config: &config::Config) -> Checked {
    let mut diags = Diagnostics::default();
    let (layout, module) = Layout::for_file(sources, &entry.file, entry.app_dir.as_deref());
    let root = layout.root.clone();
    let project = project::load(sources, layout, &module, entry.file.clone(), &mut diags);
    let app = lower::lower(&project, entry.variable.as_deref(), entry.factory, &mut diags);
    if let Some(app) = &app {
        validate::validate(app, &mut diags);
    }
    let project::Project { files, modules, .. } = project;
    for module in modules {
        for error in parse::compile_errors(module.file, &module.stmts) {
            diags.push(error);
        }
    }
    let diagnostics = config.apply(&files, diags.into_sorted());
    Checked {
        files,
        root,
        app,
        diagnostics,
    }
}
