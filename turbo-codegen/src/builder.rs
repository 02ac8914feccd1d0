//! `turbo build`: write the generated crate and compile it with cargo.
//!
//! Every app gets its own crate directory, but all of them share one cargo
//! target directory, so tokio, hyper, pyo3 and turbo-runtime compile once
//! per machine and an edited app recompiles only its own small crate.

use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::emit::{self, CrateOptions};
use crate::ir::App;
use crate::Checked;

/// The versions turbo was tested with; copied into every generated crate
/// so servers build with the same dependency versions.
const LOCKFILE: &str = include_str!("../../Cargo.lock");

pub struct BuildOptions {
    /// Where the server binary goes.
    pub output: PathBuf,
    /// Where to write the generated crate (default: in the cache directory).
    pub crate_dir: Option<PathBuf>,
    /// Write the crate, skip cargo.
    pub emit_only: bool,
}

#[derive(Debug)]
pub enum BuildError {
    Io(String),
    /// cargo failed on the generated crate: a bug in turbo.
    Cargo {
        crate_dir: PathBuf,
    },
}

impl std::fmt::Display for BuildError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BuildError::Io(message) => f.write_str(message),
            BuildError::Cargo { crate_dir } => write!(
                f,
                "the generated crate failed to compile; this is a bug in turbo, please report it \
                 with the crate kept at {}",
                crate_dir.display()
            ),
        }
    }
}

fn io_error(what: &str, path: &Path) -> impl FnOnce(io::Error) -> BuildError {
    let context = format!("cannot {what} {}", path.display());
    move |err| BuildError::Io(format!("{context}: {err}"))
}

/// Turbo's cache: `$TURBO_CACHE_DIR`, else `$XDG_CACHE_HOME/turbo`, else `~/.cache/turbo`.
pub fn cache_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("TURBO_CACHE_DIR") {
        return PathBuf::from(dir);
    }
    if let Some(dir) = std::env::var_os("XDG_CACHE_HOME") {
        return PathBuf::from(dir).join("turbo");
    }
    match std::env::var_os("HOME") {
        Some(home) => PathBuf::from(home).join(".cache").join("turbo"),
        None => std::env::temp_dir().join("turbo-cache"),
    }
}

/// The turbo-runtime crate: `$TURBO_RUNTIME_PATH`, else the one next to
/// this compiler's sources.
pub fn runtime_path() -> PathBuf {
    std::env::var_os("TURBO_RUNTIME_PATH")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("..")
                .join("turbo-runtime")
        })
}

/// A package name unique to the app's absolute path, so apps never
/// overwrite each other's binaries in the shared target directory.
fn package_name(app_path: &Path) -> String {
    let stem: String = app_path
        .file_stem()
        .map_or_else(|| "app".into(), |s| s.to_string_lossy())
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let hash = emit::fnv1a(app_path.to_string_lossy().as_bytes());
    format!("turbo-app-{}-{:08x}", stem.trim_matches('-'), hash as u32)
}

/// Writes the crate for `app` and, unless `emit_only`, compiles it and
/// copies the server to `options.output`. Progress goes to stderr.
pub fn build(app: &App, checked: &Checked, options: &BuildOptions) -> Result<PathBuf, BuildError> {
    let entry_path = Path::new(checked.entry_name());
    let app_path = entry_path.canonicalize().map_err(io_error("find", entry_path))?;
    let root = if checked.root.as_os_str().is_empty() {
        Path::new(".")
    } else {
        checked.root.as_path()
    };
    let app_dir = root.canonicalize().map_err(io_error("find", root))?;
    let package = package_name(&app_path);
    let crate_dir = options
        .crate_dir
        .clone()
        .unwrap_or_else(|| cache_dir().join("crates").join(&package));
    let runtime = runtime_path();
    let runtime = runtime
        .canonicalize()
        .map_err(io_error("find turbo-runtime at", &runtime))?;
    let sources = checked.project_sources();
    let files = emit::emit_crate(
        app,
        &CrateOptions {
            package: &package,
            runtime_path: &runtime.to_string_lossy(),
            app_dir: &app_dir.to_string_lossy(),
            sources: &sources,
        },
    );
    for (relative, contents) in &files {
        write_if_changed(&crate_dir.join(relative), contents)?;
    }
    let lockfile = crate_dir.join("Cargo.lock");
    if !lockfile.exists() {
        write_if_changed(&lockfile, LOCKFILE)?;
    }
    eprintln!(
        "turbo: generated {} routes into {}",
        app.routes.len(),
        crate_dir.display()
    );
    if options.emit_only {
        return Ok(crate_dir);
    }

    let target_dir = std::env::var_os("TURBO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| cache_dir().join("target"));
    eprintln!("turbo: compiling (shared target dir {})", target_dir.display());
    let mut cargo = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    if let Some(python) = pinned_python() {
        // pyo3's build script otherwise searches PATH and reruns whenever
        // PATH differs, recompiling pyo3 and everything above it.
        cargo.env("PYO3_PYTHON", python);
    }
    let status = cargo
        .arg("build")
        .arg("--release")
        .arg("--manifest-path")
        .arg(crate_dir.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(&target_dir)
        .status()
        .map_err(|err| BuildError::Io(format!("cannot run cargo: {err}")))?;
    if !status.success() {
        return Err(BuildError::Cargo { crate_dir });
    }
    let built = target_dir.join("release").join(&package);
    if let Some(parent) = options.output.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(io_error("create", parent))?;
    }
    // Copy to a temporary name and rename, so a running server binary at
    // the output path is replaced rather than overwritten in place.
    let staging = options.output.with_extension("turbo-tmp");
    std::fs::copy(&built, &staging).map_err(io_error("copy the server to", &staging))?;
    std::fs::rename(&staging, &options.output).map_err(io_error("write", &options.output))?;
    eprintln!("turbo: built {}", options.output.display());
    Ok(options.output.clone())
}

/// The interpreter servers are built against, as an absolute path: the
/// caller's `PYO3_PYTHON`, else the active virtual environment's, else the
/// real executable behind the first `python3` on PATH (a pyenv shim
/// resolves to the interpreter it runs). `None` leaves the choice to pyo3.
fn pinned_python() -> Option<std::ffi::OsString> {
    if let Some(python) = std::env::var_os("PYO3_PYTHON") {
        return Some(python);
    }
    if let Some(venv) = std::env::var_os("VIRTUAL_ENV") {
        let python = Path::new(&venv).join("bin").join("python3");
        if python.is_file() {
            return Some(python.into_os_string());
        }
    }
    let output = Command::new("python3")
        .args(["-c", "import sys; print(sys.executable)"])
        .output()
        .ok()
        .filter(|output| output.status.success())?;
    let executable = String::from_utf8(output.stdout).ok()?.trim().to_owned();
    (!executable.is_empty()).then(|| executable.into())
}

/// Leaves unchanged files untouched so cargo's freshness checks hold.
fn write_if_changed(path: &Path, contents: &str) -> Result<(), BuildError> {
    if std::fs::read_to_string(path).is_ok_and(|existing| existing == contents) {
        return Ok(());
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(io_error("create", parent))?;
    }
    std::fs::write(path, contents).map_err(io_error("write", path))
}
