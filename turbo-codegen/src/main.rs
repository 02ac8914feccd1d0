//! The `turbo` command line: `check`, `routes`, `build`.
//!
//! Exit codes: 0 success (warnings allowed), 1 diagnostics, 2 internal
//! error or bad usage (clap's own usage errors exit with 2 as well).

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use turbo_codegen::builder::{self, BuildOptions};
use turbo_codegen::diagnostics::{self, Code, Severity};
use turbo_codegen::{check_entry, explain, lock, openapi, routes, Checked, Entry};

#[derive(Parser)]
#[command(name = "turbo", version, about = "Compile FastAPI apps into native servers")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Validate every route without running Python.
    Check {
        #[command(flatten)]
        app: AppArgs,
        #[arg(long, value_enum, default_value_t = DiagnosticFormat::Text)]
        format: DiagnosticFormat,
        /// Treat warnings as errors.
        #[arg(long)]
        deny_warnings: bool,
        /// Fail if the routes differ from this manifest (`turbo routes --format json`).
        #[arg(long, value_name = "ROUTES_LOCK")]
        locked: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = Color::Auto)]
        color: Color,
    },
    /// Explain a diagnostic code, with an example and its fix.
    Explain {
        /// A code such as TB211, or its name such as unreachable-route; omit to list all.
        code: Option<String>,
    },
    /// List the routes turbo compiles.
    Routes {
        #[command(flatten)]
        app: AppArgs,
        #[arg(long, value_enum, default_value_t = RoutesFormat::Table)]
        format: RoutesFormat,
    },
    /// Compile the app into a server binary.
    Build {
        #[command(flatten)]
        app: AppArgs,
        /// Path of the server binary to write.
        #[arg(short, long)]
        output: PathBuf,
        /// Write the generated crate here instead of the cache directory.
        #[arg(long)]
        crate_dir: Option<PathBuf>,
        /// Only write the generated crate; do not run cargo.
        #[arg(long)]
        emit_only: bool,
        #[arg(long, value_enum, default_value_t = Color::Auto)]
        color: Color,
    },
    /// Write the app's OpenAPI document (FastAPI's `app.openapi()`); builds
    /// the app and runs its server once, without serving.
    Openapi {
        #[command(flatten)]
        app: AppArgs,
        /// Write the document to this file instead of stdout.
        #[arg(short, long, conflicts_with = "locked")]
        output: Option<PathBuf>,
        /// Fail if the document differs from this one (a committed `openapi.json`).
        #[arg(long, value_name = "OPENAPI_JSON")]
        locked: Option<PathBuf>,
    },
}

/// Which app: a file, or a module as uvicorn spells it.
#[derive(clap::Args)]
struct AppArgs {
    /// The entry module: a file (`app/main.py`) or `module:variable`
    /// (`app.main:app`) as uvicorn takes it.
    app: String,
    /// The directory Python imports the app from (default: above the
    /// outermost package holding the file, or the current directory).
    #[arg(long, value_name = "DIR")]
    app_dir: Option<PathBuf>,
    /// The variable names a factory function (`app.main:create_app`).
    #[arg(long)]
    factory: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum DiagnosticFormat {
    Text,
    Json,
    Github,
}

#[derive(Clone, Copy, ValueEnum)]
enum RoutesFormat {
    Table,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

impl Color {
    fn enabled(self) -> bool {
        match self {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stderr().is_terminal()
            }
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check {
            app,
            format,
            deny_warnings,
            locked,
            color,
        } => run_check(&app, format, deny_warnings, locked.as_deref(), color),
        Command::Explain { code } => run_explain(code.as_deref()),
        Command::Routes { app, format } => run_routes(&app, format),
        Command::Openapi { app, output, locked } => run_openapi(&app, output.as_deref(), locked.as_deref()),
        Command::Build {
            app,
            output,
            crate_dir,
            emit_only,
            color,
        } => run_build(
            &app,
            BuildOptions {
                output,
                crate_dir,
                emit_only,
            },
            color,
        ),
    }
}

fn load(app: &AppArgs) -> Result<Checked, ExitCode> {
    let mut entry = Entry::parse(&app.app, app.app_dir.as_deref()).map_err(|message| {
        eprintln!("turbo: error: {message}");
        ExitCode::from(2)
    })?;
    if app.factory && entry.variable.is_none() {
        eprintln!("turbo: error: --factory needs the factory's name: `module:create_app`");
        return Err(ExitCode::from(2));
    }
    entry.factory = app.factory;
    check_entry(&entry).map_err(|message| {
        eprintln!("turbo: error: {message}");
        ExitCode::from(2)
    })
}

fn print_diagnostics(checked: &Checked, format: DiagnosticFormat, color: Color) {
    let mut out = String::new();
    match format {
        DiagnosticFormat::Text => {
            for diagnostic in &checked.diagnostics {
                out.push_str(&diagnostics::render_text(
                    &checked.files,
                    diagnostic,
                    color.enabled(),
                ));
            }
            let errors = checked
                .diagnostics
                .iter()
                .filter(|d| d.severity() == Severity::Error)
                .count();
            let warnings = checked.diagnostics.len() - errors;
            if !checked.diagnostics.is_empty() {
                out.push_str(&format!(
                    "{}: {errors} error(s), {warnings} warning(s)\n",
                    checked.entry_name()
                ));
            }
            eprint!("{out}");
        }
        DiagnosticFormat::Json => {
            let json: Vec<_> = checked
                .diagnostics
                .iter()
                .map(|d| diagnostics::to_json(&checked.files, d))
                .collect();
            let text = serde_json::to_string_pretty(&json).expect("diagnostics serialize");
            println!("{text}");
        }
        DiagnosticFormat::Github => {
            for diagnostic in &checked.diagnostics {
                out.push_str(&diagnostics::render_github(&checked.files, diagnostic));
            }
            print!("{out}");
        }
    }
    let _ = std::io::stdout().flush();
}

fn run_check(
    app: &AppArgs,
    format: DiagnosticFormat,
    deny_warnings: bool,
    locked: Option<&Path>,
    color: Color,
) -> ExitCode {
    let mut checked = match load(app) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    if let (Some(lock_path), Some(ir)) = (locked, checked.emittable()) {
        let lock = match std::fs::read_to_string(lock_path) {
            Ok(lock) => lock,
            Err(err) => {
                eprintln!("turbo: error: cannot read {}: {err}", lock_path.display());
                return ExitCode::from(2);
            }
        };
        let lock_name = lock_path.to_string_lossy();
        match lock::compare(&lock, ir, &checked.files) {
            Ok(changes) if changes.is_empty() => {}
            Ok(changes) => {
                if matches!(format, DiagnosticFormat::Text) {
                    eprint!("{}", lock::summary(&changes, &lock_name));
                }
                checked
                    .diagnostics
                    .extend(lock::diagnostics(&changes, &lock_name, &app.app));
                diagnostics::sort(&mut checked.diagnostics);
            }
            Err(message) => {
                eprintln!("turbo: error: {}: {message}", lock_path.display());
                return ExitCode::from(2);
            }
        }
    }
    print_diagnostics(&checked, format, color);
    let failed = checked.has_errors() || (deny_warnings && !checked.diagnostics.is_empty());
    if failed {
        ExitCode::from(1)
    } else {
        if matches!(format, DiagnosticFormat::Text) {
            let routes = checked.app.as_ref().map_or(0, |app| app.routes.len());
            eprintln!(
                "{}: {routes} routes OK ({} modules)",
                checked.entry_name(),
                checked.project_files().count()
            );
        }
        ExitCode::SUCCESS
    }
}

fn run_explain(code: Option<&str>) -> ExitCode {
    match code {
        None => {
            for code in Code::ALL {
                let (id, name) = code.info();
                let severity = match code.severity() {
                    Severity::Error => "error",
                    Severity::Warning => "warning",
                };
                println!("{id}  {name:32} {severity}");
            }
            ExitCode::SUCCESS
        }
        Some(id) => match explain::explain(id) {
            Some(text) => {
                print!("{text}");
                ExitCode::SUCCESS
            }
            None => {
                eprintln!("turbo: error: no diagnostic code `{id}`; `turbo explain` lists them");
                ExitCode::from(2)
            }
        },
    }
}

fn run_routes(app: &AppArgs, format: RoutesFormat) -> ExitCode {
    let checked = match load(app) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    let Some(ir) = checked.emittable() else {
        print_diagnostics(&checked, DiagnosticFormat::Text, Color::Auto);
        return ExitCode::from(1);
    };
    let text = match format {
        RoutesFormat::Table => routes::table(ir, &checked.files),
        RoutesFormat::Json => routes::json(ir, &checked.files),
    };
    print!("{text}");
    ExitCode::SUCCESS
}

fn run_build(app: &AppArgs, options: BuildOptions, color: Color) -> ExitCode {
    let mut checked = match load(app) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    checked.demote_findings();
    if !checked.diagnostics.is_empty() {
        print_diagnostics(&checked, DiagnosticFormat::Text, color);
    }
    let Some(ir) = checked.emittable() else {
        return ExitCode::from(1);
    };
    match builder::build(ir, &checked, &options) {
        Ok(_) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("turbo: error: {err}");
            ExitCode::from(2)
        }
    }
}

fn run_openapi(app: &AppArgs, output: Option<&Path>, locked: Option<&Path>) -> ExitCode {
    let mut checked = match load(app) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    checked.demote_findings();
    if !checked.diagnostics.is_empty() {
        print_diagnostics(&checked, DiagnosticFormat::Text, Color::Auto);
    }
    let Some(ir) = checked.emittable() else {
        return ExitCode::from(1);
    };
    let document = match openapi::document(ir, &checked) {
        Ok(document) => document,
        Err(message) => {
            eprintln!("turbo: error: {message}");
            return ExitCode::from(2);
        }
    };
    let Some(locked) = locked else {
        return match output {
            None => {
                print!("{document}");
                ExitCode::SUCCESS
            }
            Some(path) => match std::fs::write(path, &document) {
                Ok(()) => ExitCode::SUCCESS,
                Err(err) => {
                    eprintln!("turbo: error: cannot write {}: {err}", path.display());
                    ExitCode::from(2)
                }
            },
        };
    };
    let parsed = std::fs::read_to_string(locked)
        .map_err(|err| err.to_string())
        .and_then(|text| serde_json::from_str(&text).map_err(|err| err.to_string()));
    let committed: serde_json::Value = match parsed {
        Ok(value) => value,
        Err(err) => {
            eprintln!("turbo: error: cannot read {}: {err}", locked.display());
            return ExitCode::from(2);
        }
    };
    let now = serde_json::from_str(&document).expect("the server prints JSON");
    let changes = openapi::differences(&committed, &now);
    if changes.is_empty() {
        eprintln!(
            "{}: OpenAPI document matches {}",
            checked.entry_name(),
            locked.display()
        );
        return ExitCode::SUCCESS;
    }
    eprintln!(
        "turbo: {}: the app's OpenAPI document differs in {} place(s):",
        locked.display(),
        changes.len()
    );
    for change in &changes {
        eprintln!("  {change}");
    }
    eprintln!(
        "  = help: if the change is intended: turbo openapi {} -o {}",
        app.app,
        locked.display()
    );
    ExitCode::from(1)
}
