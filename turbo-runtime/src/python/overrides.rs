//! `app.dependency_overrides`: what the server calls for a step whose
//! dependable the app replaced before it started serving. FastAPI solves
//! the override's own signature instead of the replaced one's; the server
//! extracts only what was compiled, so it serves an override whose
//! parameters are among the replaced dependable's, each declared the same
//! way (none at all: `lambda: fake_user`; a subset: FastAPI's testing
//! guide's `override_dependency(q: str | None = None)`). Those parameters
//! are extracted at the override's own positions, and the dependencies it
//! does not declare are not run. Any other override stops the server.

use pyo3::prelude::*;

use super::entry_points::entry_points;
use crate::spec::{DependableKind, DependencySpec, Extract, ParamSpec};

/// What a step calls in place of its compiled dependable.
pub struct Replacement {
    pub call: Py<PyAny>,
    /// Its own kind (an `async def` may replace a `def`).
    pub kind: DependableKind,
    /// The compiled parameters it declares, at its own positions.
    pub params: Vec<ParamSpec>,
    /// The dependency steps it keeps (those of its `Depends()` parameters).
    pub children: Vec<usize>,
}

/// What calls `replacement` in place of `original` (compiled as
/// `compiled`), or why it cannot be served.
pub fn replacement(
    original: &Bound<'_, PyAny>,
    replacement: &Bound<'_, PyAny>,
    compiled: &'static DependencySpec,
) -> PyResult<Result<Replacement, String>> {
    let py = original.py();
    let entry = entry_points();
    let declared: Option<Vec<(String, usize, bool)>> = entry
        .override_parameters
        .bind(py)
        .call1((original, replacement))?
        .extract()?;
    let refused = |why: &str| -> PyResult<Result<Replacement, String>> {
        let describe = entry.describe_parameters.bind(py);
        Ok(Err(format!(
            "app.dependency_overrides[{}] = {}: {why} ({} takes {}, {} takes {}); turbo serves an override \
             whose parameters are among those of the dependency it replaces, each declared the same way",
            qualified(original)?,
            qualified(replacement)?,
            compiled.name,
            describe.call1((original,))?,
            qualified(replacement)?.rsplit('.').next().unwrap_or_default(),
            describe.call1((replacement,))?,
        )))
    };
    let Some(declared) = declared else {
        return refused("the override declares a parameter the replaced dependency does not");
    };
    // In the compiled extraction order (FastAPI's order of errors), at the
    // override's positions.
    let params: Vec<ParamSpec> = compiled
        .params
        .iter()
        .filter_map(|spec| {
            let (_, position, keyword_only) = declared.iter().find(|(name, ..)| name == spec.name)?;
            Some(ParamSpec {
                position: *position,
                keyword_only: *keyword_only,
                ..spec.clone()
            })
        })
        .collect();
    let is_body = |spec: &&ParamSpec| matches!(spec.extract, Extract::Body(..));
    let body_kept = params.iter().filter(is_body).count();
    if body_kept != 0 && body_kept != compiled.params.iter().filter(is_body).count() {
        // The body plan validates a callable's body parameters together.
        return refused(
            "the override declares some of the replaced dependency's body parameters but not all",
        );
    }
    let children: Vec<usize> = params
        .iter()
        .filter_map(|spec| match spec.extract {
            Extract::Dependency(step) => Some(step),
            _ => None,
        })
        .collect();
    let kind: String = entry.dependable_kind.bind(py).call1((replacement,))?.extract()?;
    Ok(Ok(Replacement {
        call: replacement.clone().unbind(),
        kind: kind_from_name(&kind),
        params,
        children,
    }))
}

/// `module.qualname` of a callable (of its class for an instance), for messages.
fn qualified(call: &Bound<'_, PyAny>) -> PyResult<String> {
    let (module, name, _): (String, String, String) = entry_points()
        .describe_dependable
        .bind(call.py())
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
