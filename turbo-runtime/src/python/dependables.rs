//! Start-up: the dependables each route calls, fetched from the app the
//! way FastAPI finds them (`turboapi._dependencies.steps` walks the
//! registered endpoint's `Depends()` markers) and checked against the
//! compiled plan, so the server never calls a function other than the one
//! it compiled the parameters of; then `app.dependency_overrides` applied
//! where the compiled plan can serve the override.

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use std::borrow::Cow;
use std::sync::OnceLock;

use super::entry_points::entry_points;
use crate::spec::{DependableKind, ParamSpec, RouteSpec};

/// Per route (by index), its dependables in step order; empty for routes
/// the app did not register. `Err` names the first difference.
pub fn fetch<'py>(
    py: Python<'py>,
    routes: &[&'static RouteSpec],
    endpoint: impl Fn(usize) -> Option<(Bound<'py, PyAny>, Bound<'py, PyAny>)>,
) -> PyResult<Result<Vec<Vec<Py<PyAny>>>, String>> {
    let entry = entry_points();
    let (steps, describe) = (
        entry.dependency_steps.bind(py),
        entry.describe_dependable.bind(py),
    );
    let mut fetched = Vec::with_capacity(routes.len());
    for (index, route) in routes.iter().enumerate() {
        // The compiler read the same source: a route compiled without
        // dependencies has none (a changed source is warned about as stale).
        let registered = endpoint(index).filter(|_| !route.dependencies.is_empty());
        let Some((handler, options)) = registered else {
            fetched.push(Vec::new());
            continue;
        };
        let route_dependencies = options.call_method1("get", ("dependencies",))?;
        let found = steps.call1((&handler, route_dependencies))?;
        let found = found.cast::<PyList>().map_err(PyErr::from)?;
        if found.len() != route.dependencies.len() {
            return Ok(Err(format!(
                "{} {} calls {} dependencies but this server was compiled with {}; rebuild it with `turbo build`",
                route.methods.join(", "),
                route.path,
                found.len(),
                route.dependencies.len()
            )));
        }
        let mut objects = Vec::with_capacity(found.len());
        for (step, (object, compiled)) in found.iter().zip(route.dependencies).enumerate() {
            let (module, name, kind): (String, String, String) = describe.call1((&object,))?.extract()?;
            if module != compiled.module || name != compiled.name {
                return Ok(Err(format!(
                    "dependency {} of {} {} is {module}.{name} but this server was compiled with {}.{}; \
                     rebuild it with `turbo build`",
                    step + 1,
                    route.methods.join(", "),
                    route.path,
                    compiled.module,
                    compiled.name
                )));
            }
            if kind != kind_name(compiled.kind) {
                return Ok(Err(format!(
                    "dependency {module}.{name} of {} {} is a {kind} but this server was compiled \
                     for a {}; rebuild it with `turbo build`",
                    route.methods.join(", "),
                    route.path,
                    kind_name(compiled.kind)
                )));
            }
            objects.push(object.unbind());
        }
        fetched.push(objects);
    }
    Ok(Ok(fetched))
}

/// Per route, the dependables it calls, in step order; set at start-up.
static DEPENDABLES: OnceLock<Vec<Vec<Dependable>>> = OnceLock::new();

/// Keeps what [`callables`] found for the life of the process.
pub fn keep(callables: Vec<Vec<Dependable>>) {
    let _ = DEPENDABLES.set(callables);
}

/// What dependency step `step` of route `route` calls: the dependable
/// the app registered, or its override.
pub fn dependable(route: usize, step: usize) -> &'static Dependable {
    &DEPENDABLES
        .get()
        .expect("the dependables are fetched before the server accepts requests")[route][step]
}

/// Whether route `route` calls a `def` dependable (one it runs, as the app
/// registered it or its override).
pub fn calls_def_code(route: &RouteSpec) -> bool {
    let Some(steps) = DEPENDABLES.get().and_then(|all| all.get(route.handler)) else {
        return false;
    };
    steps.iter().any(|dependable| {
        !dependable.skipped
            && matches!(
                dependable.kind,
                DependableKind::Function | DependableKind::Generator
            )
    })
}

/// What the server calls for one dependency step.
pub struct Dependable {
    /// The dependable, or its `app.dependency_overrides` entry; a
    /// generator wrapped in `contextlib`'s context managers, as FastAPI
    /// wraps them.
    pub call: Py<PyAny>,
    /// What calling it gives (an override's own kind).
    pub kind: DependableKind,
    /// Its parameters: the compiled step's, or an override's (those of
    /// the compiled ones it declares, at its own positions).
    pub params: Cow<'static, [ParamSpec]>,
    /// The steps of its dependencies: those an override keeps.
    pub children: Cow<'static, [usize]>,
    /// Below an override that does not declare it: never run.
    pub skipped: bool,
}

/// What the server calls for each fetched dependable, with the app's
/// `dependency_overrides` applied as they stand when it starts serving.
/// An override the compiled plan cannot serve is an `Err` naming it.
pub fn callables(
    py: Python<'_>,
    applications: &[Bound<'_, PyAny>],
    route_apps: &[usize],
    routes: &[&'static RouteSpec],
    fetched: &[Vec<Py<PyAny>>],
) -> PyResult<Result<Vec<Vec<Dependable>>, String>> {
    let entry = entry_points();
    let (callable_for, direct_call) = (entry.callable_for.bind(py), entry.direct_call.bind(py));
    // Each route's own application's (a mounted FastAPI app has its own).
    let overrides = applications
        .iter()
        .map(|application| {
            application
                .getattr("dependency_overrides")?
                .cast_into::<PyDict>()
                .map_err(PyErr::from)
        })
        .collect::<PyResult<Vec<_>>>()?;
    let mut callables = Vec::with_capacity(fetched.len());
    for (index, (route, objects)) in routes.iter().zip(fetched).enumerate() {
        let overrides = &overrides[route_apps[index]];
        let mut steps: Vec<Dependable> = Vec::with_capacity(objects.len());
        for (object, compiled) in objects.iter().zip(route.dependencies) {
            let mut dependable = match overrides.get_item(object)? {
                Some(replacement) => {
                    match crate::python::overrides::replacement(object.bind(py), &replacement, compiled)? {
                        Ok(found) => Dependable {
                            call: found.call,
                            kind: found.kind,
                            params: Cow::Owned(found.params),
                            children: Cow::Owned(found.children),
                            skipped: false,
                        },
                        Err(message) => return Ok(Err(message)),
                    }
                }
                None => {
                    // A security scheme: its `_resolve`, a plain call.
                    let direct = direct_call.call1((object,))?;
                    let (call, kind) = match direct.is_none() {
                        true => (object.clone_ref(py), compiled.kind),
                        false => (direct.unbind(), DependableKind::Function),
                    };
                    Dependable {
                        call,
                        kind,
                        params: Cow::Borrowed(compiled.params),
                        children: Cow::Borrowed(compiled.children),
                        skipped: false,
                    }
                }
            };
            if matches!(
                dependable.kind,
                DependableKind::Generator | DependableKind::AsyncGenerator
            ) {
                dependable.call = callable_for
                    .call1((&dependable.call, kind_name(dependable.kind)))?
                    .unbind();
            }
            steps.push(dependable);
        }
        mark_skipped(route, &mut steps);
        callables.push(steps);
    }
    Ok(Ok(callables))
}

/// Marks the steps an override dropped, and those below them: each step
/// has one caller (the handler or a later step listing it among its
/// compiled children), and runs only if its caller runs and keeps it.
fn mark_skipped(route: &RouteSpec, steps: &mut [Dependable]) {
    for step in (0..steps.len()).rev() {
        let caller = route.dependencies[step + 1..]
            .iter()
            .position(|later| later.children.contains(&step))
            .map(|offset| step + 1 + offset);
        if let Some(caller) = caller {
            steps[step].skipped = steps[caller].skipped || !steps[caller].children.contains(&step);
        }
    }
}

/// A kind as `turboapi._dependencies.kind` names it.
fn kind_name(kind: DependableKind) -> &'static str {
    match kind {
        DependableKind::Function => "function",
        DependableKind::Coroutine => "coroutine",
        DependableKind::Generator => "generator",
        DependableKind::AsyncGenerator => "async_generator",
    }
}
