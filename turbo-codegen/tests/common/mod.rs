//! Invariants every input must keep, whatever it is: shared by the fixture
//! tests, the mutation test and the cargo-fuzz target (`#[path]`); and the
//! reading of a project folder for the tests that check one in memory.

use turbo_codegen::diagnostics::{render_github, render_text_strict, to_json};
use turbo_codegen::{routes, Checked};

/// Labels lie inside the file on character boundaries, diagnostics are
/// sorted and each has a help line, and every output format renders
/// (strictly: a renderer panic fails). `context` names the input.
#[allow(dead_code)] // not every test target checks invariants
pub fn assert_invariants(checked: &Checked, context: &str) {
    let mut previous = None;
    for diagnostic in &checked.diagnostics {
        for label in std::iter::once(&diagnostic.primary).chain(&diagnostic.secondary) {
            assert!(
                (label.span.file.0 as usize) < checked.files.len(),
                "{context}: label in a file that was not read"
            );
            let text = &checked.files.of(label.span).text;
            let (start, end) = (label.span.start as usize, label.span.end as usize);
            assert!(
                start <= end && end <= text.len(),
                "{context}: label {start}..{end} outside the file"
            );
            assert!(
                text.is_char_boundary(start) && text.is_char_boundary(end),
                "{context}: label off a character boundary"
            );
        }
        let key = (diagnostic.primary.span, diagnostic.code);
        assert!(
            previous.is_none_or(|p| p <= key),
            "{context}: diagnostics are not sorted by position"
        );
        previous = Some(key);
        assert!(
            diagnostic.help.is_some(),
            "{context}: {} has no help line",
            diagnostic.code.id()
        );
        render_text_strict(&checked.files, diagnostic, false);
        render_github(&checked.files, diagnostic);
        serde_json::to_string(&to_json(&checked.files, diagnostic)).expect("diagnostics serialize");
    }
    if let Some(app) = checked.emittable() {
        routes::table(app, &checked.files);
        routes::json(app, &checked.files);
    }
}

/// Every `.py` file under `dir`, keyed by its path relative to `base`, as
/// [`turbo_codegen::check_files`] takes a project.
#[allow(dead_code)] // not every test target reads projects
pub fn python_files(dir: &std::path::Path, base: &std::path::Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(at) = pending.pop() {
        for entry in std::fs::read_dir(&at).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|x| x == "py") {
                let relative = path.strip_prefix(base).unwrap().to_path_buf();
                files.push((relative, std::fs::read(&path).unwrap()));
            }
        }
    }
    files.sort();
    files
}
