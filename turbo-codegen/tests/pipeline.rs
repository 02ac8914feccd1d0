//! The pipeline on the example apps: IR, generated code, the CLI contract.

use std::path::{Path, PathBuf};
use std::process::Command;

use turbo_codegen::emit::{emit_crate, CrateOptions};
use turbo_codegen::{check, routes};

mod common;

/// An example as a project in memory, its paths as written from the
/// repository root (`examples/fullstack/app/main.py`), and its entry.
/// Findings FastAPI serves anyway are warnings, as `turbo build` has them.
fn example_project(name: &str) -> turbo_codegen::Checked {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let files = common::python_files(&root.join("examples").join(name), &root);
    let relative = Path::new("examples").join(name);
    let entry = [relative.join("app.py"), relative.join("app").join("main.py")]
        .into_iter()
        .find(|candidate| files.iter().any(|(path, _)| path == candidate))
        .expect("an example has app.py or app/main.py");
    let mut checked = turbo_codegen::check_files(
        files,
        &turbo_codegen::Entry {
            file: entry,
            app_dir: None,
            variable: None,
            factory: false,
        },
    );
    checked.demote_findings();
    checked
}

fn example(name: &str) -> (PathBuf, Vec<u8>) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../examples")
        .join(name)
        .join("app.py");
    let bytes = std::fs::read(&path).unwrap();
    (path, bytes)
}

/// Every directory under examples/, so a new example is covered by default.
fn example_names() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn example_route_manifests() {
    for name in example_names() {
        let name = name.as_str();
        let checked = example_project(name);
        let app = checked
            .emittable()
            .unwrap_or_else(|| panic!("{name} has errors: {:?}", checked.diagnostics));
        insta::assert_snapshot!(format!("routes_{name}"), routes::json(app, &checked.files));
    }
}

fn generate(name: &str) -> std::collections::BTreeMap<String, String> {
    let checked = example_project(name);
    let app = checked.emittable().unwrap();
    let sources = checked.project_sources();
    emit_crate(
        app,
        &CrateOptions {
            package: "turbo-app-snapshot",
            runtime_path: "/turbo/turbo-runtime",
            app_dir: "/apps/example",
            sources: &sources,
        },
    )
}

#[test]
fn generated_crate_is_deterministic() {
    for name in example_names() {
        assert_eq!(generate(&name), generate(&name), "{name}: two emissions differ");
    }
}

/// The whole IR, spans included, of the example that uses every feature.
#[test]
fn items_ir_snapshot() {
    let (_, bytes) = example("items");
    let checked = check("app.py", &bytes);
    insta::assert_json_snapshot!("items_ir", checked.emittable().unwrap());
}

#[test]
fn generated_crate_snapshot() {
    let files = generate("hello");
    insta::assert_snapshot!("hello_main_rs", files["src/main.rs"]);
    insta::assert_snapshot!("hello_cargo_toml", files["Cargo.toml"]);
    insta::assert_snapshot!("hello_build_rs", files["build.rs"]);
}

#[test]
fn items_generated_code_uses_both_matcher_kinds() {
    let main = &generate("items")["src/main.rs"];
    // Whole-segment templates are matched segment by segment ...
    assert!(main.contains("rt::Matcher::Segments("));
    // ... mixed segments (`{year}-{month}`) and `:path` with the backtracking matcher.
    assert!(main.contains("rt::Matcher::Pieces("));
    // `/users/me` is static, and `/users/{user_id}` (declared after it) also
    // matches that path: both are candidates, in declaration order (after
    // the four documentation pages FastAPI registers first).
    assert!(main.contains("(\"/users/me\", &[10u16, 11u16])"));
}

fn turbo(args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_turbo"))
        .args(args)
        .env("NO_COLOR", "1")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    (
        output.status.code().unwrap(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn cli_exit_codes() {
    let (code, _, stderr) = turbo(&["check", "../examples/hello/app.py"]);
    assert_eq!(code, 0, "{stderr}");
    // Its three routes, after FastAPI's four documentation pages.
    assert!(stderr.contains("7 routes OK"), "{stderr}");

    let (code, _, stderr) = turbo(&["check", "tests/fixtures/missing_path_param.py"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("error[TB301]"));
    assert!(!stderr.contains("\x1b["), "colour without a terminal");

    // Warnings pass unless denied.
    assert_eq!(turbo(&["check", "tests/fixtures/shadowed_route.py"]).0, 0);
    assert_eq!(
        turbo(&["check", "--deny-warnings", "tests/fixtures/shadowed_route.py"]).0,
        1
    );

    assert_eq!(turbo(&["check", "does/not/exist.py"]).0, 2);
    assert_eq!(turbo(&["check"]).0, 2);
    assert_eq!(turbo(&["frobnicate"]).0, 2);
    // Nothing is generated for an app with errors.
    let (code, _, stderr) = turbo(&[
        "build",
        "tests/fixtures/missing_path_param.py",
        "-o",
        "/nonexistent/server",
    ]);
    assert_eq!(code, 1);
    assert!(stderr.contains("error[TB301]") && !stderr.contains("generated"));
}

#[test]
fn cli_json_and_github_formats() {
    let (code, stdout, _) = turbo(&[
        "check",
        "--format",
        "json",
        "tests/fixtures/unsupported_param_kind.py",
    ]);
    assert_eq!(code, 1);
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let codes: Vec<&str> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["TB304", "TB304", "TB304"]);

    let (code, stdout, _) = turbo(&[
        "check",
        "--format",
        "github",
        "tests/fixtures/missing_path_param.py",
    ]);
    assert_eq!(code, 1);
    assert!(
        stdout.starts_with("::error title=TB301,file=tests/fixtures/missing_path_param.py,line=6,col=18"),
        "{stdout}"
    );
}

#[test]
fn cli_routes() {
    let (code, stdout, _) = turbo(&["routes", "../examples/hello/app.py"]);
    assert_eq!(code, 0);
    insta::assert_snapshot!("routes_table_hello", stdout);
    let (code, stdout, _) = turbo(&["routes", "--format", "json", "../examples/hello/app.py"]);
    assert_eq!(code, 0);
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    // After the four documentation pages FastAPI registers first.
    assert_eq!(json[0]["path"], "/openapi.json");
    assert_eq!(json[5]["params"][1]["name"], "excited");
    assert_eq!(json[5]["params"][1]["default"]["value"], false);
}

#[test]
fn cli_routes_prints_dependency_trees() {
    let (code, stdout, _) = turbo(&["routes", "../examples/deps/app/main.py"]);
    assert_eq!(code, 0);
    insta::assert_snapshot!("routes_table_deps", stdout);
}

#[test]
fn cli_explain() {
    let (code, stdout, _) = turbo(&["explain", "TB211"]);
    assert_eq!(code, 0);
    assert!(stdout.starts_with("TB211 (unreachable-route), error"), "{stdout}");
    assert!(stdout.contains("Fix:"));
    let (code, stdout, _) = turbo(&["explain"]);
    assert_eq!(code, 0);
    assert!(stdout
        .lines()
        .any(|l| l.starts_with("TB212  shadowed-route") && l.ends_with("warning")));
    assert_eq!(turbo(&["explain", "TB999"]).0, 2);
}

#[test]
fn cli_locked_api_gate() {
    let dir = std::env::temp_dir().join(format!("turbo-lock-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let lock = dir.join("routes.lock");
    let (code, manifest, _) = turbo(&["routes", "--format", "json", "../examples/hello/app.py"]);
    assert_eq!(code, 0);
    std::fs::write(&lock, manifest).unwrap();
    let lock_arg = lock.to_string_lossy().into_owned();

    let (code, _, stderr) = turbo(&["check", "../examples/hello/app.py", "--locked", &lock_arg]);
    assert_eq!(code, 0, "{stderr}");

    // The same routes with a parameter's type changed and a route removed.
    let source = std::fs::read_to_string("../examples/hello/app.py").unwrap();
    let changed = source
        .replace("user_id: int", "user_id: str")
        .replace("@app.get(\"/\")\n", "@app.post(\"/\")\n");
    let app = dir.join("app.py");
    std::fs::write(&app, changed).unwrap();
    let (code, _, stderr) = turbo(&["check", &app.to_string_lossy(), "--locked", &lock_arg]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("the API changed: 2 breaking, 1 other change(s)"),
        "{stderr}"
    );
    assert!(stderr.contains("- GET /"), "{stderr}");
    assert!(
        stderr.contains("parameter `user_id` type int → str  (breaking)"),
        "{stderr}"
    );
    assert!(stderr.contains("error[TB601]"));
    let (_, json, _) = turbo(&[
        "check",
        "--format",
        "json",
        &app.to_string_lossy(),
        "--locked",
        &lock_arg,
    ]);
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    let positions: Vec<(u64, u64)> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["start"]["line"].as_u64().unwrap(),
                d["start"]["column"].as_u64().unwrap(),
            )
        })
        .collect();
    assert!(
        positions.windows(2).all(|w| w[0] <= w[1]),
        "not sorted: {positions:?}"
    );
    assert_eq!(json[0]["message"], "API change: GET / removed (breaking)");

    std::fs::write(&lock, "not a manifest").unwrap();
    assert_eq!(
        turbo(&["check", "../examples/hello/app.py", "--locked", &lock_arg]).0,
        2
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `turbo check` exits 1 exactly for fixtures with an error, 0 otherwise.
#[test]
fn cli_exit_code_on_every_fixture() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&fixtures)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    for path in paths {
        let bytes = std::fs::read(&path).unwrap();
        let has_errors = check("fixture.py", &bytes).has_errors();
        let (code, _, stderr) = turbo(&["check", &path.to_string_lossy()]);
        assert_eq!(
            code,
            if has_errors { 1 } else { 0 },
            "{}: {stderr}",
            path.display()
        );
    }
}
