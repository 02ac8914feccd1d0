//! Start-up: the dependables each route calls, fetched from the app the
//! way FastAPI finds them (`turboapi._dependencies.steps` walks the
//! registered endpoint's `Depends()` markers) and checked against the
//! compiled plan, so the server never calls a function other than the one
//! it compiled the parameters of.

use pyo3::prelude::*;
use pyo3::types::PyList;

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

/// What the server calls for each fetched dependable: generators wrapped
/// in `contextlib`'s context managers, as FastAPI wraps them.
pub fn callables(
    py: Python<'_>,
    routes: &[&'static RouteSpec],
    fetched: &[Vec<Py<PyAny>>],
) -> PyResult<Vec<Vec<Py<PyAny>>>> {
    let callable_for = py.import("turboapi._dependencies")?.getattr("callable_for")?;
    let mut callables = Vec::with_capacity(fetched.len());
    for (route, objects) in routes.iter().zip(fetched) {
        let mut wrapped = Vec::with_capacity(objects.len());
        for (object, compiled) in objects.iter().zip(route.dependencies) {
            wrapped.push(match compiled.kind {
                DependableKind::Function | DependableKind::Coroutine => object.clone_ref(py),
                kind => callable_for.call1((object, kind_name(kind)))?.unbind(),
            });
        }
        callables.push(wrapped);
    }
    Ok(callables)
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
