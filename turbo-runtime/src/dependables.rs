//! Start-up: the dependables each route calls, fetched from the app the
//! way FastAPI finds them (`turboapi._dependencies.steps` walks the
//! registered endpoint's `Depends()` markers) and checked against the
//! compiled plan, so the server never calls a function other than the one
//! it compiled the parameters of.

use pyo3::prelude::*;
use pyo3::types::PyList;

use crate::spec::RouteSpec;

/// Per route (by index), its dependables in step order; empty for routes
/// the app did not register. `Err` names the first difference.
pub fn fetch<'py>(
    py: Python<'py>,
    routes: &[&'static RouteSpec],
    endpoint: impl Fn(usize) -> Option<(Bound<'py, PyAny>, Bound<'py, PyAny>)>,
) -> PyResult<Result<Vec<Vec<Py<PyAny>>>, String>> {
    let steps = py.import("turboapi._dependencies")?.getattr("steps")?;
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
            let module: Option<String> = object.getattr("__module__").ok().and_then(|m| m.extract().ok());
            let name: Option<String> = object.getattr("__qualname__").ok().and_then(|n| n.extract().ok());
            if module.as_deref() != Some(compiled.module) || name.as_deref() != Some(compiled.name) {
                return Ok(Err(format!(
                    "dependency {} of {} {} is {}.{} but this server was compiled with {}.{}; \
                     rebuild it with `turbo build`",
                    step + 1,
                    route.methods.join(", "),
                    route.path,
                    module.unwrap_or_default(),
                    name.unwrap_or_else(|| object.to_string()),
                    compiled.module,
                    compiled.name
                )));
            }
            objects.push(object.unbind());
        }
        fetched.push(objects);
    }
    Ok(Ok(fetched))
}
