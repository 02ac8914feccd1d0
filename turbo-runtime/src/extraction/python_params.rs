//! Parameters that need Python: request bodies and forms, parameters pydantic
//! validates from their text (`datetime`, `Decimal`, unions, ...), and the
//! `Request` and `Response` objects a handler can ask for.
//!
//! Each calls a plan object built at start-up (`turboapi._plans`), so the
//! per-request work is one Python call per parameter or body.

use pyo3::prelude::*;
use pyo3::types::PyString;

use super::rejection::Rejection;
use crate::extraction::form::{Form, FormError};
use crate::extraction::request::Call;
use crate::extraction::scalars::Extracted;
use crate::extraction::validation_errors::ValidationErrors;
use crate::python::calls;

/// Reads the request body as FastAPI does before validating anything: the
/// decoded JSON (or the raw bytes, or the not-sent marker), or why FastAPI
/// answers at that point (422 `json_invalid`, 400 unreadable body).
pub fn read_body<'py>(py: Python<'py>, call: &Call) -> Result<Bound<'py, PyAny>, Rejection> {
    let request = &call.request;
    let internal = |error| Rejection::Internal {
        context: "cannot read the request body",
        error,
    };
    let read = calls::read_body(py, request.body(), request.content_type()).map_err(internal)?;
    let (kind, value): (String, Bound<'py, PyAny>) = read.extract().map_err(internal)?;
    match kind.as_str() {
        "ok" => Ok(value),
        "json_invalid" => {
            let (error, text): (Bound<'py, PyAny>, Bound<'py, PyAny>) = value.extract().map_err(internal)?;
            let mut errors = ValidationErrors::new();
            errors.push_python(&error);
            Err(Rejection::Invalid {
                errors,
                body: Some(text.unbind()),
            })
        }
        _ => Err(Rejection::UnreadableBody),
    }
}

/// The form a form route's server read ahead of dispatch, as Starlette's
/// `FormData`, or Starlette's refusal.
pub fn read_form<'py>(py: Python<'py>, call: &Call) -> Result<Bound<'py, PyAny>, Rejection> {
    let form = match call.request.take_form() {
        Some(Ok(form)) => form,
        Some(Err(FormError(detail))) => return Err(Rejection::Form(detail)),
        None => Form::default(),
    };
    calls::build_form(py, form).map_err(|error| Rejection::Internal {
        context: "cannot read the form",
        error,
    })
}

/// The body parameters of part `part` of body plan `index` (one
/// callable's), validated by pydantic from what [`read_body`] read, in
/// signature order.
pub fn body<'py>(
    body: &Bound<'py, PyAny>,
    index: usize,
    part: usize,
    errors: &mut ValidationErrors,
) -> Option<Vec<Bound<'py, PyAny>>> {
    validated(errors, calls::validate_body(index, part, body))
}

/// `SecurityScopes` with the scopes required above the callable.
pub fn security_scopes<'py>(
    py: Python<'py>,
    scopes: &[&str],
    errors: &mut ValidationErrors,
) -> Extracted<'py> {
    errors.internal(calls::security_scopes(py, scopes))
}

/// A parameter pydantic validates from its text (`None`: not sent).
pub fn adapted<'py>(
    py: Python<'py>,
    raw: Option<&str>,
    index: usize,
    errors: &mut ValidationErrors,
) -> Extracted<'py> {
    let raw = match raw {
        Some(text) => PyString::new(py, text).into_any(),
        None => py.None().into_bound(py),
    };
    validate_param(index, &raw, errors)
}

/// A list parameter pydantic validates from every value sent under its name.
pub fn adapted_list<'py, S: AsRef<str>>(
    py: Python<'py>,
    values: &[S],
    index: usize,
    errors: &mut ValidationErrors,
) -> Extracted<'py> {
    let list = pyo3::types::PyList::new(py, values.iter().map(|v| v.as_ref()));
    let list = errors.internal(list)?;
    validate_param(index, list.as_any(), errors)
}

fn validate_param<'py>(
    index: usize,
    raw: &Bound<'py, PyAny>,
    errors: &mut ValidationErrors,
) -> Extracted<'py> {
    validated(errors, calls::validate_field(raw.py(), index, (raw,)))
}

/// A pydantic model read from the whole query string, headers or cookies.
pub fn param_model<'py>(
    py: Python<'py>,
    call: &Call,
    index: usize,
    errors: &mut ValidationErrors,
) -> Extracted<'py> {
    let request = &call.request;
    let query = pyo3::types::PyBytes::new(py, request.raw_query().unwrap_or("").as_bytes());
    let headers = crate::extraction::request_object::raw_headers(py, request);
    let headers = errors.internal(headers.into_pyobject(py))?;
    validated(errors, calls::validate_field(py, index, (query, headers)))
}

/// A plan's `(value, errors)` answer: the value if pydantic reported no
/// error, else `None` with the errors added (or the Python failure kept).
fn validated<'py, T: pyo3::conversion::FromPyObjectOwned<'py>>(
    errors: &mut ValidationErrors,
    answer: PyResult<Bound<'py, PyAny>>,
) -> Option<T> {
    let answer = answer.and_then(|answer| answer.extract::<(T, Bound<'py, pyo3::types::PyList>)>());
    let (value, found) = errors.internal(answer)?;
    for error in found.iter() {
        errors.push_python(&error);
    }
    found.is_empty().then_some(value)
}

/// The `Request` object for a handler that declares one.
pub fn request<'py>(py: Python<'py>, call: &Call, errors: &mut ValidationErrors) -> Extracted<'py> {
    errors.internal(crate::extraction::request_object::python_request(py, call))
}

/// The `Response` FastAPI injects for headers, cookies and status.
pub fn sub_response<'py>(py: Python<'py>, errors: &mut ValidationErrors) -> Extracted<'py> {
    errors.internal(calls::sub_response(py))
}
