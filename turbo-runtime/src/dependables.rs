//! Start-up: the dependables each route calls, fetched from the app the
//! way FastAPI finds them (`turboapi._dependencies.steps` walks the
//! registered endpoint's `Depends()` markers) and checked against the
//! compiled plan, so the server never calls a function other than the one
//! it compiled the parameters of; then `app.dependency_overrides` applied
//! where the compiled plan can serve the override.

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use crate::spec::{DependableKind, RouteSpec};

/// Per route (by index), its dependables in step order; empty for routes
/// the app did not register. `Err` names the first difference.
pub fn fetch<'py>(
    py: Python<'py>,
    routes: &[&'static RouteSpec],
    endpoint: impl Fn(usize) -> Option<(Bound<'py, PyAny>, Bound<'py, PyAny>)>,
) -> PyResult<Result<Vec<Vec<Py<PyAny>>>, String>> {
    let module = py.import("turboapi._dependencies")?;
    let (steps, describe) = (module.getattr("steps")?, module.getattr("describe")?);
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

/// What the server calls for one dependency step.
pub struct Dependable {
    /// The dependable, or its `app.dependency_overrides` entry; a
    /// generator wrapped in `contextlib`'s context managers, as FastAPI
    /// wraps them.
    pub call: Py<PyAny>,
    /// What calling it gives (an override's own kind).
    pub kind: DependableKind,
    /// An override that takes no parameters: called without arguments,
    /// without reading the replaced dependable's parameters or solving its
    /// dependencies (FastAPI solves the override's signature instead).
    pub bare: bool,
    /// Below a bare override: never run.
    pub skipped: bool,
}

/// What the server calls for each fetched dependable, with the app's
/// `dependency_overrides` applied as they stand when it starts serving.
/// An override the compiled plan cannot serve is an `Err` naming it.
pub fn callables(
    py: Python<'_>,
    app: &Bound<'_, PyAny>,
    routes: &[&'static RouteSpec],
    fetched: &[Vec<Py<PyAny>>],
) -> PyResult<Result<Vec<Vec<Dependable>>, String>> {
    let module = py.import("turboapi._dependencies")?;
    let callable_for = module.getattr("callable_for")?;
    let direct_call = module.getattr("direct_call")?;
    let overrides = app
        .getattr("dependency_overrides")?
        .cast_into::<PyDict>()
        .map_err(PyErr::from)?;
    let mut callables = Vec::with_capacity(fetched.len());
    for (route, objects) in routes.iter().zip(fetched) {
        let mut steps: Vec<Dependable> = Vec::with_capacity(objects.len());
        for (object, compiled) in objects.iter().zip(route.dependencies) {
            let (call, kind, bare) = match overrides.get_item(object)? {
                None => match direct_call.call1((object,))? {
                    // A security scheme: its `_resolve`, a plain call.
                    direct if !direct.is_none() => (direct, DependableKind::Function, false),
                    _ => (object.bind(py).clone(), compiled.kind, false),
                },
                Some(replacement) => {
                    let shape: Option<String> = module
                        .getattr("override_shape")?
                        .call1((object, &replacement))?
                        .extract()?;
                    let Some(shape) = shape else {
                        let describe = module.getattr("describe_parameters")?;
                        return Ok(Err(format!(
                            "app.dependency_overrides[{}] = {}: turbo serves an override that takes no \
                             parameters or exactly the parameters of the dependency it replaces, and this one \
                             takes {} where {} takes {}",
                            qualified(object.bind(py))?,
                            qualified(&replacement)?,
                            describe.call1((&replacement,))?,
                            compiled.name,
                            describe.call1((object,))?,
                        )));
                    };
                    let kind: String = module.getattr("kind")?.call1((&replacement,))?.extract()?;
                    (replacement, kind_from_name(&kind), shape == "bare")
                }
            };
            let call = match kind {
                DependableKind::Function | DependableKind::Coroutine => call,
                kind => callable_for.call1((call, kind_name(kind)))?,
            };
            steps.push(Dependable {
                call: call.unbind(),
                kind,
                bare,
                skipped: false,
            });
        }
        mark_skipped(route, &mut steps);
        callables.push(steps);
    }
    Ok(Ok(callables))
}

/// Marks the steps below a bare override: each step has one caller (the
/// handler or a later step listing it among its children), so a step is
/// skipped when its caller is bare or skipped.
fn mark_skipped(route: &RouteSpec, steps: &mut [Dependable]) {
    for step in (0..steps.len()).rev() {
        let caller = route.dependencies[step + 1..]
            .iter()
            .position(|later| later.children.contains(&step))
            .map(|offset| step + 1 + offset);
        if let Some(caller) = caller {
            steps[step].skipped = steps[caller].bare || steps[caller].skipped;
        }
    }
}

/// `module.qualname` of a callable (of its class for an instance), for messages.
fn qualified(call: &Bound<'_, PyAny>) -> PyResult<String> {
    let (module, name, _): (String, String, String) = call
        .py()
        .import("turboapi._dependencies")?
        .getattr("describe")?
        .call1((call,))?
        .extract()?;
    Ok(format!("{module}.{name}"))
}

/// A kind from its name in `turboapi._dependencies.kind`.
fn kind_from_name(name: &str) -> DependableKind {
    match name {
        "coroutine" => DependableKind::Coroutine,
        "generator" => DependableKind::Generator,
        "async_generator" => DependableKind::AsyncGenerator,
        _ => DependableKind::Function,
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
