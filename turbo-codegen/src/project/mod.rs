//! Project loading: from the entry module, every module of the project it
//! imports (directly or through other modules), each read and parsed once.
//!
//! Which modules belong to the project is decided as Python's import
//! system will decide it in the server ([`layout`]); anything else
//! (fastapi, pydantic, the standard library) is an opaque name, never
//! read. Nothing is executed: imports are found in the syntax tree.

pub mod layout;
pub mod names;
pub mod order;
pub mod provided;

use std::collections::{BTreeSet, VecDeque};
use std::path::PathBuf;

use crate::diagnostics::{Code, Diagnostic, Diagnostics};
use crate::parse::{self, py};
use crate::source::{FileId, Files};
use layout::{Layout, Sources};

/// One parsed module of the project.
pub struct Module {
    /// Dotted import name, e.g. `app.api.routes.items`.
    pub name: String,
    pub file: FileId,
    pub is_package: bool,
    pub stmts: Vec<py::Stmt>,
}

/// The modules of a project, the entry first.
pub struct Project {
    pub files: Files,
    pub layout: Layout,
    /// In the order they were found (breadth-first from the entry);
    /// modules that failed to read or parse are absent.
    pub modules: Vec<Module>,
    /// The entry module failed to read or parse.
    pub entry_failed: bool,
    /// The modules of turbo's own package whose dependables an app uses
    /// (`turboapi.security`), parsed from the source the server embeds:
    /// found by [`Project::module`] and in [`names`], but not part of the
    /// app (not checked, not hashed, never searched for routes).
    pub provided: Vec<Module>,
}

impl Project {
    /// A module of the project, or one of turbo's provided modules.
    pub fn module(&self, name: &str) -> Option<&Module> {
        self.modules.iter().chain(&self.provided).find(|m| m.name == name)
    }

    pub fn entry(&self) -> Option<&Module> {
        self.modules.first().filter(|_| !self.entry_failed)
    }
}

/// Reads the entry module (`entry`, in the file `entry_path`) and every
/// project module reachable through imports.
pub fn load(
    sources: &Sources,
    layout: Layout,
    entry: &str,
    entry_path: PathBuf,
    diags: &mut Diagnostics,
) -> Project {
    let entry_is_package = entry_path.file_name().is_some_and(|name| name == "__init__.py");
    let mut project = Project {
        files: Files::default(),
        layout,
        modules: Vec::new(),
        entry_failed: false,
        provided: Vec::new(),
    };
    let mut queued: BTreeSet<String> = BTreeSet::from([entry.to_owned()]);
    let mut queue = VecDeque::from([(entry.to_owned(), Some(entry_path), entry_is_package)]);
    let mut first = true;
    while let Some((name, path, is_package)) = queue.pop_front() {
        let is_entry = std::mem::take(&mut first);
        let Some(path) = path else {
            // A namespace package: no file, nothing to parse.
            continue;
        };
        let Some(module) = read_module(sources, &mut project.files, &name, &path, is_package, diags) else {
            project.entry_failed |= is_entry;
            continue;
        };
        for imported in imported_modules(&module) {
            if queued.contains(&imported) {
                continue;
            }
            if let Some(found) = project.layout.locate(sources, &imported) {
                queued.insert(imported.clone());
                queue.push_back((imported, found.file, found.is_package));
            }
        }
        project.modules.push(module);
    }
    project.provided = provided::parse(&mut project.files);
    project
}

/// Reads and parses one module; problems are diagnostics in its file.
fn read_module(
    sources: &Sources,
    files: &mut Files,
    name: &str,
    path: &std::path::Path,
    is_package: bool,
    diags: &mut Diagnostics,
) -> Option<Module> {
    let display = path.to_string_lossy().into_owned();
    let bytes = match sources.read(path) {
        Ok(bytes) => bytes,
        Err(err) => {
            let file = files.add(display, "");
            diags.push(
                Diagnostic::new(
                    Code::SyntaxError,
                    files.get(file).span(0, 0),
                    format!("cannot read the module: {err}"),
                )
                .label("Python will fail to import this module")
                .help("check the file's permissions"),
            );
            return None;
        }
    };
    let (file, text_ok) = parse::decode(files, display, &bytes, diags);
    if !text_ok {
        return None;
    }
    match parse::parse_module(files.get(file)) {
        Err(syntax_error) => {
            diags.push(syntax_error);
            None
        }
        Ok(stmts) => Some(Module {
            name: name.to_owned(),
            file,
            is_package,
            stmts,
        }),
    }
}

/// Every module an import statement anywhere in `module` may load, in
/// source order: each parent package, the module, and for `from m import
/// a` the candidate submodule `m.a`.
pub fn imported_modules(module: &Module) -> Vec<String> {
    let mut found = Vec::new();
    walk_imports(&module.stmts, &mut |stmt| {
        for target in import_targets(module, stmt) {
            let parts: Vec<&str> = target.split('.').collect();
            for end in 1..=parts.len() {
                let name = parts[..end].join(".");
                if !found.contains(&name) {
                    found.push(name);
                }
            }
        }
    });
    found
}

/// The absolute module names one import statement may load.
pub fn import_targets(module: &Module, stmt: &py::Stmt) -> Vec<String> {
    match stmt {
        py::Stmt::Import(import) => import.names.iter().map(|alias| alias.name.to_string()).collect(),
        py::Stmt::ImportFrom(import) => {
            let Some(base) = from_module(module, import) else {
                return Vec::new();
            };
            let mut targets = vec![base.clone()];
            targets.extend(
                import
                    .names
                    .iter()
                    .filter(|alias| alias.name.as_str() != "*")
                    .map(|alias| format!("{base}.{}", alias.name)),
            );
            targets
        }
        _ => Vec::new(),
    }
}

/// The absolute module of `from ... import`, resolving relative levels.
pub fn from_module(module: &Module, import: &py::StmtImportFrom) -> Option<String> {
    let level = import.level as usize;
    let name = import.module.as_ref().map(|m| m.as_str());
    if level == 0 {
        return name.map(str::to_owned);
    }
    layout::resolve_relative(&module.name, module.is_package, level, name)
}

/// Calls `visit` on every import statement, including those inside
/// functions, classes and blocks (an app factory imports its routers in
/// its body).
pub fn walk_imports<'a>(stmts: &'a [py::Stmt], visit: &mut impl FnMut(&'a py::Stmt)) {
    for stmt in stmts {
        match stmt {
            py::Stmt::Import(_) | py::Stmt::ImportFrom(_) => visit(stmt),
            _ => parse::for_each_child_block(stmt, &mut |block| walk_imports(block, visit)),
        }
    }
}
