//! Multi-module fixtures: a folder per case under `project_fixtures/`, its
//! entry `app/main.py`, the expected codes in its `expect` file, and insta
//! snapshots of the text diagnostics (which name each file).

use std::path::{Path, PathBuf};

use turbo_codegen::diagnostics::render_text;
use turbo_codegen::{check_files, Entry};

mod common;

#[test]
fn project_fixtures() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/project_fixtures");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    cases.sort();
    assert!(!cases.is_empty());
    for case in cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let entry = Entry {
            file: Path::new(&name).join("app").join("main.py"),
            app_dir: None,
            variable: None,
            factory: false,
        };
        let checked = check_files(common::python_files(&case, &root), &entry);
        common::assert_invariants(&checked, &name);
        let expected: Vec<String> = std::fs::read_to_string(case.join("expect"))
            .unwrap()
            .split(',')
            .map(|code| code.trim().to_owned())
            .filter(|code| !code.is_empty())
            .collect();
        let mut found: Vec<String> = checked
            .diagnostics
            .iter()
            .map(|d| d.code.id().to_owned())
            .collect();
        found.sort();
        let mut want = expected.clone();
        want.sort();
        assert_eq!(found, want, "codes reported for {name}");
        let text: String = checked
            .diagnostics
            .iter()
            .map(|d| render_text(&checked.files, d, false))
            .collect();
        insta::assert_snapshot!(format!("project_{name}"), text);
    }
}
