//! turbo's compiler: reads a FastAPI app without running it and emits a
//! Rust server crate for it.
//!
//! Pipeline (each phase collects diagnostics and never panics on input):
//! [`parse`] → [`lower`] (to the [`ir`]) → [`validate`] → [`emit`] (only
//! when there is no error) → [`builder`] (cargo). [`check`] runs the first
//! three; `turbo check` and `turbo build` share it.

pub mod builder;
pub mod diagnostics;
pub mod emit;
pub mod explain;
pub mod imports;
pub mod ir;
pub mod lock;
pub mod lower;
pub mod parse;
pub mod path_language;
pub mod path_template;
pub mod routes;
pub mod shadowing;
pub mod source;
pub mod validate;

/// Starlette's template matching, the very file the runtime compiles.
#[path = "../../turbo-runtime/src/template.rs"]
#[allow(dead_code)]
pub mod shared_template;

use diagnostics::{Code, Diagnostic, Diagnostics};
use ir::App;
use source::{SourceFile, Span};

/// The result of reading and validating one app module.
pub struct Checked {
    pub file: SourceFile,
    /// The IR, when lowering found an app (it may still have errors).
    pub app: Option<App>,
    /// Sorted by position.
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
}

/// Parses, lowers and validates an app module given as raw bytes.
/// `name` is the path to show in messages; the module name is its stem.
pub fn check(name: &str, bytes: &[u8]) -> Checked {
    let mut diags = Diagnostics::default();
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(error) => {
            let file = SourceFile::new(name, String::from_utf8_lossy(bytes).into_owned());
            let offset = String::from_utf8_lossy(&bytes[..error.valid_up_to()]).len();
            let end = file.text[offset..]
                .chars()
                .next()
                .map_or(offset, |c| offset + c.len_utf8());
            diags.push(
                Diagnostic::new(
                    Code::InvalidUtf8,
                    Span::new(offset, end),
                    "the file is not valid UTF-8",
                )
                .label("invalid byte sequence")
                .help("save the file as UTF-8, as Python 3 expects"),
            );
            return Checked {
                file,
                app: None,
                diagnostics: diags.into_sorted(),
            };
        }
    };
    let file = SourceFile::new(name, text);
    let app = match parse::parse_module(&file) {
        Err(syntax_error) => {
            diags.push(syntax_error);
            None
        }
        Ok(stmts) => {
            let app = lower::lower(&file, &module_name(name), &stmts, &mut diags);
            if let Some(app) = &app {
                validate::validate(app, &mut diags);
            }
            for error in parse::compile_errors(stmts) {
                diags.push(error);
            }
            app
        }
    };
    Checked {
        file,
        app,
        diagnostics: diags.into_sorted(),
    }
}

/// `app` for `path/to/app.py`.
pub fn module_name(path: &str) -> String {
    std::path::Path::new(path)
        .file_stem()
        .map(|stem| stem.to_string_lossy().into_owned())
        .unwrap_or_else(|| "app".to_owned())
}
