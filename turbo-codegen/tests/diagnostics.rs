//! One fixture per diagnostic (and per no-false-positive case).
//!
//! Each fixture's first line says which codes it must produce
//! (`# expect: TB301, TB302` or `# expect: clean`); the rendered text and
//! the JSON are snapshotted with insta. Invariants that must hold for any
//! input are asserted on every fixture.

mod common;

use common::assert_invariants;
use turbo_codegen::check;
use turbo_codegen::diagnostics::{render_text, render_text_strict, to_json, Severity};

fn expected_codes(bytes: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(bytes);
    let first = text.lines().next().unwrap_or("").split('\r').next().unwrap_or("");
    let spec = first
        .strip_prefix("# expect:")
        .expect("fixture starts with `# expect:`")
        .trim();
    if spec == "clean" {
        return Vec::new();
    }
    let mut codes: Vec<String> = spec.split(',').map(|c| c.trim().to_owned()).collect();
    codes.sort();
    codes
}

#[test]
fn fixtures() {
    insta::glob!("fixtures/*.py", |path: &std::path::Path| {
        let bytes = std::fs::read(path).unwrap();
        let name = format!("fixtures/{}", path.file_name().unwrap().to_string_lossy());
        let checked = check(&name, &bytes);
        assert_invariants(&checked, &name);

        let mut codes: Vec<String> = checked
            .diagnostics
            .iter()
            .map(|d| d.code.id().to_owned())
            .collect();
        codes.sort();
        assert_eq!(codes, expected_codes(&bytes), "codes reported for {name}");
        let has_errors = checked
            .diagnostics
            .iter()
            .any(|d| d.severity() == Severity::Error);
        assert_eq!(
            checked.emittable().is_some(),
            !has_errors && checked.app.is_some(),
            "{name}"
        );

        let rendered: String = checked
            .diagnostics
            .iter()
            .map(|d| render_text(&checked.files, d, false))
            .collect();
        insta::assert_snapshot!("text", rendered);
        let json: Vec<_> = checked
            .diagnostics
            .iter()
            .map(|d| to_json(&checked.files, d))
            .collect();
        insta::assert_json_snapshot!("json", json);
    });
}

/// Inputs a CI gate meets in the wild must never panic and must locate
/// their diagnostics inside the file.
#[test]
fn hostile_inputs_never_panic() {
    let long_line = format!("x = '{}'\n", "é".repeat(50_000));
    let inputs: Vec<Vec<u8>> = vec![
        Vec::new(),
        b"\n\n\n".to_vec(),
        vec![0xff, 0xfe, 0x00, 0x41],
        b"\x00\x01\x02garbage\x7f".to_vec(),
        long_line.into_bytes(),
        b"def f(:\r\n".to_vec(),
        b"from fastapi import FastAPI\rapp = FastAPI()\r@app.get('/{')\rdef f(): pass\r".to_vec(),
        "app = FastAPI(\n".repeat(200).into_bytes(),
        "((((((((((((((((((((((((((((((((((((((((".as_bytes().to_vec(),
    ];
    for bytes in inputs {
        let checked = check("hostile.py", &bytes);
        assert_invariants(&checked, "input");
        assert!(
            !checked.diagnostics.is_empty(),
            "no diagnostic for {:?}",
            String::from_utf8_lossy(&bytes)
        );
    }
}

#[test]
fn ten_thousand_routes_check_clean() {
    let mut source = String::from(
        "from fastapi import FastAPI\napp = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)\n",
    );
    for i in 0..10_000 {
        source.push_str(&format!(
            "@app.get('/r{i}/{{item_id}}')\ndef h{i}(item_id: int, q: str | None = None):\n    return item_id\n"
        ));
    }
    let checked = check("big.py", source.as_bytes());
    assert!(checked.diagnostics.is_empty());
    assert_eq!(checked.app.unwrap().routes.len(), 10_000);
}

#[test]
fn line_and_column_count_characters() {
    let source = "from fastapi import FastAPI\napp = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)\n@app.get('/é/{x}')\ndef f(y: int):\n    return y\n";
    let checked = check("cols.py", source.as_bytes());
    let json = to_json(&checked.files, &checked.diagnostics[0]);
    // `{x}` starts after `@app.get('/é/` : 13 characters, 14 bytes.
    assert_eq!((json.start.line, json.start.column), (3, 14));
    assert_eq!((json.end.line, json.end.column), (3, 17));
}

/// Found by cargo-fuzz: form feeds before a long run of invalid bytes made
/// the snippet renderer's margin arithmetic overflow.
#[test]
fn control_characters_and_long_lines_render() {
    let mut source = b"from fastapi import FastAPI\n\napp = FastAPI()\n  ".to_vec();
    source.extend(std::iter::repeat_n(0x0c, 40));
    source.extend(std::iter::repeat_n(0xd0, 80));
    source.extend(std::iter::repeat_n(0x0c, 80));
    source.extend(b"\x1b[31m re\n");
    let checked = check("controls.py", &source);
    assert_eq!(checked.diagnostics.len(), 1);
    let rendered = render_text_strict(&checked.files, &checked.diagnostics[0], false);
    assert!(rendered.contains("error[TB002]"), "{rendered}");
    assert!(rendered.contains("controls.py:4:43"), "{rendered}");
    assert!(!rendered.contains('\x1b'), "escape sequences reach the terminal");
}

/// Found by cargo-fuzz: a syntax error inside a long run of indentation
/// made the renderer's trimming arithmetic underflow; messages with raw
/// control characters are escaped.
#[test]
fn labels_inside_long_indentation_render() {
    let mut source = vec![0u8; 160];
    source.extend(b"\"\"\"A\"\"\" + x\n");
    let checked = check("indent.py", &source);
    let rendered = render_text(&checked.files, &checked.diagnostics[0], false);
    assert!(
        rendered.starts_with("error[TB001]: Got unexpected token \\u{0}"),
        "{rendered}"
    );
    assert!(rendered.contains("indent.py:1:1"), "{rendered}");
}

/// Inputs that crashed the front end under cargo-fuzz, kept as they were found.
#[test]
fn fuzz_regressions() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_regressions");
    let mut count = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let checked = check("regression.py", &std::fs::read(&path).unwrap());
        // Renders every diagnostic strictly: the crashes were in rendering.
        assert_invariants(&checked, &path.display().to_string());
        count += 1;
    }
    assert!(count > 0);
}

#[test]
fn columns_with_tabs_and_crlf() {
    let source = "from fastapi import FastAPI\r\napp = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)\r\n@app.get('/x')\r\ndef f(\ta: int = 'no'):\r\n\treturn a\r\n";
    let checked = check("tabs.py", source.as_bytes());
    let json = to_json(&checked.files, &checked.diagnostics[0]);
    assert_eq!(json.code, "TB305");
    // `def f(` is 6 characters, then a tab (one character), `a: int = `.
    assert_eq!((json.start.line, json.start.column), (4, 17));
    assert_eq!((json.end.line, json.end.column), (4, 21));
}
