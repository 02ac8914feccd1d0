//! Start-up of the Python side: the interpreter, the embedded package,
//! the app's import, and the objects every request needs, checked against
//! the compiled route table. Nothing here runs per request.

use std::ffi::CString;
use std::path::{Path, PathBuf};

use pyo3::prelude::*;
use pyo3::types::PyList;

use super::calls::{self, AppObjects};
use super::registration::{match_routes, Registered};
use super::{dependables, entry_points, event_loop, interpreter};
use crate::spec::{AppSpec, RouteSpec};

const BOOTSTRAP: &str = include_str!("bootstrap.py");

/// Site-packages directories of the interpreter turbo-runtime was built
/// against, so that a venv's packages are found wherever the binary runs.
const BUILD_SITE_DIRS: &str = env!("TURBO_PYTHON_SITE_DIRS");

/// Runs `bootstrap.py` and installs the embedded `turboapi` package (also
/// as `fastapi`); returns the bootstrap module.
pub fn install_package(py: Python<'_>) -> PyResult<Bound<'_, PyModule>> {
    let bootstrap = PyModule::from_code(
        py,
        &CString::new(BOOTSTRAP).expect("bootstrap.py has no NUL byte"),
        c"<turbo>/bootstrap.py",
        c"_turbo_bootstrap",
    )?;
    bootstrap.getattr("install_package")?.call1((
        turbo_contract::PYTHON_PACKAGE.to_vec(),
        turbo_contract::STARLETTE_MODULES.to_vec(),
    ))?;
    Ok(bootstrap)
}

/// Where the app's Python comes from at run time.
pub struct Environment<'a> {
    /// The directory Python imports the app from.
    pub app_dir: &'a Path,
    /// The interpreter's home (default: the build interpreter's).
    pub home: &'a Path,
    /// A virtual environment whose packages come before the build's.
    pub venv: Option<&'a Path>,
    /// `--docs-assets bundled`: the URL path the pages load their files from.
    pub docs_assets: Option<String>,
}

/// The site-packages directory of a virtual environment.
pub fn venv_site_packages(venv: &Path) -> Result<PathBuf, String> {
    let site = venv
        .join("lib")
        .join(concat!("python", env!("TURBO_PYTHON_VERSION")))
        .join("site-packages");
    if site.is_dir() {
        Ok(site)
    } else {
        Err(format!(
            "--venv {}: no {} (the venv must be made with Python {})",
            venv.display(),
            site.display(),
            env!("TURBO_PYTHON_VERSION")
        ))
    }
}

/// Initialises CPython on the calling thread and imports the app.
///
/// Returns a message for the operator when the app cannot be served as
/// compiled (import error, handlers that are not the compiled ones).
pub fn load(
    spec: &AppSpec,
    routes: &[&'static RouteSpec],
    environment: &Environment<'_>,
) -> Result<(), String> {
    let venv = environment.venv.map(venv_site_packages).transpose()?;
    interpreter::initialize(environment.home).map_err(|err| {
        format!(
            "{err} (Python home {}; --python-home or TURBO_PYTHON_HOME to use another)",
            environment.home.display()
        )
    })?;
    let mut site_dirs: Vec<String> = venv
        .iter()
        .map(|dir| dir.to_string_lossy().into_owned())
        .collect();
    site_dirs.extend(
        BUILD_SITE_DIRS
            .split(';')
            .filter(|d| !d.is_empty())
            .map(str::to_owned),
    );
    let app_dir = environment.app_dir;
    Python::attach(|py| {
        load_attached(
            py,
            spec,
            routes,
            app_dir,
            &site_dirs,
            environment.docs_assets.as_deref(),
        )
    })
    .map_err(|err| match err {
        LoadError::Python(err) => Python::attach(|py| {
            calls::print_exception(py, &err);
            "the app failed to import (traceback above)".to_owned()
        }),
        LoadError::Mismatch(message) => message,
    })
}

enum LoadError {
    Python(PyErr),
    Mismatch(String),
}

impl From<PyErr> for LoadError {
    fn from(err: PyErr) -> Self {
        LoadError::Python(err)
    }
}

fn load_attached(
    py: Python<'_>,
    spec: &AppSpec,
    routes: &[&'static RouteSpec],
    app_dir: &Path,
    site_dirs: &[String],
    docs_assets: Option<&str>,
) -> Result<(), LoadError> {
    let bootstrap = install_package(py)?;
    if let Some(path) = docs_assets {
        py.import("turboapi.openapi._assets")?
            .call_method1("serve_from", (path,))?;
    }
    entry_points::fetch(py)?;
    let app_dir = app_dir.to_string_lossy().into_owned();
    let (app, loaded): (Bound<'_, PyAny>, Bound<'_, PyAny>) = bootstrap
        .getattr("load_app")?
        .call1((
            app_dir.as_str(),
            spec.module,
            spec.app_variable,
            spec.factory,
            site_dirs,
        ))?
        .extract()?;
    let loaded = loaded.cast::<PyList>().map_err(PyErr::from)?;
    let mut registered = Vec::with_capacity(loaded.len());
    let mut endpoints = Vec::with_capacity(loaded.len());
    for item in loaded.iter() {
        type Route<'py> = (
            Vec<String>,
            String,
            Bound<'py, PyAny>,
            bool,
            Option<String>,
            Option<String>,
            Bound<'py, PyAny>,
            Bound<'py, PyAny>,
            String,
        );
        let (methods, path, endpoint, is_async, module, qualname, options, serving, mount): Route<'_> =
            item.extract()?;
        registered.push(Registered {
            methods,
            path,
            module: module.unwrap_or_default(),
            qualname: qualname.unwrap_or_default(),
            is_async,
        });
        endpoints.push((endpoint, options, (serving, mount)));
    }
    let matched = match_routes(spec.handlers, &registered).map_err(LoadError::Mismatch)?;
    crate::routing::set_registered(matched.iter().map(Option::is_some).collect());
    // Routes the app did not register are never dispatched: they get no
    // handler and no plans.
    let registered_route = |index: usize| matched[index].map(|found| &endpoints[found]);
    let handlers: Vec<Option<Py<PyAny>>> = (0..matched.len())
        .map(|index| registered_route(index).map(|(endpoint, _, _)| endpoint.clone().unbind()))
        .collect();
    // The application serving each route: the app, or a mounted one.
    let mut applications: Vec<Bound<'_, PyAny>> = vec![app.clone()];
    let mut mounts: Vec<&'static str> = vec![""];
    let route_apps: Vec<usize> = (0..matched.len())
        .map(|index| match registered_route(index) {
            Some((_, _, (serving, mount))) if !serving.is(&app) => {
                match applications.iter().position(|known| known.is(serving)) {
                    Some(known) => known,
                    None => {
                        applications.push(serving.clone());
                        mounts.push(mount.clone().leak());
                        applications.len() - 1
                    }
                }
            }
            _ => 0,
        })
        .collect();
    let dependencies = dependables::fetch(py, routes, |index| {
        registered_route(index).map(|(endpoint, options, _)| (endpoint.clone(), options.clone()))
    })?
    .map_err(LoadError::Mismatch)?;
    let callables = dependables::callables(py, &applications, &route_apps, routes, &dependencies)?
        .map_err(LoadError::Mismatch)?;
    dependables::keep(callables);
    event_loop::install(py)?;
    let entry = entry_points::entry_points();
    let handler_of = |index: usize| registered_route(index).map(|(endpoint, _, _)| endpoint);
    let body_plans = spec
        .body_plans
        .iter()
        .map(|plan| {
            let Some(handler) = handler_of(plan.handler) else {
                return Ok(py.None());
            };
            // Each part's parameters are read from the signature of the
            // callable declaring them.
            let parts = plan
                .parts
                .iter()
                .map(|part| {
                    let callable = match part.dependency {
                        Some(step) => dependencies[plan.handler][step].bind(py),
                        None => handler,
                    };
                    Ok((callable, PyList::new(py, part.params)?))
                })
                .collect::<PyResult<Vec<_>>>()?;
            entry.route_body.bind(py).call1((parts,)).map(Bound::unbind)
        })
        .collect::<PyResult<Vec<_>>>()?;
    let param_fields = spec
        .param_fields
        .iter()
        .map(|field| {
            let Some(handler) = handler_of(field.handler) else {
                return Ok(py.None());
            };
            // A dependency's parameter is read from the dependable's signature.
            let handler = match field.dependency {
                Some(step) => dependencies[field.handler][step].bind(py),
                None => handler,
            };
            let built = if field.model {
                entry
                    .param_model
                    .bind(py)
                    .call1((handler, field.name, field.source))
            } else {
                entry
                    .param_field
                    .bind(py)
                    .call1((handler, field.name, field.source, field.key))
            };
            built.map(Bound::unbind)
        })
        .collect::<PyResult<Vec<_>>>()?;
    let response_plans = spec
        .handlers
        .iter()
        .enumerate()
        .map(|(index, handler)| {
            let Some((endpoint, options, (serving, _))) = registered_route(index) else {
                return Ok(None);
            };
            if !handler.python_response {
                return Ok(None);
            }
            let app_options = serving.getattr("_turbo_options")?;
            entry
                .response_plan
                .bind(py)
                .call1((endpoint, options, &app_options))
                .map(|plan| Some(plan.unbind()))
        })
        .collect::<PyResult<Vec<_>>>()?;
    let served_by = applications
        .iter()
        .zip(mounts)
        .map(|(application, mount)| {
            let registered = application.getattr("_turbo_exception_handlers")?;
            let (exception_handlers, handles_validation) = if registered.len()? > 0 {
                let handlers = entry.exception_handlers.bind(py).call1((registered,))?;
                let handles_validation: bool = handlers.call_method0("handles_validation")?.extract()?;
                (Some(handlers.unbind()), handles_validation)
            } else {
                (None, false)
            };
            Ok(calls::Served {
                object: application.clone().unbind(),
                mount,
                exception_handlers,
                handles_validation,
            })
        })
        .collect::<PyResult<Vec<_>>>()?;
    let base_model = py
        .import("sys")?
        .getattr("modules")?
        .call_method1("get", ("pydantic",))?;
    let base_model = if base_model.is_none() {
        None
    } else {
        Some(base_model.getattr("BaseModel")?.unbind())
    };
    // Qualified names: the class is an attribute of its module.
    let enum_classes = spec
        .enum_classes
        .iter()
        .map(|qualified| {
            let (module, name) = qualified.rsplit_once('.').unwrap_or(("", qualified));
            py.import(module)?.getattr(name).map(Bound::unbind)
        })
        .collect::<PyResult<Vec<_>>>()?;
    calls::set(AppObjects {
        handlers,
        enum_classes,
        base_model,
        body_plans,
        param_fields,
        response_plans,
        served_by,
        route_apps,
    })
    .map_err(LoadError::Mismatch)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    /// A module added to the package but not embedded would fail only at a
    /// server's start-up; every `.py` file must be listed.
    #[test]
    fn every_package_module_is_embedded() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../python");
        let mut on_disk = Vec::new();
        let mut dirs = vec![root.join("turboapi")];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() && path.join("__init__.py").exists() {
                    dirs.push(path);
                    continue;
                }
                if path.extension().and_then(|e| e.to_str()) != Some("py") {
                    continue;
                }
                let relative = path.strip_prefix(&root).unwrap().with_extension("");
                let module = relative.to_str().unwrap().replace('/', ".");
                on_disk.push(module.strip_suffix(".__init__").unwrap_or(&module).to_owned());
            }
        }
        let mut embedded: Vec<String> = turbo_contract::PYTHON_PACKAGE
            .iter()
            .map(|(name, _, _)| name.to_string())
            .collect();
        on_disk.sort();
        embedded.sort();
        assert_eq!(on_disk, embedded);
    }
}
