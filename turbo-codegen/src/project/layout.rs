//! Where a project's modules live: the import root (what Python will have
//! on `sys.path` when the server imports the app) and the file of each
//! module name, decided as Python's path-based finder decides it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Where source files are read from: the disk, or memory (tests, fuzzing).
pub enum Sources {
    Disk,
    /// Path → bytes; directories are implied by the paths.
    Memory(BTreeMap<PathBuf, Vec<u8>>),
}

impl Sources {
    pub fn read(&self, path: &Path) -> std::io::Result<Vec<u8>> {
        match self {
            Sources::Disk => std::fs::read(path),
            Sources::Memory(files) => files
                .get(path)
                .cloned()
                .ok_or_else(|| std::io::Error::from(std::io::ErrorKind::NotFound)),
        }
    }

    fn is_file(&self, path: &Path) -> bool {
        match self {
            Sources::Disk => path.is_file(),
            Sources::Memory(files) => files.contains_key(path),
        }
    }
}

/// The project's import root and how its modules map to files.
pub struct Layout {
    /// The directory Python imports the project's top-level names from
    /// (`sys.path[0]` in the server). Kept as the user spelled it, so
    /// messages show paths the way they typed them.
    pub root: PathBuf,
}

/// A module found under the root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    /// `None` for a namespace package (a directory without `__init__.py`).
    pub file: Option<PathBuf>,
    pub is_package: bool,
}

impl Layout {
    /// The layout and module name of an entry given as a file: the root is
    /// the directory above the outermost package (`__init__.py`) that holds
    /// it, as `python -m` and uvicorn need it; `app_dir` overrides that.
    pub fn for_file(sources: &Sources, file: &Path, app_dir: Option<&Path>) -> (Layout, String) {
        let stem = file
            .file_stem()
            .map_or_else(|| "app".to_owned(), |s| s.to_string_lossy().into_owned());
        let mut parts = vec![stem];
        let mut dir = file.parent().map(Path::to_path_buf).unwrap_or_default();
        if let Some(app_dir) = app_dir {
            let relative = file.strip_prefix(app_dir).unwrap_or(file).with_extension("");
            let parts: Vec<String> = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            return (
                Layout {
                    root: app_dir.to_path_buf(),
                },
                dotted(parts),
            );
        }
        while sources.is_file(&dir.join("__init__.py")) {
            let Some(name) = dir.file_name() else { break };
            parts.insert(0, name.to_string_lossy().into_owned());
            dir = dir.parent().map(Path::to_path_buf).unwrap_or_default();
        }
        (Layout { root: dir }, dotted(parts))
    }

    /// The file of a module, if it belongs to the project.
    pub fn locate(&self, sources: &Sources, module: &str) -> Option<Located> {
        if module.is_empty() || module.split('.').any(|part| !is_identifier(part)) {
            return None;
        }
        let base = module
            .split('.')
            .fold(self.root.clone(), |path, part| path.join(part));
        let init = base.join("__init__.py");
        if sources.is_file(&init) {
            return Some(Located {
                file: Some(init),
                is_package: true,
            });
        }
        let file = base.with_extension("py");
        if sources.is_file(&file) {
            return Some(Located {
                file: Some(file),
                is_package: false,
            });
        }
        // A directory without `__init__.py` is a namespace package. Python
        // prefers a regular package found later on `sys.path` (an installed
        // library) to it, so only one that holds Python files counts as the
        // project's.
        if has_python_files(sources, &base) {
            return Some(Located {
                file: None,
                is_package: true,
            });
        }
        None
    }
}

/// Whether `dir` holds a `.py` file, directly or in a subdirectory.
fn has_python_files(sources: &Sources, dir: &Path) -> bool {
    match sources {
        Sources::Disk => std::fs::read_dir(dir).is_ok_and(|entries| {
            entries.flatten().any(|entry| {
                let path = entry.path();
                path.extension().is_some_and(|x| x == "py")
                    || path.is_dir() && has_python_files(sources, &path)
            })
        }),
        Sources::Memory(files) => files
            .keys()
            .any(|f| f.starts_with(dir) && f.extension().is_some_and(|x| x == "py")),
    }
}

/// `"a.b.__init__"` names the package `a.b`.
fn dotted(mut parts: Vec<String>) -> String {
    if parts.len() > 1 && parts.last().is_some_and(|p| p == "__init__") {
        parts.pop();
    }
    parts.join(".")
}

fn is_identifier(part: &str) -> bool {
    let mut chars = part.chars();
    chars.next().is_some_and(|c| c == '_' || c.is_alphabetic())
        && chars.all(|c| c == '_' || c.is_alphanumeric())
}

/// The absolute module a relative import names: `from ..models import X`
/// (level 2) in module `app.api.deps` is `app.models`. `None` when it
/// climbs above the top-level package (Python's "attempted relative
/// import beyond top-level package").
pub fn resolve_relative(
    importer: &str,
    importer_is_package: bool,
    level: usize,
    module: Option<&str>,
) -> Option<String> {
    let mut package: Vec<&str> = importer.split('.').collect();
    if !importer_is_package {
        package.pop();
    }
    for _ in 1..level {
        package.pop()?;
    }
    if package.is_empty() {
        return None;
    }
    let mut name = package.join(".");
    if let Some(module) = module {
        name.push('.');
        name.push_str(module);
    }
    Some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn memory(paths: &[&str]) -> Sources {
        Sources::Memory(paths.iter().map(|p| (PathBuf::from(p), Vec::new())).collect())
    }

    #[test]
    fn the_root_is_above_the_outermost_package() {
        let sources = memory(&[
            "proj/app/__init__.py",
            "proj/app/main.py",
            "proj/app/api/__init__.py",
        ]);
        let (layout, module) = Layout::for_file(&sources, Path::new("proj/app/main.py"), None);
        assert_eq!(layout.root, PathBuf::from("proj"));
        assert_eq!(module, "app.main");
        let (layout, module) = Layout::for_file(&sources, Path::new("proj/app/__init__.py"), None);
        assert_eq!((layout.root, module), (PathBuf::from("proj"), "app".to_owned()));
        // No package: the file's directory, as `python app.py` has it.
        let sources = memory(&["app.py"]);
        let (layout, module) = Layout::for_file(&sources, Path::new("app.py"), None);
        assert_eq!((layout.root, module), (PathBuf::new(), "app".to_owned()));
    }

    #[test]
    fn app_dir_decides_the_root() {
        let sources = memory(&["src/app/main.py"]);
        let (layout, module) =
            Layout::for_file(&sources, Path::new("src/app/main.py"), Some(Path::new("src")));
        assert_eq!(
            (layout.root, module),
            (PathBuf::from("src"), "app.main".to_owned())
        );
    }

    #[test]
    fn modules_are_found_as_python_finds_them() {
        let sources = memory(&["p/app/__init__.py", "p/app/models.py", "p/ns/sub/x.py"]);
        let layout = Layout { root: "p".into() };
        let found = |m| layout.locate(&sources, m);
        assert_eq!(
            found("app").unwrap().file,
            Some(PathBuf::from("p/app/__init__.py"))
        );
        assert!(!found("app.models").unwrap().is_package);
        assert_eq!(found("ns.sub").unwrap().file, None);
        assert_eq!(
            found("ns.sub.x").unwrap().file,
            Some(PathBuf::from("p/ns/sub/x.py"))
        );
        assert_eq!(found("fastapi"), None);
        assert_eq!(found("app.missing"), None);
        assert_eq!(found("app..x"), None);
    }

    #[test]
    fn relative_imports_climb_packages() {
        assert_eq!(
            resolve_relative("app.api.deps", false, 1, Some("x")).unwrap(),
            "app.api.x"
        );
        assert_eq!(
            resolve_relative("app.api.deps", false, 2, Some("models")).unwrap(),
            "app.models"
        );
        assert_eq!(resolve_relative("app.api", true, 1, None).unwrap(), "app.api");
        assert_eq!(resolve_relative("app.main", false, 2, None), None);
        assert_eq!(resolve_relative("main", false, 1, None), None);
    }
}
